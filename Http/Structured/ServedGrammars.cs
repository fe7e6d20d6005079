using QwenVL.Http.Protocol;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Structured;

/// <summary>
/// The edge's grammar compiler: the served tokenizer's vocabulary (built on first use: a server that never sees a
/// constraint never pays for it) and one cache, so a schema that many requests send compiles once. Compiling is how a
/// request's constraint is validated: the engine's compiler is the authority on what it can honour.
/// </summary>
public sealed class ServedGrammars(QwenTokenizer tokenizer, int capacity = 64)
{
    private readonly Lazy<GrammarCache> _cache = new(() => new GrammarCache(TokenVocabulary.FromTokenizer(tokenizer), capacity));

    /// <summary>Compiles <paramref name="spec"/> or throws a 400 naming <paramref name="field"/> and the refused keyword.</summary>
    public CompiledGrammar Compile(GrammarSpec spec, string field)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return _cache.Value.GetOrCompile(spec);
        }
        catch (StructuredOutputException e)
        {
            throw Refused(field, e);
        }
    }

    /// <summary>The 400 for a constraint the engine refuses: the field, then the keyword and its path when there is one.</summary>
    public static InvalidRequestException Refused(string field, StructuredOutputException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string keyword = e.Keyword is { } k && !e.Message.Contains($"'{k}'", StringComparison.Ordinal) ? $" (keyword '{k}')" : "";
        return new InvalidRequestException($"{field}: {e.Message}{keyword}", field);
    }
}
