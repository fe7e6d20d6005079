using System.Globalization;
using System.Text.Json;
using QwenVL.Runtime.Cpu;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.Bench.Workloads;

namespace QwenVL.Tests.Bench;

/// <summary>`qwenvl bench` end to end on the tiny fixture: the report's fields, and that they agree with one another.</summary>
public class BenchCommandTests(TinyBenchRun run) : IClassFixture<TinyBenchRun>
{
    private static readonly string[] HfWorkloadFields =
        ["requests", "prompt_tokens", "new_tokens", "ttft_s", "total_s", "output_tok_per_s", "decode_tok_per_s_per_seq"];

    private JsonElement Report
    {
        get
        {
            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Stderr}");
            return run.Report;
        }
    }

    [Fact]
    public void Report_on_stdout_is_also_written_to_the_json_file()
    {
        _ = Report;
        Assert.Equal(run.Stdout.Trim(), File.ReadAllText(run.JsonPath).Trim());
    }

    [Fact]
    public void Progress_goes_to_stderr_with_every_workload_named()
    {
        _ = Report;
        foreach (var name in BenchWorkloads.Names) Assert.Contains($"bench: {name}:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("warming up", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BenchWorkloads.SingleImage, 1)]
    [InlineData(BenchWorkloads.BatchImage, TinyBenchRun.Requests)]
    [InlineData(BenchWorkloads.BatchText, TinyBenchRun.Requests)]
    public void Every_workload_reports_hf_baselines_fields_consistently(string name, int requests)
    {
        var w = Report.GetProperty(name);
        foreach (var field in HfWorkloadFields) Assert.True(w.TryGetProperty(field, out _), $"{name} lacks {field}");
        Assert.Equal(requests, w.GetProperty("requests").GetInt32());
        Assert.Equal(TinyBenchRun.NewTokens, w.GetProperty("new_tokens_per_request").GetInt32());
        Assert.Equal(requests * TinyBenchRun.NewTokens, w.GetProperty("new_tokens").GetInt64());
        // Every request generated exactly its tokens.
        Assert.Equal(TinyBenchRun.NewTokens, w.GetProperty("new_tokens_min").GetInt32());
        Assert.Equal(TinyBenchRun.NewTokens, w.GetProperty("new_tokens_max").GetInt32());

        double ttft = w.GetProperty("ttft_s").GetDouble(), total = w.GetProperty("total_s").GetDouble();
        double first = w.GetProperty("ttft_first_s").GetDouble(), median = w.GetProperty("ttft_p50_s").GetDouble();
        Assert.True(total > 0, $"total_s {total}");
        Assert.True(0 < first && first <= median && median <= ttft && ttft <= total, $"ttft first {first}, p50 {median}, all {ttft}, total {total}");
        Assert.Equal(w.GetProperty("new_tokens").GetInt64() / total, w.GetProperty("output_tok_per_s").GetDouble(), 1e-9);
        Assert.Equal((TinyBenchRun.NewTokens - 1) / (total - ttft), w.GetProperty("decode_tok_per_s_per_seq").GetDouble(), 1e-6);
        Assert.Equal(0, w.GetProperty("preemptions").GetInt64());
    }

    [Fact]
    public void Text_prompts_are_about_460_tokens_with_the_real_tokenizer()
    {
        var w = Report.GetProperty(BenchWorkloads.BatchText);
        double perRequest = w.GetProperty("prompt_tokens").GetInt64() / (double)w.GetProperty("requests").GetInt32();
        Assert.InRange(perRequest, 450, 470);
    }

    [Fact]
    public void Image_prompts_hold_the_448_pixel_images_256_tokens()
    {
        long single = Report.GetProperty(BenchWorkloads.SingleImage).GetProperty("prompt_tokens").GetInt64();
        var batch = Report.GetProperty(BenchWorkloads.BatchImage);
        // 448² pixels are 32×32 patches of 14, merged 2×2: 256 image tokens, plus the chat template and the question.
        Assert.InRange(single, 256 + 15, 256 + 40);
        Assert.Equal(single * batch.GetProperty("requests").GetInt32(), batch.GetProperty("prompt_tokens").GetInt64());
    }

    [Fact]
    public void Parameter_bytes_are_two_per_parameter_as_hugging_face_counts_them()
    {
        // Counted from the checkpoint's headers; the CPU executor's loaded arrays give the same count independently.
        Assert.Equal(2 * TinyModel.Weights.ParameterCount, Report.GetProperty("llm_param_bytes").GetInt64());
        Assert.Equal(2 * TinyModel.Vision.ParameterCount, Report.GetProperty("vision_param_bytes").GetInt64());
    }

    [Fact]
    public void Memory_figures_add_up_from_weights_and_the_peak_kv_blocks_in_use()
    {
        var memory = Report.GetProperty("memory");
        long blockBytes = memory.GetProperty("kv_block_bytes").GetInt64();
        int blocks = memory.GetProperty("kv_blocks").GetInt32(), peak = memory.GetProperty("kv_blocks_peak").GetInt32();
        Assert.Equal(64L << 20, blocks * blockBytes);
        // Both text requests (459 prompt tokens, 2 fed-back outputs: 29 blocks of 16 each) run at once, sharing no block.
        Assert.InRange(peak, 2 * 29, blocks);
        double weights = memory.GetProperty("weights_GiB").GetDouble();
        double expectedWeights = sizeof(float) * (TinyModel.Weights.ParameterCount + TinyModel.Vision.ParameterCount) / (double)(1L << 30);
        Assert.Equal(expectedWeights, weights, 1e-12);
        Assert.Equal(weights + peak * (double)blockBytes / (1L << 30), Report.GetProperty("peak_mem_GiB").GetDouble(), 1e-9);
        Assert.Equal(weights + blocks * (double)blockBytes / (1L << 30), Report.GetProperty("reserved_mem_GiB").GetDouble(), 1e-9);
        Assert.True(memory.GetProperty("process_peak_working_set_GiB").GetDouble() > 0);
    }

    [Fact]
    public void Report_identifies_the_device_the_model_the_commit_the_command_and_the_date()
    {
        var r = Report;
        Assert.Equal("cpu", r.GetProperty("device").GetString());
        Assert.False(r.TryGetProperty("gpu", out _));
        Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("device_name").GetString()));
        Assert.True(r.GetProperty("load_s").GetDouble() > 0);
        Assert.Equal(FixturePaths.TinyModel, r.GetProperty("model").GetString());
        Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("commit").GetString()));
        Assert.StartsWith("qwenvl bench --model ", r.GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.Contains("--requests 2", r.GetProperty("command").GetString(), StringComparison.Ordinal);
        var date = DateTimeOffset.Parse(r.GetProperty("date").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(date, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
