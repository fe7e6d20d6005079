using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Scheduling;
using QwenVL.Tests.Text;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Generation;

/// <summary>One request's choices run to completion through the scheduler on the tiny model's CPU executor.</summary>
public class GenerationLoopTests(ITestOutputHelper output)
{
    private static GenerationLoop NewLoop() => FixturePrompts.Loop(TinyModel.NewExecutor(blocks: 256), 256, stepTokens: 16);

    private static PreparedPrompt Prompt(string name) => new(PromptInput.FromText(TinyReference.Instance.Chat(name).InputIds), []);

    [Theory]
    [InlineData("text_hello")]
    [InlineData("text_multiturn")]
    public void Greedy_decoding_reproduces_the_reference_tokens(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, MinTokens = 12 };
        var choice = NewLoop().Run(Prompt(name), p).Choices.Single();
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
        var sample = NewLoop().Run(Prompt("text_hello"), p).Choices.Single().Samples[0];

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
        var first = NewLoop().Run(Prompt("text_hello"), p).Choices;
        var second = NewLoop().Run(Prompt("text_hello"), p).Choices;
        Assert.Equal(first[0].TokenIds, second[0].TokenIds);
        Assert.Equal(first[1].TokenIds, second[1].TokenIds);
        Assert.NotEqual(first[0].TokenIds, first[1].TokenIds);
    }

    [Fact]
    public void Stop_string_truncates_the_text_and_finishes_with_stop()
    {
        var full = NewLoop().Run(Prompt("text_hello"), new SamplingParams { Temperature = 0, MaxTokens = 12 }).Choices.Single();
        var stop = full.Text.Substring(8, 4);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, Stop = [stop] };
        var choice = NewLoop().Run(Prompt("text_hello"), p).Choices.Single();
        Assert.Equal(FinishReason.Stop, choice.Reason);
        Assert.Equal(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)], choice.Text);
        Assert.True(choice.TokenIds.Length < 12);
    }

    [Fact]
    public void Stop_token_id_ends_the_sequence_and_stays_out_of_the_text()
    {
        var greedy = TinyReference.Instance.Chat("text_hello").GreedyTokens;
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, StopTokenIds = [greedy[3]] };
        var choice = NewLoop().Run(Prompt("text_hello"), p).Choices.Single();
        Assert.Equal(FinishReason.Stop, choice.Reason);
        Assert.Equal(greedy[..4], choice.TokenIds);
        Assert.Equal(SharedTokenizer.Instance.Decode(greedy[..3], skipSpecialTokens: true), choice.Text);
    }

    [Fact]
    public void Max_tokens_limits_the_output_with_reason_length()
    {
        var choice = NewLoop().Run(Prompt("text_multiturn"), new SamplingParams { Temperature = 0, MaxTokens = 3 }).Choices.Single();
        Assert.Equal(3, choice.TokenIds.Length);
        Assert.Equal(FinishReason.Length, choice.Reason);
    }

    [Fact]
    public void Usage_counts_every_choice_up_to_the_token_that_ended_it()
    {
        var p = new SamplingParams { Temperature = 1.0, MaxTokens = 6, N = 3, Seed = 5, StopTokenIds = [SharedTokenizer.Instance.Encode(" the")[0]] };
        var result = NewLoop().Run(Prompt("text_multiturn"), p);
        Assert.Equal([0, 1, 2], result.Choices.Select(c => c.Index));
        Assert.Equal(result.Choices.Sum(c => c.TokenIds.Length), result.CompletionTokens);
        Assert.Equal(TinyReference.Instance.Chat("text_multiturn").InputIds.Length, result.PromptTokens);
    }

    [Fact]
    public void A_stop_string_ends_one_choice_while_the_others_go_on()
    {
        var greedy = NewLoop().Run(Prompt("text_hello"), new SamplingParams { Temperature = 0, MaxTokens = 12 }).Choices.Single();
        var stop = greedy.Text.Substring(6, 3);
        var p = new SamplingParams { Temperature = 0, MaxTokens = 12, N = 2, Stop = [stop] };
        var choices = NewLoop().Run(Prompt("text_hello"), p, new OutputTextOptions(IncludeStopStringInOutput: true)).Choices;
        Assert.All(choices, c => Assert.Equal(greedy.Text[..(greedy.Text.IndexOf(stop, StringComparison.Ordinal) + stop.Length)], c.Text));
        Assert.All(choices, c => Assert.Equal(FinishReason.Stop, c.Reason));
    }

    [Theory]
    [InlineData(32768, null, "your request has 32768 input tokens")]
    [InlineData(20, 32760, "you requested 32780 tokens")]
    public void A_request_longer_than_the_context_is_refused_in_the_servers_words(int promptTokens, int? maxTokens, string expected)
    {
        var prompt = new PreparedPrompt(PromptInput.FromText(Enumerable.Repeat(9707, promptTokens).ToArray()), []);
        var e = Assert.Throws<ArgumentException>(() => NewLoop().Run(prompt, new SamplingParams { MaxTokens = maxTokens }));
        Assert.Contains("maximum context length", e.Message);
        Assert.Contains(expected, e.Message);
    }

    private static double[] LogSoftmax(float[] logits)
    {
        double max = logits.Max(), sum = logits.Sum(x => Math.Exp(x - max));
        return logits.Select(x => x - max - Math.Log(sum)).ToArray();
    }
}
