using QwenVL.Http.Protocol;
using QwenVL.Runtime.Structured;

namespace QwenVL.Http.Structured;

/// <summary>
/// The edge's grammar compiler over the model's <see cref="StructuredOutputs"/> (vocabulary built on first use, one
/// cache), turning a refusal into a 400 naming the request's field. Compiling is how a request's constraint is
/// validated: the engine's compiler is the authority on what it can honour. Where the replica runs in the same
/// process it shares the same <see cref="StructuredOutputs"/>, so its compile of the request is a cache hit.
/// </summary>
public sealed class ServedGrammars(StructuredOutputs outputs)
{

    /// <summary>Compiles <paramref name="spec"/> or throws a 400 naming <paramref name="field"/> and the refused keyword.</summary>
    public CompiledGrammar Compile(GrammarSpec spec, string field)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return outputs.Compile(spec);
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
