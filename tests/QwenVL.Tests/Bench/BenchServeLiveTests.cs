using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Http;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.App.Composition;

namespace QwenVL.Tests.Bench;

/// <summary>`qwenvl bench serve` against the whole server on a loopback port with the tiny fixture, and against a port where nothing listens.</summary>
public class BenchServeLiveTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    private static async Task<(int Code, string Stdout, string Stderr)> Bench(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["bench", "serve", .. args], TextReader.Null, stdout, stderr).WaitAsync(TimeSpan.FromMinutes(5));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Image_benchmark_against_the_live_server_succeeds_with_every_token_and_writes_json()
    {
        using var model = LoadedModel.Open(FixturePaths.TinyModel, maxModelLength: 2048);
        await using var server = await EdgeServer.StartLiveAsync(model, o => o with { KvCacheMemoryBytes = 32L << 20, MaxModelLen = 2048 });
        var json = Path.Combine(Path.GetTempPath(), $"bench-serve-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = await Bench("--url", server.Client.BaseAddress!.ToString(), "--num-prompts", "8", "--output-len", "8",
                "--workload", "image", "--max-concurrency", "4", "--json", json);

            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("Successful requests:                     8", stdout, StringComparison.Ordinal);
            Assert.Contains("Failed requests:                         0", stdout, StringComparison.Ordinal);
            Assert.Contains("Total generated tokens:                  64", stdout, StringComparison.Ordinal);
            Assert.Contains("8/8 requests", stderr, StringComparison.Ordinal);

            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = result.RootElement;
            // The model's name came from GET /v1/models.
            Assert.Equal(EdgeFixtures.ModelName, root.GetProperty("model_id").GetString());
            Assert.Equal(8, root.GetProperty("completed").GetInt32());
            Assert.Equal(0, root.GetProperty("failed").GetInt32());
            Assert.Equal(64, root.GetProperty("total_output_tokens").GetInt32());
            Assert.All(root.GetProperty("output_lens").EnumerateArray(), n => Assert.Equal(8, n.GetInt32()));
            // A 448×448 picture is 256 image tokens, so each prompt holds more.
            Assert.All(root.GetProperty("input_lens").EnumerateArray(), n => Assert.True(n.GetInt32() > 256, $"{n} prompt tokens"));
            Assert.All(root.GetProperty("errors").EnumerateArray(), e => Assert.Equal("", e.GetString()));
            foreach (var metric in new[] { "ttft", "tpot", "itl", "e2el" })
            {
                double p50 = root.GetProperty($"p50_{metric}_ms").GetDouble();
                double p90 = root.GetProperty($"p90_{metric}_ms").GetDouble();
                double p99 = root.GetProperty($"p99_{metric}_ms").GetDouble();
                Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99, $"{metric}: p50 {p50}, p90 {p90}, p99 {p99}");
            }
            Assert.True(root.GetProperty("mean_ttft_ms").GetDouble() < root.GetProperty("mean_e2el_ms").GetDouble());
            Assert.True(root.GetProperty("output_throughput").GetDouble() > 0);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Every_request_to_a_port_where_nothing_listens_fails_with_the_reason_and_the_command_exits_1()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        var (code, stdout, stderr) = await Bench("--url", url, "--model", "tiny", "--num-prompts", "5", "--workload", "text",
            "--timeout", "30").WaitAsync(NoHang);

        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("Successful requests:                     0", stdout, StringComparison.Ordinal);
        Assert.Contains("Failed requests:                         5", stdout, StringComparison.Ordinal);
        Assert.Contains($"5 × cannot reach {url}/v1/chat/completions: Connection refused", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_model_name_an_unreachable_server_is_reported_before_any_request()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        var (code, stdout, stderr) = await Bench("--url", url, "--num-prompts", "5").WaitAsync(NoHang);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains($"cannot reach {url}/v1/models", stderr, StringComparison.Ordinal);
    }

    /// <summary>A loopback port that was free a moment ago and that nothing listens on now.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
