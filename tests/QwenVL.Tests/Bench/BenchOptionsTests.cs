using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.Bench.Workloads;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Bench;

/// <summary>`qwenvl bench` arguments: what they set, and that bad ones exit with 2 and say why before anything loads.</summary>
public class BenchOptionsTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["bench", .. args], TextReader.Null, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("unknown workload 'batch'", "--model", "m", "--workload", "batch")]
    [InlineData("the workload is given twice", "batch_text", "--model", "m", "--workload", "batch_image")]
    [InlineData("--model is required", "--workload", "batch_text")]
    [InlineData("--requests must be a positive integer, got '0'", "--model", "m", "--requests", "0")]
    [InlineData("--new-tokens must be a positive integer, got 'many'", "--model", "m", "--new-tokens", "many")]
    [InlineData("unknown option --port", "--model", "m", "--port", "8000")]
    [InlineData("--device must be auto, cpu or cuda, got 'gpu'", "--model", "m", "--device", "gpu")]
    [InlineData("--gpu-memory-utilization must be a fraction in (0, 1], got '1.5'", "--model", "m", "--gpu-memory-utilization", "1.5")]
    [InlineData("--max-num-seqs must be a positive integer", "--model", "m", "--max-num-seqs", "-3")]
    [InlineData("does not exist", "--model", "m", "--json", "/no/such/folder/out.json")]
    [InlineData("--enforce-eager takes no value", "--model", "m", "--enforce-eager=1")]
    public async Task Bad_arguments_exit_with_2_and_the_reason(string reason, params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.StartsWith("qwenvl: ", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Help_prints_the_usage_on_stdout()
    {
        var (code, stdout, _) = await Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: qwenvl bench --model MODEL", stdout, StringComparison.Ordinal);
        Assert.Contains("--new-tokens N", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_usage_lists_bench()
    {
        Assert.Contains("bench --model MODEL", CommandLine.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizing_options_reach_the_replicas_settings_as_serve_reads_them()
    {
        var options = BenchOptionsParser.Parse(
        [
            "--model", FixturePaths.TinyModel, "--max-num-seqs", "8", "--max-num-batched-tokens", "4k", "--gpu-memory-utilization", "0.5",
            "--device", "cpu", "--no-enable-prefix-caching", "--kv-cache-memory", "64MiB", "--block-size", "32", "--enforce-eager",
        ]);
        Assert.Equal(FixturePaths.TinyModel, options.Serve.Model);
        Assert.Equal(8, options.Serve.MaxNumSeqs);
        Assert.Equal(4000, options.Serve.MaxNumBatchedTokens);
        Assert.Equal(0.5, options.Serve.GpuMemoryUtilization);
        Assert.Equal(ExecutionDevice.Cpu, options.Serve.Device);
        Assert.False(options.Serve.EnablePrefixCaching);
        Assert.Equal(64L << 20, options.Serve.KvCacheMemoryBytes);
        Assert.Equal(32, options.Serve.BlockSize);
        Assert.True(options.Serve.EnforceEager);
        Assert.Equal(BenchWorkloads.Names, options.Workloads);
        Assert.Null(options.Requests);
        Assert.Null(options.NewTokens);
        Assert.Null(options.JsonPath);
    }

    [Fact]
    public void The_workload_may_be_the_first_bare_argument()
    {
        Assert.Equal([BenchWorkloads.BatchText], BenchOptionsParser.Parse(["batch_text", "--model", "m"]).Workloads);
        Assert.Equal([BenchWorkloads.SingleImage], BenchOptionsParser.Parse(["--model", "m", "--workload", "single_image"]).Workloads);
    }

    [Fact]
    public void The_recorded_command_line_masks_the_hub_token()
    {
        var options = BenchOptionsParser.Parse(["--model", "Qwen/Qwen2-VL-2B-Instruct", "--hf-token", "hf_secret", "--json", "a b.json"]);
        Assert.Equal("qwenvl bench --model Qwen/Qwen2-VL-2B-Instruct --hf-token '***' --json 'a b.json'", options.CommandLine);
        Assert.DoesNotContain("hf_secret", BenchOptionsParser.Parse(["--model", "m", "--hf-token=hf_secret"]).CommandLine, StringComparison.Ordinal);
    }
}
