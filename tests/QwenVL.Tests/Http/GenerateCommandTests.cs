using System.Text.Json;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Cli;

namespace QwenVL.Tests.Http;

/// <summary>`qwenvl generate` end to end on the tiny fixture, through the command-line entry point.</summary>
public class GenerateCommandTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> Run(string body, params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = ["generate", "--model", FixturePaths.TinyModel, "--request", "-", .. extra];
        int code = await CommandLine.RunAsync(args, new StringReader(body), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string HelloRequest(string extra = "") =>
        """{"model":"tiny","messages":[{"role":"user","content":"Hello, who are you?"}],"temperature":0,"max_tokens":12""" + extra + "}";

    [Fact]
    public async Task Greedy_request_reproduces_the_reference_tokens_with_usage()
    {
        var chat = TinyReference.Instance.Chat("text_hello");
        var (code, stdout, stderr) = await Run(HelloRequest());
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal(chat.GreedyText, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(chat.InputIds.Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(chat.InputIds.Length + 12, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Logprobs_are_reported_per_token_and_match_the_reference()
    {
        var (code, stdout, stderr) = await Run(HelloRequest(""","logprobs":true,"top_logprobs":3"""));
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var content = doc.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(12, content.GetArrayLength());
        var first = content[0];
        var logits = TinyReference.Instance.Floats("text_hello.last_logits");
        double max = logits.Max(), logSum = Math.Log(logits.Sum(x => Math.Exp(x - max)));
        int firstId = TinyReference.Instance.Chat("text_hello").GreedyTokens[0];
        Assert.Equal(logits[firstId] - max - logSum, first.GetProperty("logprob").GetDouble(), 1e-3);
        Assert.Equal(3, first.GetProperty("top_logprobs").GetArrayLength());
        Assert.True(first.GetProperty("bytes").GetArrayLength() > 0);
        Assert.False(string.IsNullOrEmpty(first.GetProperty("token").GetString()));
    }

    [Fact]
    public async Task N_choices_are_returned_with_their_indexes()
    {
        var (code, stdout, stderr) = await Run(
            """{"messages":[{"role":"user","content":"Hi"}],"temperature":1.0,"n":3,"max_tokens":4,"seed":7}""");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var choices = doc.RootElement.GetProperty("choices");
        Assert.Equal([0, 1, 2], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":-1}""", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"top_logprobs":25,"logprobs":true}""", "top_logprobs")]
    [InlineData("""{"messages":[{"role":"robot","content":"hi"}]}""", "role")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stop":5}""", "stop")]
    public async Task Bad_requests_exit_with_code_2_and_name_the_problem(string body, string expected)
    {
        var (code, stdout, stderr) = await Run(body);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Missing_model_directory_is_named()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["generate", "--model", "/nonexistent/model", "--request", "-"],
            new StringReader(HelloRequest()), new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/model", stderr.ToString());
    }

    [Fact]
    public async Task Missing_request_option_is_reported()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["generate", "--model", FixturePaths.TinyModel], new StringReader(""), new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("--request", stderr.ToString());
    }
}
