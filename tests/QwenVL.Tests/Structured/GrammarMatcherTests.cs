using System.Text;
using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Structured;

public class GrammarMatcherTests
{
    private static readonly CompiledGrammar Flag = StructuredKit.Schema("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}""");

    private static GrammarMatcher NewMatcher(CompiledGrammar grammar) => new(grammar, [StructuredKit.ImEnd, StructuredKit.EndOfText]);

    private static ulong[] NewMask() => new ulong[StructuredKit.Vocabulary.MaskWords];

    [Fact]
    public void End_of_sequence_is_allowed_only_once_the_output_is_complete_and_then_alone()
    {
        var matcher = NewMatcher(Flag);
        var mask = NewMask();
        foreach (var token in StructuredKit.Tokenizer.Encode("{\"ok\": true"))
        {
            matcher.FillAllowed(mask);
            Assert.True(StructuredKit.IsSet(mask, token));
            Assert.False(StructuredKit.IsSet(mask, StructuredKit.ImEnd));
            Assert.True(matcher.TryAccept(token));
        }
        Assert.False(matcher.TryAccept(StructuredKit.ImEnd));
        Assert.True(matcher.TryAccept(StructuredKit.Tokenizer.Encode("}").Single()));
        Assert.True(matcher.IsAccepting);
        matcher.FillAllowed(mask);
        var allowed = Enumerable.Range(0, StructuredKit.Vocabulary.Size).Where(id => StructuredKit.IsSet(mask, id)).ToArray();
        Assert.Equal([StructuredKit.EndOfText, StructuredKit.ImEnd], allowed.Order());
        Assert.True(matcher.TryAccept(StructuredKit.EndOfText));
        Assert.True(matcher.IsTerminated);
        Assert.False(matcher.TryAccept(StructuredKit.ImEnd));
        matcher.FillAllowed(mask);
        Assert.All(mask, word => Assert.Equal(0UL, word));
    }

    [Fact]
    public void Special_tokens_other_than_end_of_sequence_are_never_allowed()
    {
        var matcher = NewMatcher(StructuredKit.Compile(GrammarSpec.Regex("(.|\\n)*")));
        var mask = NewMask();
        matcher.FillAllowed(mask);
        var specials = Enumerable.Range(0, StructuredKit.Vocabulary.Size).Where(StructuredKit.Tokenizer.IsSpecial).ToArray();
        Assert.NotEmpty(specials);
        foreach (var id in specials.Where(id => id != StructuredKit.ImEnd && id != StructuredKit.EndOfText))
        {
            Assert.False(StructuredKit.IsSet(mask, id));
            Assert.False(matcher.TryAccept(id));
        }
    }

    [Fact]
    public void The_mask_agrees_with_accepting_each_token()
    {
        var grammar = StructuredKit.Schema("""{"type":"object","properties":{"name":{"type":"string","maxLength":4},"n":{"type":"integer"}},"required":["name","n"]}""");
        var matcher = NewMatcher(grammar);
        var mask = NewMask();
        foreach (var prefix in new[] { "", "{\"na", "{\"name\": \"é", "{\"name\":\"abcd\",\"n\":-" })
        {
            Assert.True(matcher.Replay(StructuredKit.Tokenizer.Encode(prefix)));
            matcher.FillAllowed(mask);
            for (var id = 0; id < StructuredKit.Vocabulary.Size; id += 7)
                Assert.Equal(matcher.IsAllowed(id), StructuredKit.IsSet(mask, id));
        }
    }

    [Fact]
    public void Tokens_may_end_inside_a_character_and_span_several_symbols()
    {
        var grammar = StructuredKit.Compile(GrammarSpec.Regex("\"[é€]+\",?"));
        var matcher = NewMatcher(grammar);
        var euro = Encoding.UTF8.GetBytes("€");
        var byteToken = (byte b) => Enumerable.Range(0, StructuredKit.Vocabulary.Size)
            .First(id => StructuredKit.Vocabulary.Bytes(id).SequenceEqual(new[] { b }));
        Assert.True(matcher.TryAccept(byteToken((byte)'"')));
        Assert.True(matcher.TryAccept(byteToken(euro[0])));
        Assert.False(matcher.TryAccept(byteToken((byte)'"')));
        Assert.True(matcher.TryAccept(byteToken(euro[1])));
        Assert.True(matcher.TryAccept(byteToken(euro[2])));
        Assert.True(matcher.Replay(StructuredKit.Tokenizer.Encode("\"é€\",")));
        Assert.True(matcher.IsAccepting);
    }

    [Fact]
    public void Replay_rebuilds_the_state_after_preemption()
    {
        var tokens = StructuredKit.Tokenizer.Encode("{\"ok\":false}");
        var first = NewMatcher(Flag);
        foreach (var token in tokens) Assert.True(first.TryAccept(token));
        var second = NewMatcher(Flag);
        Assert.True(second.Replay(tokens.AsSpan(0, tokens.Length - 1)));
        Assert.False(second.IsAccepting);
        Assert.True(second.Replay(tokens));
        Assert.Equal(first.IsAccepting, second.IsAccepting);
        Assert.False(second.Replay(StructuredKit.Tokenizer.Encode("{\"no\"")));
    }

    [Fact]
    public void Finishing_masks_reach_a_complete_output_within_the_bytes_left()
    {
        var grammar = StructuredKit.Schema("""{"type":"object","properties":{"text":{"type":"string"},"list":{"type":"array","items":{"type":"integer"}}},"required":["text","list"]}""");
        var matcher = NewMatcher(grammar);
        Assert.True(matcher.Replay(StructuredKit.Tokenizer.Encode("{\"text\": \"a long story that")));
        var budget = matcher.MinBytesToComplete;
        var mask = NewMask();
        var random = new Random(7);
        var steps = 0;
        while (!matcher.IsTerminated)
        {
            matcher.FillFinishing(mask);
            Assert.True(matcher.TryAccept(MaskTiming.PickAllowed(mask, random)));
            Assert.True(++steps <= budget + 1);
        }
    }

    [Fact]
    public void The_cache_compiles_once_and_evicts_the_least_recent()
    {
        var cache = new GrammarCache(StructuredKit.Vocabulary, capacity: 2);
        var a = cache.GetOrCompile(GrammarSpec.JsonSchema("{\"type\": \"integer\"}"));
        Assert.Same(a, cache.GetOrCompile(GrammarSpec.JsonSchema("{\"type\":\"integer\"}")));
        cache.GetOrCompile(GrammarSpec.Regex("a+"));
        cache.GetOrCompile(GrammarSpec.JsonSchema("{\"type\":\"integer\"}"));
        cache.GetOrCompile(GrammarSpec.Choice(["x"]));
        Assert.Equal(2, cache.Count);
        Assert.Same(a, cache.GetOrCompile(GrammarSpec.JsonSchema("{\"type\":\"integer\"}")));
        Assert.Throws<StructuredOutputException>(() => cache.GetOrCompile(GrammarSpec.JsonSchema("{\"not\":{}}")));
        Assert.Equal(2, cache.Count);
    }
}
