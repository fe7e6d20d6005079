using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// The compiled output constraints of one replica: one <see cref="GrammarCache"/> over one <see cref="TokenVocabulary"/>.
/// The vocabulary is built from the tokenizer on the first constrained request, so a server that never gets one pays
/// nothing for it. Thread-safe: request preparation compiles on the thread pool.
/// </summary>
public sealed class StructuredOutputs
{
    /// <summary>Distinct specs kept compiled; a spec seen again after eviction is compiled again.</summary>
    public const int DefaultCapacity = 64;

    private readonly Lazy<GrammarCache> _cache;

    public StructuredOutputs(QwenTokenizer tokenizer, int capacity = DefaultCapacity)
        : this(() => TokenVocabulary.FromTokenizer(tokenizer), capacity)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
    }

    public StructuredOutputs(Func<TokenVocabulary> vocabulary, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _cache = new Lazy<GrammarCache>(() => new GrammarCache(vocabulary(), capacity), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether a constrained request has come yet (the vocabulary and cache exist).</summary>
    public bool IsBuilt => _cache.IsValueCreated;

    /// <exception cref="StructuredOutputException">The spec cannot be honoured; the message names the keyword and its path.</exception>
    public CompiledGrammar Compile(GrammarSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _cache.Value.GetOrCompile(spec);
    }

    /// <summary>The grammar for a request's constraint, or null when it has none.</summary>
    public CompiledGrammar? CompileOrNull(GrammarSpec? spec) => spec is null ? null : Compile(spec);
}
