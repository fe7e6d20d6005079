using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Composition;

namespace QwenVL.Tests.Http;

/// <summary>GET /v1/live on a real server: the events, the key rules, the end of a stream, the OpenAPI entry.</summary>
public class LiveApiTests
{
    private const string Key = "sk-live-1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Task<HttpResponseMessage> OpenAsync(EdgeServer server, string path = "/v1/live", string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bearer != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [Fact]
    public async Task After_a_burst_of_requests_an_event_shows_steps_and_generation_throughput()
    {
        using var model = LoadedModel.Open(FixturePaths.TinyModel, maxModelLength: 2048);
        await using var server = await EdgeServer.StartLiveAsync(model, o => o with { KvCacheMemoryBytes = 8L << 20, MaxModelLen = 2048 });
        using var timeout = new CancellationTokenSource(Patience);
        using var response = await OpenAsync(server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new LiveEventReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var first = (await events.NextAsync(timeout.Token))!.Value;
        Assert.Equal(0, first.GetProperty("interval_s").GetDouble());
        Assert.Equal(EdgeFixtures.ModelName, first.GetProperty("model").GetString());
        Assert.Equal("local", first.GetProperty("replicas")[0].GetProperty("replica").GetString());

        var body = new JsonObject
        {
            ["model"] = EdgeFixtures.ModelName,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Tell me a story about a cat" }),
            ["max_tokens"] = 24, ["min_tokens"] = 24, ["ignore_eos"] = true,
        }.ToJsonString();
        var burst = Enumerable.Range(0, 4).Select(_ => server.PostJsonAsync("/v1/chat/completions", body, timeout.Token)).ToArray();

        JsonElement busy = default;
        while (await events.NextAsync(timeout.Token) is { } e)
        {
            var replica = e.GetProperty("replicas")[0];
            if (replica.GetProperty("generation_tokens_per_s").GetDouble() > 0 && replica.GetProperty("steps").GetInt64() > 0)
            {
                busy = e;
                break;
            }
        }
        Assert.Equal(JsonValueKind.Object, busy.ValueKind);
        foreach (var done in await Task.WhenAll(burst)) Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        Assert.True(busy.GetProperty("interval_s").GetDouble() > 0);
        var r = busy.GetProperty("replicas")[0];
        foreach (var field in new[]
                 {
                     "prefill_tokens", "decode_sequences", "prefill_tokens_per_step", "decode_sequences_per_step", "prefill_budget_share",
                     "decode_budget_share", "busy", "running", "waiting", "preempted", "preemptions", "kv_cache_usage", "prefix_cache_hit_rate",
                     "prompt_tokens_per_s",
                 })
            Assert.True(r.GetProperty(field).GetDouble() >= 0, field);
        Assert.True(r.GetProperty("decode_budget_share").GetDouble() + r.GetProperty("prefill_budget_share").GetDouble() <= 1);
        var recent = r.GetProperty("recent_steps");
        Assert.True(recent.GetArrayLength() > 0);
        Assert.True(recent[0].GetProperty("budget").GetInt32() > 0);
        Assert.True(r.GetProperty("ttft_ms").GetProperty("count").GetInt32() > 0);
        Assert.True(r.GetProperty("ttft_ms").GetProperty("p99").GetDouble() >= r.GetProperty("ttft_ms").GetProperty("p50").GetDouble());
        Assert.True(busy.GetProperty("totals").GetProperty("generation_tokens_per_s").GetDouble() > 0);
    }

    [Fact]
    public async Task With_an_api_key_the_stream_wants_it_in_the_header_or_the_query()
    {
        var fake = FakeCompletionService.Replying();
        await using var server = await EdgeServer.StartAsync(fake, o => o with { ApiKey = Key });
        using (var none = await OpenAsync(server)) Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using (var wrong = await OpenAsync(server, "/v1/live?api_key=nope")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var header = await OpenAsync(server, bearer: Key)) Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        using (var query = await OpenAsync(server, $"/v1/live?api_key={Key}")) Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        // The query form is for the live stream only.
        using var models = await server.Client.GetAsync($"/v1/models?api_key={Key}");
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_stops_its_stream()
    {
        var fake = FakeCompletionService.Replying();
        await using var server = await EdgeServer.StartAsync(fake);
        using var timeout = new CancellationTokenSource(Patience);
        using (var response = await OpenAsync(server))
        {
            using var events = new LiveEventReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            Assert.NotNull(await events.NextAsync(timeout.Token));
            Assert.NotNull(await events.NextAsync(timeout.Token));
        }
        // The server may only notice the closed connection when it writes the next event.
        int reads = fake.StatusReads, stable = 0;
        for (int i = 0; i < 20 && stable < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            stable = fake.StatusReads == reads ? stable + 1 : 0;
            reads = fake.StatusReads;
        }
        Assert.True(stable >= 3, "the stream kept reading the status after its client left");
    }

    [Fact]
    public async Task An_open_stream_ends_when_the_server_stops_and_does_not_hold_it_up()
    {
        var fake = FakeCompletionService.Replying();
        var server = await EdgeServer.StartAsync(fake);
        using var timeout = new CancellationTokenSource(Patience);
        using var response = await OpenAsync(server);
        using var events = new LiveEventReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.NotNull(await events.NextAsync(timeout.Token));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        while (await events.NextAsync(timeout.Token) is not null)
        {
        }
    }

    [Fact]
    public async Task Events_read_a_status_that_fails_as_no_replicas()
    {
        var fake = FakeCompletionService.Replying();
        fake.StatusFailure = new InvalidOperationException("replica gone");
        await using var server = await EdgeServer.StartAsync(fake);
        using var timeout = new CancellationTokenSource(Patience);
        using var response = await OpenAsync(server);
        using var events = new LiveEventReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var e = (await events.NextAsync(timeout.Token))!.Value;
        Assert.Equal(0, e.GetProperty("replicas").GetArrayLength());
        Assert.Equal("total", e.GetProperty("totals").GetProperty("replica").GetString());
    }

    [Fact]
    public async Task OpenApi_lists_the_stream_as_text_event_stream_of_live_events()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi.json"));
        var get = doc.RootElement.GetProperty("paths").GetProperty("/v1/live").GetProperty("get");
        var content = get.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal("#/components/schemas/LiveEvent", content.GetProperty("text/event-stream").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Contains("generation_tokens_per_s", get.GetProperty("description").GetString());
        var replica = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("LiveReplica").GetProperty("properties");
        Assert.True(replica.TryGetProperty("recent_steps", out _));
    }
}
