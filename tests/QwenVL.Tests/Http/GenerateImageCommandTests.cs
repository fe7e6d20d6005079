using System.Text.Json;
using System.Text.Json.Nodes;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;
using QwenVL.App.Cli;

namespace QwenVL.Tests.Http;

/// <summary>`qwenvl generate` with images sent as data URLs reproduces what transformers computed.</summary>
public class GenerateImageCommandTests(ITestOutputHelper output)
{
    public static TheoryData<string> ImageCases => new() { "image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png" };

    /// <summary>The reference chat, its images as data URLs: greedy, twelve tokens, two top logprobs.</summary>
    private static string RequestBody(ChatCase chat)
    {
        var body = new JsonObject
        {
            ["messages"] = ReferenceMessages.Of(chat), ["temperature"] = 0, ["max_tokens"] = 12, ["min_tokens"] = 12,
            ["logprobs"] = true, ["top_logprobs"] = 2,
        };
        return body.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(ImageCases))]
    public async Task Image_request_reproduces_reference_tokens_logprobs_and_prompt_length(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["generate", "--model", FixturePaths.TinyModel, "--request", "-"],
            new StringReader(RequestBody(chat)), stdout, stderr);
        Assert.True(code == 0, stderr.ToString());

        using var doc = JsonDocument.Parse(stdout.ToString());
        var root = doc.RootElement;
        Assert.Equal(chat.InputIds.Length, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var content = root.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(12, content.GetArrayLength());
        Assert.Equal(chat.GreedyText, string.Concat(content.EnumerateArray().Select(t => t.GetProperty("token").GetString())));

        var logits = TinyReference.Instance.Floats(name + ".last_logits");
        double max = logits.Max(), logSum = Math.Log(logits.Sum(x => Math.Exp(x - max)));
        double expected = logits[chat.GreedyTokens[0]] - max - logSum;
        double err = Math.Abs(expected - content[0].GetProperty("logprob").GetDouble());
        output.WriteLine($"{name}: first-token logprob error {err:E3}");
        Assert.True(err < 1e-3, $"first-token logprob differs by {err}");
    }

    [Fact]
    public async Task Image_whose_tokens_exceed_the_max_model_length_is_refused()
    {
        var chat = TinyReference.Instance.Chat("image_tall_jpeg");
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["generate", "--model", FixturePaths.TinyModel, "--request", "-", "--max-model-len", "40"],
            new StringReader(RequestBody(chat)), new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains($"your request has {chat.InputIds.Length} input tokens", stderr.ToString());
        Assert.Contains("maximum context length is 40", stderr.ToString());
    }
}
