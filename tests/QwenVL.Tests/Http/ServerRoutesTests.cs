using System.Net;
using System.Text.Json;
using QwenVL.Http.Metrics;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>The informational routes through a real server: models, health, version, metrics, the OpenAPI document, start-up log.</summary>
public class ServerRoutesTests
{
    [Fact]
    public async Task Models_lists_every_served_name_with_max_model_len()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/models"));
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal(["tiny", "tiny-alias"], data.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var card = data[0];
        Assert.Equal("model", card.GetProperty("object").GetString());
        Assert.Equal("qwenvl", card.GetProperty("owned_by").GetString());
        Assert.Equal(FixturePaths.TinyModel, card.GetProperty("root").GetString());
        Assert.Equal(EdgeFixtures.Model().MaxModelLength, card.GetProperty("max_model_len").GetInt32());
        Assert.True(card.GetProperty("created").GetInt64() > 0);
    }

    [Fact]
    public async Task Health_is_200_while_the_replica_answers_and_503_when_it_does_not()
    {
        var fake = FakeCompletionService.Replying();
        await using var server = await EdgeServer.StartAsync(fake);
        using (var response = await server.Client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }
        fake.StatusFailure = new TimeoutException("replica silent");
        using (var response = await server.Client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("replica silent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_names_the_server_version()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/version"));
        Assert.Matches(@"^\d+\.\d+\.\d+", doc.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Metrics_carry_vllms_names_with_the_model_name_label()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using (var chat = await server.PostJsonAsync("/v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}]}"""))
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        using var response = await server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var samples = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        double Sample(string series) => double.Parse(samples.Single(l => l.StartsWith(series + " ", StringComparison.Ordinal)).Split(' ')[1],
            System.Globalization.CultureInfo.InvariantCulture);

        const string label = "{model_name=\"tiny\"}";
        Assert.Equal(3, Sample("vllm:num_requests_running" + label));
        Assert.Equal(2, Sample("vllm:num_requests_waiting" + label));
        Assert.Equal(0.25, Sample("vllm:kv_cache_usage_perc" + label));
        Assert.Equal(1234, Sample("vllm:prompt_tokens_total" + label));
        Assert.Equal(567, Sample("vllm:generation_tokens_total" + label));
        Assert.Equal(100, Sample("vllm:prefix_cache_queries_total" + label));
        Assert.Equal(40, Sample("vllm:prefix_cache_hits_total" + label));
        Assert.Equal(1, Sample("vllm:time_to_first_token_seconds_count" + label));
        Assert.Equal(1, Sample("vllm:inter_token_latency_seconds_count" + label));
        Assert.Equal(1, Sample("vllm:e2e_request_latency_seconds_count" + label));
        Assert.Equal(1, Sample("vllm:e2e_request_latency_seconds_bucket{model_name=\"tiny\",le=\"+Inf\"}"));
        Assert.Equal(1, Sample("vllm:request_success_total{model_name=\"tiny\",finished_reason=\"stop\"}"));
        Assert.Contains("# TYPE vllm:time_to_first_token_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vllm:prompt_tokens_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vllm:num_requests_running gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_still_answer_with_the_edges_own_when_the_replica_does_not()
    {
        var fake = FakeCompletionService.Replying();
        fake.StatusFailure = new TimeoutException("replica silent");
        await using var server = await EdgeServer.StartAsync(fake);
        var text = await server.Client.GetStringAsync("/metrics");
        Assert.DoesNotContain("vllm:num_requests_running", text, StringComparison.Ordinal);
        Assert.Contains("vllm:e2e_request_latency_seconds_count", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openapi_document_lists_the_routes_named_and_tagged()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi.json"));
        var paths = doc.RootElement.GetProperty("paths");
        (string Path, string Method, string OperationId)[] expected =
        [
            ("/v1/chat/completions", "post", "CreateChatCompletion"),
            ("/v1/completions", "post", "CreateCompletion"),
            ("/v1/models", "get", "ListModels"),
            ("/tokenize", "post", "Tokenize"),
            ("/detokenize", "post", "Detokenize"),
            ("/health", "get", "Health"),
            ("/version", "get", "Version"),
            ("/metrics", "get", "Metrics"),
        ];
        foreach (var (path, method, operationId) in expected)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.True(operation.GetProperty("tags").GetArrayLength() > 0);
        }
        var chat = paths.GetProperty("/v1/chat/completions").GetProperty("post");
        Assert.True(chat.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(chat.GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task Start_up_log_lists_the_routes_and_says_startup_is_complete()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        var log = server.Log.ToList();
        int routes = log.IndexOf("Available routes are:");
        Assert.True(routes >= 0, string.Join("\n", log));
        Assert.Contains("Route: /v1/chat/completions, Methods: POST", log);
        Assert.Contains("Route: /metrics, Methods: GET", log);
        int complete = log.IndexOf("Application startup complete.");
        Assert.True(complete > routes);
        var port = new Uri(server.Client.BaseAddress!.ToString()).Port;
        Assert.Contains($"Starting qwenvl API server on http://127.0.0.1:{port}", log);
    }

    [Fact]
    public void Histogram_counts_are_cumulative_and_values_past_the_last_bound_count_only_in_the_total()
    {
        var histogram = new LatencyHistogram([0.1, 1.0]);
        histogram.Observe(0.05);
        histogram.Observe(0.1);
        histogram.Observe(0.5);
        histogram.Observe(7.0);
        var snapshot = histogram.Snapshot();
        Assert.Equal([2L, 3L], snapshot.Cumulative);
        Assert.Equal(4, snapshot.Count);
        Assert.Equal(7.65, snapshot.Sum, 9);

        var writer = PrometheusTextWriter.WithModelName("a\"b");
        writer.Histogram("x_seconds", "help", snapshot);
        Assert.Equal("""
            # HELP x_seconds help
            # TYPE x_seconds histogram
            x_seconds_bucket{model_name="a\"b",le="0.1"} 2
            x_seconds_bucket{model_name="a\"b",le="1"} 3
            x_seconds_bucket{model_name="a\"b",le="+Inf"} 4
            x_seconds_count{model_name="a\"b"} 4
            x_seconds_sum{model_name="a\"b"} 7.65

            """.Replace("\r\n", "\n", StringComparison.Ordinal), writer.ToString());
    }
}
