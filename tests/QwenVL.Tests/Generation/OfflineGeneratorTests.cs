using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Cpu;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Text;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Generation;

public class OfflineGeneratorTests(ITestOutputHelper output)
{
    private static readonly int[] Eos = [151645, 151643];

    private static OfflineGenerator NewGenerator() => new(TinyModel.NewExecutor(blocks: 256), SharedTokenizer.Instance, Eos, prefillChunk: 16);

    private static PromptInput Prompt(string name) => PromptInput.FromText(TinyReference.Instance.Chat(name).InputIds);

    [Theory]
    [InlineData("text_hello")]
    [InlineData("text_multiturn")]
    public void Greedy_decoding_reproduces_the_reference_tokens(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, MinTokens = 12 };
        var choice = NewGenerator().Generate(Prompt(name), p).Single();
        Assert.Equal(chat.GreedyTokens, choice.TokenIds);
        Assert.Equal(FinishReason.Length, choice.Reason);
        Assert.Equal(chat.GreedyText, SharedTokenizer.Instance.Decode(choice.TokenIds, skipSpecialTokens: true));
    }

    [Fact]
    public void First_token_logprobs_are_log_softmax_of_the_reference_logits()
    {
        var logits = TinyReference.Instance.Floats("text_hello.last_logits");
        var logSoftmax = LogSoftmax(logits);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 1, Logprobs = true, TopLogprobs = 5 };
        var sample = NewGenerator().Generate(Prompt("text_hello"), p).Single().Samples[0];

        double err = Math.Abs(sample.Logprob - logSoftmax[sample.TokenId]);
        foreach (var top in sample.TopLogprobs!) err = Math.Max(err, Math.Abs(top.Logprob - logSoftmax[top.TokenId]));
        output.WriteLine($"logprob max abs error vs log_softmax(reference logits): {err:E3}");
        Assert.True(err < 1e-3, $"logprobs differ by {err}");
        var referenceTop = TinyReference.Instance.Json.GetProperty("chats")[0].GetProperty("last_top5").GetProperty("ids")
            .EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(referenceTop, sample.TopLogprobs!.Select(t => t.TokenId).ToArray());
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_and_choices_differ()
    {
        var p = new SamplingParams { Temperature = 1.5, MaxTokens = 8, N = 2, Seed = 1234 };
        var first = NewGenerator().Generate(Prompt("text_hello"), p);
        var second = NewGenerator().Generate(Prompt("text_hello"), p);
        Assert.Equal(first[0].TokenIds, second[0].TokenIds);
        Assert.Equal(first[1].TokenIds, second[1].TokenIds);
        Assert.NotEqual(first[0].TokenIds, first[1].TokenIds);
    }

    [Fact]
    public void Stop_string_truncates_the_text_and_finishes_with_stop()
    {
        var full = NewGenerator().Generate(Prompt("text_hello"), new SamplingParams { Temperature = 0, MaxTokens = 12 }).Single();
        var stop = full.Text.Substring(8, 4);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, Stop = [stop] };
        var choice = NewGenerator().Generate(Prompt("text_hello"), p).Single();
        Assert.Equal(FinishReason.Stop, choice.Reason);
        Assert.Equal(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)], choice.Text);
        Assert.True(choice.TokenIds.Length < 12);
    }

    [Fact]
    public void Stop_token_id_ends_the_sequence_and_stays_out_of_the_text()
    {
        var greedy = TinyReference.Instance.Chat("text_hello").GreedyTokens;
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, StopTokenIds = [greedy[3]] };
        var choice = NewGenerator().Generate(Prompt("text_hello"), p).Single();
        Assert.Equal(FinishReason.Stop, choice.Reason);
        Assert.Equal(greedy[..4], choice.TokenIds);
        Assert.Equal(SharedTokenizer.Instance.Decode(greedy[..3], skipSpecialTokens: true), choice.Text);
    }

    [Fact]
    public void Max_tokens_limits_the_output_with_reason_length()
    {
        var choice = NewGenerator().Generate(Prompt("text_multiturn"), new SamplingParams { Temperature = 0, MaxTokens = 3 }).Single();
        Assert.Equal(3, choice.TokenIds.Length);
        Assert.Equal(FinishReason.Length, choice.Reason);
    }

    private static double[] LogSoftmax(float[] logits)
    {
        double max = logits.Max(), sum = logits.Sum(x => Math.Exp(x - max));
        return logits.Select(x => x - max - Math.Log(sum)).ToArray();
    }
}
