using System.Text;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Structured;

/// <summary>The real Qwen2 tokenizer's vocabulary, loaded once for all structured-output tests, and byte-level helpers.</summary>
internal static class StructuredKit
{
    private static readonly Lazy<QwenTokenizer> LazyTokenizer = new(() => QwenTokenizer.Load(FixturePaths.TinyModel));
    private static readonly Lazy<TokenVocabulary> LazyVocabulary = new(() => TokenVocabulary.FromTokenizer(Tokenizer));

    public static QwenTokenizer Tokenizer => LazyTokenizer.Value;

    public static TokenVocabulary Vocabulary => LazyVocabulary.Value;

    /// <summary>One grammar cache over <see cref="Vocabulary"/> for every test that generates through the scheduler.</summary>
    public static StructuredOutputs Outputs { get; } = new(() => Vocabulary);

    public static int EndOfText => Tokenizer.TokenToId("<|endoftext|>")!.Value;

    public static int ImEnd => Tokenizer.TokenToId("<|im_end|>")!.Value;

    public static CompiledGrammar Compile(GrammarSpec spec, GrammarOptions? options = null) =>
        CompiledGrammar.Compile(spec, Vocabulary, options);

    public static CompiledGrammar Schema(string schemaJson, GrammarOptions? options = null) =>
        Compile(GrammarSpec.JsonSchema(schemaJson), options);

    /// <summary>Whether the automaton accepts exactly the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static bool Accepts(CompiledGrammar grammar, string text)
    {
        var end = grammar.Dfa.Walk(grammar.Dfa.Start, Encoding.UTF8.GetBytes(text));
        return end != LazyDfa.Dead && grammar.Dfa.IsAccepting(end);
    }

    /// <summary>Whether <paramref name="text"/> can still be continued into an accepted output.</summary>
    public static bool AcceptsPrefix(CompiledGrammar grammar, string text) =>
        grammar.Dfa.Walk(grammar.Dfa.Start, Encoding.UTF8.GetBytes(text)) != LazyDfa.Dead;

    public static bool IsSet(ReadOnlySpan<ulong> mask, int id) => ((mask[id >> 6] >> id) & 1) != 0;
}
