using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Text;
using Xunit;

namespace QwenVL.Tests.Generation;

/// <summary>
/// One choice's text and ending: stop strings never split across deltas and never sent, stop tokens kept out of the
/// text, min_tokens, include_stop_str_in_output and skip_special_tokens.
/// </summary>
public class ChoiceDecoderTests
{
    private const int ImEnd = 151645;
    private static readonly int[] Eos = [ImEnd, 151643];

    private static ChoiceDecoder Decoder(string[] stops, bool includeStop = false, int minTokens = 0, bool skipSpecial = true) =>
        new(SharedTokenizer.Instance, new SamplingParams { Stop = stops, MinTokens = minTokens }, Eos, new OutputTextOptions(skipSpecial, includeStop));

    /// <summary>Feeds <paramref name="text"/>'s tokens until the choice ends, then finishes it with length; returns every delta.</summary>
    private static (List<string> Deltas, ChoiceDecoder Choice) Stream(string text, string[] stops, bool includeStop = false, int minTokens = 0)
    {
        var choice = Decoder(stops, includeStop, minTokens);
        var deltas = new List<string>();
        foreach (var id in SharedTokenizer.Instance.Encode(text))
        {
            deltas.Add(choice.Add(id));
            if (choice.Ended) return (deltas, choice);
        }
        deltas.Add(choice.Finish(FinishReason.Length));
        return (deltas, choice);
    }

    [Fact]
    public void Stop_string_spanning_several_tokens_is_held_back_and_never_sent()
    {
        var (deltas, choice) = Stream("The answer is forty-two, and that is final.", ["forty-two"]);
        Assert.True(choice.StoppedByText);
        Assert.Equal(FinishReason.Stop, choice.Reason);
        Assert.Equal("The answer is ", string.Concat(deltas));
        Assert.DoesNotContain(deltas, c => c.Contains("forty", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_only_looks_like_a_stop_string_prefix_is_released_later()
    {
        var (deltas, choice) = Stream("forty days and forty nights", ["forty-two"]);
        Assert.False(choice.StoppedByText);
        Assert.Equal(FinishReason.Length, choice.Reason);
        Assert.Equal("forty days and forty nights", string.Concat(deltas));
    }

    [Fact]
    public void Earliest_of_several_stop_strings_wins_and_can_be_included()
    {
        var (deltas, choice) = Stream("alpha beta gamma delta", ["delta", "beta"], includeStop: true);
        Assert.True(choice.StoppedByText);
        Assert.Equal("alpha beta", string.Concat(deltas));
    }

    [Fact]
    public void Without_stop_strings_every_token_is_released_at_once()
    {
        var choice = Decoder([]);
        var ids = SharedTokenizer.Instance.Encode("Hello world");
        Assert.Equal("Hello", choice.Add(ids[0]));
        Assert.Equal(" world", choice.Add(ids[1]));
    }

    [Fact]
    public void Stop_strings_do_not_count_before_min_tokens()
    {
        var text = "one two one two";
        int tokens = SharedTokenizer.Instance.Encode(text).Length;
        var (early, _) = Stream(text, ["one"], minTokens: 0);
        var (late, choice) = Stream(text, ["one"], minTokens: tokens - 1);
        Assert.Equal("", string.Concat(early));
        Assert.Equal("one two ", string.Concat(late));
        Assert.True(choice.StoppedByText);
    }

    [Fact]
    public void A_stop_token_stays_out_of_the_text_but_counts_as_a_token()
    {
        var choice = Decoder([]);
        var hello = SharedTokenizer.Instance.Encode("Hello")[0];
        Assert.Equal("Hello", choice.Add(hello));
        Assert.Equal("", choice.Add(ImEnd));
        Assert.Equal("", choice.Finish(FinishReason.Stop));
        Assert.Equal(2, choice.Produced);
        Assert.Equal(FinishReason.Stop, choice.Reason);
    }

    [Theory]
    [InlineData(true, "ab")]
    [InlineData(false, "a<|vision_start|>b")]
    public void Special_tokens_are_written_only_when_not_skipped(bool skipSpecial, string expected)
    {
        var tokenizer = SharedTokenizer.Instance;
        var choice = Decoder([], skipSpecial: skipSpecial);
        var text = choice.Add(tokenizer.Encode("a")[0]) + choice.Add(151652) + choice.Add(tokenizer.Encode("b")[0]) + choice.Finish(FinishReason.Length);
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Tokens_after_a_stop_string_are_ignored_and_the_stop_reason_stays()
    {
        var (_, choice) = Stream("stop here please", [" here"]);
        int produced = choice.Produced;
        Assert.Equal("", choice.Add(SharedTokenizer.Instance.Encode("more")[0]));
        Assert.Equal("", choice.Finish(FinishReason.Length));
        Assert.Equal(produced, choice.Produced);
        Assert.Equal(FinishReason.Stop, choice.Reason);
    }
}
