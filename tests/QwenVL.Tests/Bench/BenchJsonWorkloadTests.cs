using System.Globalization;
using System.Text.Json;
using QwenVL.App.Cli;
using QwenVL.Actors.Messages;
using QwenVL.Bench.Workloads;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Bench;

/// <summary>
/// batch_json: its schemas and sampling, and `qwenvl bench --workload batch_json` on the tiny fixture, shrunk to two
/// requests. The outputs get enough tokens to complete (a schema's required properties need a few dozen bytes).
/// </summary>
public class BenchJsonWorkloadTests
{
    private const int Requests = 2;
    private const int MaxTokens = 96;

    [Fact]
    public void Every_request_carries_its_own_schema_of_ten_properties_and_may_end_early()
    {
        var workload = BenchWorkloads.Create(BenchWorkloads.BatchJson);
        Assert.Equal(64, workload.Requests.Count);
        Assert.Equal(128, workload.NewTokensPerRequest);
        Assert.True(workload.IsConstrained);
        var schemas = new HashSet<string>();
        foreach (var r in workload.Requests)
        {
            var p = r.Sampling;
            Assert.True(p.IsGreedy);
            Assert.Equal(128, p.MaxTokens);
            Assert.Equal(0, p.MinTokens);
            Assert.False(p.IgnoreEos);
            p.Validate();
            var spec = Assert.IsType<GrammarSpec>(p.Constraint);
            Assert.Equal(GrammarKind.JsonSchema, spec.Kind);
            using var schema = JsonDocument.Parse(spec.Source);
            Assert.Equal(BenchSchemas.Properties, schema.RootElement.GetProperty("properties").EnumerateObject().Count());
            Assert.Equal(BenchSchemas.Required, schema.RootElement.GetProperty("required").GetArrayLength());
            schemas.Add(spec.Source);
        }
        Assert.Equal(64, schemas.Count);
        Assert.Equal(BenchSchemas.Create(5), BenchSchemas.Create(5));
    }

    [Fact]
    public void The_single_streams_are_one_request_alike_but_for_the_constraint()
    {
        var text = BenchWorkloads.Create(BenchWorkloads.SingleText);
        var json = BenchWorkloads.Create(BenchWorkloads.SingleJson);
        var t = Assert.Single(text.Requests);
        var j = Assert.Single(json.Requests);
        Assert.False(text.IsConstrained);
        Assert.True(json.IsConstrained);
        Assert.Equal(256, text.NewTokensPerRequest);
        Assert.Equal(256, json.NewTokensPerRequest);
        // The same prompt words: the two differ only in their sampling.
        var textMessage = Assert.Single(Assert.IsType<ChatPrompt>(t.Prompt).Messages);
        var jsonMessage = Assert.Single(Assert.IsType<ChatPrompt>(j.Prompt).Messages);
        Assert.Equal(BenchWorkloads.TextPrompt(0), Assert.IsType<TextPart>(Assert.Single(textMessage.Content)).Text);
        Assert.Equal(BenchWorkloads.TextPrompt(0), Assert.IsType<TextPart>(Assert.Single(jsonMessage.Content)).Text);
        Assert.Equal(256, t.Sampling.MinTokens);
        Assert.True(t.Sampling.IgnoreEos);
        Assert.Null(t.Sampling.Constraint);
        Assert.Equal(GrammarSpec.JsonSchema(BenchSchemas.Create(0)), j.Sampling.Constraint);
        Assert.Equal(0, j.Sampling.MinTokens);
        j.Sampling.Validate();
    }

    [Fact]
    public async Task Outputs_are_valid_json_objects_and_the_mask_cost_is_reported()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args =
        [
            "bench", "--model", FixturePaths.TinyModel, "--workload", BenchWorkloads.BatchJson, "--device", "cpu", "--kv-cache-memory", "64MiB",
            "--requests", Requests.ToString(CultureInfo.InvariantCulture), "--new-tokens", MaxTokens.ToString(CultureInfo.InvariantCulture),
        ];
        int exitCode = await CommandLine.RunAsync(args, TextReader.Null, stdout, stderr);
        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");

        var w = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty(BenchWorkloads.BatchJson);
        Assert.Equal(Requests, w.GetProperty("requests").GetInt32());
        Assert.Equal(MaxTokens, w.GetProperty("new_tokens_per_request").GetInt32());
        long tokens = w.GetProperty("new_tokens").GetInt64();
        Assert.InRange(tokens, 1, Requests * MaxTokens);
        Assert.Equal(tokens / w.GetProperty("total_s").GetDouble(), w.GetProperty("output_tok_per_s").GetDouble(), 1e-9);
        Assert.Equal(1.0, w.GetProperty("valid_fraction").GetDouble());
        double p50 = w.GetProperty("mask_us_p50").GetDouble(), p99 = w.GetProperty("mask_us_p99").GetDouble();
        Assert.True(p50 > 0, $"mask_us_p50 {p50}");
        Assert.True(p99 >= p50, $"mask_us_p99 {p99} < p50 {p50}");
        Assert.Contains("first-visit", w.GetProperty("mask_us_measured").GetString(), StringComparison.Ordinal);
        Assert.Contains("valid JSON objects", stderr.ToString(), StringComparison.Ordinal);
    }
}
