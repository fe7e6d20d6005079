using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Composition;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

/// <summary>The whole server — HTTP edge, actors, CPU executor — on a loopback port with the tiny fixture.</summary>
public class LiveServerTests
{
    private static LoadedModel OpenModel() => LoadedModel.Open(FixturePaths.TinyModel, maxModelLength: 2048);

    private static Func<ServeOptions, ServeOptions> SmallCache => o => o with { KvCacheMemoryBytes = 8L << 20, MaxModelLen = 2048 };

    /// <summary>The request from the blog post that introduced Qwen2-VL on vLLM: system prompt, base64 JPEG, 图片中有什么?</summary>
    private static string SeedRequest(int maxTokens = 1024, bool stream = false)
    {
        var image = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", "photo_200x150.jpg")));
        return new JsonObject
        {
            ["model"] = EdgeFixtures.ModelName,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "You are a helpful assistant." },
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = $"data:image/jpeg;base64,{image}" } },
                        new JsonObject { ["type"] = "text", ["text"] = "图片中有什么?" }),
                }),
            ["temperature"] = 0.7, ["top_p"] = 0.8, ["repetition_penalty"] = 1.05, ["max_tokens"] = maxTokens, ["stream"] = stream,
        }.ToJsonString();
    }

    [Fact]
    public async Task Seed_blog_request_is_answered_with_content()
    {
        using var model = OpenModel();
        await using var server = await EdgeServer.StartLiveAsync(model, SmallCache);
        var response = await server.PostJsonAsync("/v1/chat/completions", SeedRequest());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.False(string.IsNullOrEmpty(choice.GetProperty("message").GetProperty("content").GetString()));
        // The 200×150 photo becomes a 10×14 patch grid: 35 image tokens, plus the chat's text.
        Assert.True(doc.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 35);
    }

    [Fact]
    public async Task Sixteen_concurrent_requests_all_complete_and_free_their_blocks()
    {
        using var model = OpenModel();
        await using var server = await EdgeServer.StartLiveAsync(model, SmallCache);
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => server.PostJsonAsync("/v1/chat/completions",
            $$"""{"model":"{{EdgeFixtures.ModelName}}","messages":[{"role":"user","content":"request {{i}}"}],"max_tokens":24,"ignore_eos":true,"temperature":0.9,"seed":{{i}}}""")));
        foreach (var r in responses) Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        Assert.Equal("0", await Metric(server, "vllm:kv_cache_usage_perc"));
        Assert.Equal("384", await Metric(server, "vllm:generation_tokens_total"));
    }

    [Fact]
    public async Task Disconnect_mid_stream_aborts_the_request_and_frees_its_blocks()
    {
        using var model = OpenModel();
        await using var server = await EdgeServer.StartLiveAsync(model, SmallCache);
        using (var cts = new CancellationTokenSource())
        {
            var response = await server.PostStreamingAsync("/v1/chat/completions",
                $$"""{"model":"{{EdgeFixtures.ModelName}}","messages":[{"role":"user","content":"go on forever"}],"max_tokens":1500,"ignore_eos":true,"stream":true}""",
                cts.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            for (int events = 0; events < 5;) if ((await reader.ReadLineAsync(cts.Token))?.StartsWith("data:") == true) events++;
            cts.Cancel();
            response.Dispose();
        }
        for (int i = 0; i < 100 && await Metric(server, "vllm:num_requests_running") != "0"; i++) await Task.Delay(50);
        Assert.Equal("0", await Metric(server, "vllm:num_requests_running"));
        Assert.Equal("0", await Metric(server, "vllm:kv_cache_usage_perc"));
        var generated = int.Parse(await Metric(server, "vllm:generation_tokens_total"));
        Assert.True(generated < 1500, $"{generated} tokens: the request ran to the end instead of being aborted");
    }

    private static async Task<string> Metric(EdgeServer server, string name)
    {
        var text = await server.Client.GetStringAsync("/metrics");
        var line = text.Split('\n').First(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));
        return line[(line.LastIndexOf(' ') + 1)..];
    }
}
