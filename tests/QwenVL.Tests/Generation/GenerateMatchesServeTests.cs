using System.Net;
using System.Text.Json.Nodes;
using QwenVL.App.Cli;
using QwenVL.App.Composition;
using QwenVL.Http.Configuration;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Http;
using Xunit;

namespace QwenVL.Tests.Generation;

/// <summary>The tiny model served on a loopback port, shared by the tests of one class.</summary>
public sealed class TinyLiveServer : IAsyncLifetime
{
    private LoadedModel? _model;

    public EdgeServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _model = LoadedModel.Open(FixturePaths.TinyModel);
        Server = await EdgeServer.StartLiveAsync(_model, o => o with { KvCacheMemoryBytes = 8L << 20 });
    }

    public async Task DisposeAsync()
    {
        if (Server != null) await Server.DisposeAsync();
        _model?.Dispose();
    }
}

/// <summary>
/// `qwenvl generate` and `serve` answer the same request with the same chat.completion. Only `id` (a fresh random id
/// per answer) and `created` (the clock when it was answered) are left out of the comparison; every other field,
/// logprobs digit for digit, must match. Sampled requests give a seed, as a request without one draws a random seed.
/// </summary>
public class GenerateMatchesServeTests(TinyLiveServer live) : IClassFixture<TinyLiveServer>
{
    public static TheoryData<string> Cases => new() { "stop_strings", "include_stop_str", "special_tokens", "n3_seed_logprobs", "image_logprobs" };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generate_answers_what_serve_answers(string name)
    {
        var body = Request(name).ToJsonString();
        var served = await ServeAsync(body);
        var generated = await GenerateAsync(body);

        foreach (var answer in new[] { served, generated })
        {
            Assert.StartsWith("chatcmpl-", (string?)answer["id"]);
            Assert.InRange((long)answer["created"]!, DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            answer.AsObject().Remove("id");
            answer.AsObject().Remove("created");
        }
        Assert.Equal(served.ToJsonString(), generated.ToJsonString());
        CheckCaseIsExercised(name, served);
    }

    private async Task<JsonNode> ServeAsync(string body)
    {
        var response = await live.Server.PostJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GenerateAsync(string body)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["generate", "--model", FixturePaths.TinyModel, "--request", "-"], new StringReader(body), stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return JsonNode.Parse(stdout.ToString())!;
    }

    private static JsonObject Request(string name)
    {
        var hello = TinyReference.Instance.Chat("text_hello");
        var greedy = new JsonObject { ["model"] = EdgeFixtures.ModelName, ["messages"] = ReferenceMessages.Of(hello), ["temperature"] = 0, ["max_tokens"] = 12 };
        // The fixture's generation_config is greedy (top_k 1), so sampled requests switch top_k and top_p off.
        var sampled = new JsonObject { ["model"] = EdgeFixtures.ModelName, ["top_k"] = 0, ["top_p"] = 1.0 };
        switch (name)
        {
            case "stop_strings":
                greedy["stop"] = new JsonArray(hello.GreedyText.Substring(9, 4), "never in the text");
                return greedy;
            case "include_stop_str":
                greedy["stop"] = new JsonArray(hello.GreedyText.Substring(9, 4));
                greedy["include_stop_str_in_output"] = true;
                return greedy;
            case "special_tokens":
                // With this seed the first choice starts with <|box_end|> (a random model rarely samples special tokens).
                sampled["messages"] = ReferenceMessages.Of(hello);
                (sampled["temperature"], sampled["seed"], sampled["n"], sampled["max_tokens"]) = (2.0, 6578, 3, 8);
                (sampled["ignore_eos"], sampled["skip_special_tokens"]) = (true, false);
                return sampled;
            case "n3_seed_logprobs":
                sampled["messages"] = ReferenceMessages.Of(TinyReference.Instance.Chat("text_multiturn"));
                (sampled["temperature"], sampled["seed"], sampled["n"], sampled["max_tokens"]) = (1.0, 7, 3, 8);
                (sampled["logprobs"], sampled["top_logprobs"], sampled["stop"]) = (true, 3, new JsonArray(" hypert"));
                return sampled;
            case "image_logprobs":
                return new JsonObject
                {
                    ["model"] = EdgeFixtures.ModelName, ["messages"] = ReferenceMessages.Of(TinyReference.Instance.Chat("image_seed_question")),
                    ["temperature"] = 0, ["max_tokens"] = 12, ["logprobs"] = true, ["top_logprobs"] = 2,
                };
            default:
                throw new ArgumentException(name);
        }
    }

    /// <summary>Guards that each case still shows what it is about, so equal answers are not equal by having nothing in them.</summary>
    private static void CheckCaseIsExercised(string name, JsonNode answer)
    {
        var choices = answer["choices"]!.AsArray();
        var first = choices[0]!;
        string content = (string)first["message"]!["content"]!;
        var hello = TinyReference.Instance.Chat("text_hello").GreedyText;
        switch (name)
        {
            case "stop_strings":
                Assert.Equal(hello[..9], content);
                Assert.Equal("stop", (string?)first["finish_reason"]);
                break;
            case "include_stop_str":
                Assert.Equal(hello[..13], content);
                break;
            case "special_tokens":
                Assert.StartsWith("<|box_end|>", content, StringComparison.Ordinal);
                Assert.Equal(3, choices.Count);
                break;
            case "n3_seed_logprobs":
                Assert.Equal(3, choices.Count);
                Assert.All(choices, c => Assert.Equal(3, c!["logprobs"]!["content"]![0]!["top_logprobs"]!.AsArray().Count));
                break;
            case "image_logprobs":
                Assert.Equal(12, first["logprobs"]!["content"]!.AsArray().Count);
                break;
        }
    }
}
