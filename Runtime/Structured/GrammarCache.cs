namespace QwenVL.Runtime.Structured;

/// <summary>
/// Compiled grammars by <see cref="GrammarSpec"/>, least recently used evicted past a capacity. A grammar
/// is compiled once even when several requests ask for it at the same moment; a spec that fails to
/// compile is not kept, so each request for it gets the error. Thread-safe.
/// </summary>
public sealed class GrammarCache
{
    private readonly TokenVocabulary _vocabulary;
    private readonly GrammarOptions _options;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<GrammarSpec, LinkedListNode<(GrammarSpec Spec, Lazy<CompiledGrammar> Grammar)>> _entries = [];
    private readonly LinkedList<(GrammarSpec Spec, Lazy<CompiledGrammar> Grammar)> _recency = new();

    public GrammarCache(TokenVocabulary vocabulary, int capacity = 64, GrammarOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _vocabulary = vocabulary;
        _capacity = capacity;
        _options = options ?? GrammarOptions.Default;
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <exception cref="StructuredOutputException">The spec cannot be compiled.</exception>
    public CompiledGrammar GetOrCompile(GrammarSpec spec)
    {
        Lazy<CompiledGrammar> pending;
        lock (_gate)
        {
            if (_entries.TryGetValue(spec, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                pending = node.Value.Grammar;
            }
            else
            {
                pending = new Lazy<CompiledGrammar>(() => CompiledGrammar.Compile(spec, _vocabulary, _options));
                _entries[spec] = _recency.AddFirst((spec, pending));
            }
        }
        CompiledGrammar grammar;
        try
        {
            grammar = pending.Value;
        }
        catch (StructuredOutputException)
        {
            Forget(spec, pending);
            throw;
        }
        EvictPastCapacity();
        return grammar;
    }

    /// <summary>Evicts only once a grammar has compiled, so a failing spec never pushes out a good one.</summary>
    private void EvictPastCapacity()
    {
        lock (_gate)
        {
            while (_entries.Count > _capacity)
            {
                _entries.Remove(_recency.Last!.Value.Spec);
                _recency.RemoveLast();
            }
        }
    }

    private void Forget(GrammarSpec spec, Lazy<CompiledGrammar> failed)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(spec, out var node) || node.Value.Grammar != failed) return;
            _entries.Remove(spec);
            _recency.Remove(node);
        }
    }
}
