using QwenVL.Actors;
using QwenVL.Tests.Text;
using Xunit;

namespace QwenVL.Tests.Actors;

/// <summary>Stop strings against streamed text: never split across chunks, never sent, text before them intact.</summary>
public class ChoiceTextTests
{
    private static (List<string> Chunks, bool Stopped) Stream(string text, string[] stops, bool includeStop = false)
    {
        var tokenizer = SharedTokenizer.Instance;
        var choice = new ChoiceText(tokenizer, skipSpecialTokens: true, stops, includeStop);
        var chunks = new List<string>();
        foreach (var id in tokenizer.Encode(text))
        {
            chunks.Add(choice.Add(id, checkStops: true));
            if (choice.Stopped) return (chunks, true);
        }
        chunks.Add(choice.Finish(checkStops: true));
        return (chunks, choice.Stopped);
    }

    [Fact]
    public void Stop_string_spanning_several_tokens_is_held_back_and_never_sent()
    {
        var (chunks, stopped) = Stream("The answer is forty-two, and that is final.", ["forty-two"]);
        Assert.True(stopped);
        Assert.Equal("The answer is ", string.Concat(chunks));
        Assert.DoesNotContain(chunks, c => c.Contains("forty", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_only_looks_like_a_stop_string_prefix_is_released_later()
    {
        var (chunks, stopped) = Stream("forty days and forty nights", ["forty-two"]);
        Assert.False(stopped);
        Assert.Equal("forty days and forty nights", string.Concat(chunks));
    }

    [Fact]
    public void Earliest_of_several_stop_strings_wins_and_can_be_included()
    {
        var (chunks, stopped) = Stream("alpha beta gamma delta", ["delta", "beta"], includeStop: true);
        Assert.True(stopped);
        Assert.Equal("alpha beta", string.Concat(chunks));
    }

    [Fact]
    public void Without_stop_strings_every_token_is_released_at_once()
    {
        var tokenizer = SharedTokenizer.Instance;
        var choice = new ChoiceText(tokenizer, skipSpecialTokens: true, [], includeStopInOutput: false);
        var ids = tokenizer.Encode("Hello world");
        Assert.Equal("Hello", choice.Add(ids[0], checkStops: true));
        Assert.Equal(" world", choice.Add(ids[1], checkStops: true));
    }
}
