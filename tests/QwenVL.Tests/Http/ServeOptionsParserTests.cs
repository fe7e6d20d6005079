using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.App.Composition;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

/// <summary>`qwenvl serve` arguments: vLLM's names and defaults, every flag, and bad values named.</summary>
public class ServeOptionsParserTests
{
    private static ServeOptions Parse(params string[] args) => ServeOptionsParser.Parse(args, _ => null);

    [Fact]
    public void Defaults_are_vllms()
    {
        var o = Parse("--model", "/models/qwen");
        Assert.Equal("/models/qwen", o.Model);
        Assert.Equal("0.0.0.0", o.Host);
        Assert.Equal(8000, o.Port);
        Assert.Empty(o.ServedModelNames);
        Assert.Equal(["/models/qwen"], o.ModelNames);
        Assert.Null(o.MaxModelLen);
        Assert.Equal(16, o.BlockSize);
        Assert.Equal(256, o.MaxNumSeqs);
        Assert.Null(o.MaxNumBatchedTokens);
        Assert.True(o.EnablePrefixCaching);
        Assert.Null(o.KvCacheMemoryBytes);
        Assert.Equal(0.9, o.GpuMemoryUtilization);
        Assert.Equal(ExecutionDevice.Auto, o.Device);
        Assert.Null(o.ApiKey);
        Assert.False(o.DisableFrontend);
        Assert.Equal("auto", o.GenerationConfig);
        Assert.Null(o.Seed);
        Assert.Equal(1024, o.MaxWaitingRequests);
        Assert.Equal(64L << 20, o.MaxRequestBodyBytes);
        Assert.True(o.Images.Sources.AllowRemote);
        Assert.Null(o.Images.Limits.MaxImages);
        Assert.Equal("http://0.0.0.0:8000", o.ListenUrl);
    }

    [Fact]
    public void Model_may_be_positional_as_with_vllm_serve()
    {
        Assert.Equal("/m", Parse("/m", "--port", "9000").Model);
        Assert.Equal("/m", Parse("--port", "9000", "/m").Model);
        Assert.Equal("/m", Parse("/m", "--model", "/m").Model);
    }

    [Fact]
    public void Every_flag_is_read()
    {
        using var media = new TempDirectory();
        using var generation = new TempDirectory();
        generation.Write("generation_config.json", """{"temperature": 0.5}""");
        var o = Parse("/m", "--host", "127.0.0.1", "--port", "8123", "--served-model-name", "qwen", "qwen-vl",
            "--max-model-len", "4k", "--block-size", "32", "--max-num-seqs", "64", "--max-num-batched-tokens", "8192",
            "--no-enable-prefix-caching", "--kv-cache-memory", "2GiB", "--gpu-memory-utilization", "0.75", "--device", "cpu",
            "--enforce-eager", "--api-key", "secret", "--disable-frontend", "--generation-config", generation.Path, "--limit-mm-per-prompt", """{"image": 2}""",
            "--allowed-local-media-path", media.Path, "--disable-remote-media", "--min-pixels", "3136", "--max-pixels", "50176",
            "--seed", "-7", "--max-waiting-requests", "16", "--max-request-body-bytes", "1MiB");
        Assert.Equal("127.0.0.1", o.Host);
        Assert.Equal(8123, o.Port);
        Assert.Equal(["qwen", "qwen-vl"], o.ServedModelNames);
        Assert.Equal(["qwen", "qwen-vl"], o.ModelNames);
        Assert.Equal(4000, o.MaxModelLen);
        Assert.Equal(32, o.BlockSize);
        Assert.Equal(64, o.MaxNumSeqs);
        Assert.Equal(8192, o.MaxNumBatchedTokens);
        Assert.False(o.EnablePrefixCaching);
        Assert.Equal(2L << 30, o.KvCacheMemoryBytes);
        Assert.Equal(0.75, o.GpuMemoryUtilization);
        Assert.Equal(ExecutionDevice.Cpu, o.Device);
        Assert.True(o.EnforceEager);
        Assert.True(ReplicaSettings.Executor(o).EnforceEager);
        Assert.Equal("secret", o.ApiKey);
        Assert.True(o.DisableFrontend);
        Assert.Equal(Path.GetFullPath(generation.Path), o.GenerationConfig);
        Assert.Equal(2, o.Images.Limits.MaxImages);
        Assert.Equal(Path.GetFullPath(media.Path), o.Images.Sources.AllowedLocalMediaPath);
        Assert.False(o.Images.Sources.AllowRemote);
        Assert.Equal(3136, o.Images.MinPixels);
        Assert.Equal(50176, o.Images.MaxPixels);
        Assert.Equal(-7, o.Seed);
        Assert.Equal(16, o.MaxWaitingRequests);
        Assert.Equal(1L << 20, o.MaxRequestBodyBytes);
        Assert.Equal("http://127.0.0.1:8123", o.ListenUrl);
    }

    [Fact]
    public void Underscored_names_and_equals_values_are_accepted_as_by_argparse()
    {
        var o = Parse("/m", "--max_model_len=2048", "--served_model_name=a", "--enable-prefix-caching", "--generation-config=vllm");
        Assert.Equal(2048, o.MaxModelLen);
        Assert.Equal(["a"], o.ServedModelNames);
        Assert.True(o.EnablePrefixCaching);
        Assert.Equal("vllm", o.GenerationConfig);
    }

    [Fact]
    public void Api_key_comes_from_the_flag_then_qwenvl_then_vllm_environment()
    {
        var env = new Dictionary<string, string> { ["QWENVL_API_KEY"] = "q", ["VLLM_API_KEY"] = "v" };
        Assert.Equal("f", ServeOptionsParser.Parse(["/m", "--api-key", "f"], env.GetValueOrDefault).ApiKey);
        Assert.Equal("q", ServeOptionsParser.Parse(["/m"], env.GetValueOrDefault).ApiKey);
        env.Remove("QWENVL_API_KEY");
        Assert.Equal("v", ServeOptionsParser.Parse(["/m"], env.GetValueOrDefault).ApiKey);
        env.Remove("VLLM_API_KEY");
        Assert.Null(ServeOptionsParser.Parse(["/m"], env.GetValueOrDefault).ApiKey);
    }

    [Theory]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--port", "http", "--port")]
    [InlineData("--max-model-len", "0", "--max-model-len")]
    [InlineData("--max-model-len", "lots", "--max-model-len")]
    [InlineData("--block-size", "-16", "--block-size")]
    [InlineData("--max-num-seqs", "0", "--max-num-seqs")]
    [InlineData("--max-num-batched-tokens", "1.5", "--max-num-batched-tokens")]
    [InlineData("--kv-cache-memory", "2 lots", "--kv-cache-memory")]
    [InlineData("--kv-cache-memory", "0", "--kv-cache-memory")]
    [InlineData("--gpu-memory-utilization", "1.5", "--gpu-memory-utilization")]
    [InlineData("--gpu-memory-utilization", "0", "--gpu-memory-utilization")]
    [InlineData("--device", "tpu", "--device")]
    [InlineData("--seed", "1.5", "--seed")]
    [InlineData("--generation-config", "/no/such/dir", "--generation-config")]
    [InlineData("--max-waiting-requests", "0", "--max-waiting-requests")]
    [InlineData("--max-request-body-bytes", "0.5B", "--max-request-body-bytes")]
    [InlineData("--limit-mm-per-prompt", "three", "--limit-mm-per-prompt")]
    [InlineData("--allowed-local-media-path", "/no/such/dir", "--allowed-local-media-path")]
    [InlineData("--min-pixels", "-1", "--min-pixels")]
    [InlineData("--host", "", "--host")]
    [InlineData("--api-key", "", "--api-key")]
    public void Bad_value_is_refused_naming_the_flag(string flag, string value, string named)
    {
        var e = Assert.Throws<CliException>(() => Parse("/m", flag, value));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option --tensor-parallel-size", "/m", "--tensor-parallel-size", "2")]
    [InlineData("--port needs a value", "/m", "--port")]
    [InlineData("--served-model-name needs at least one value", "/m", "--served-model-name")]
    [InlineData("--enable-prefix-caching takes no value", "/m", "--enable-prefix-caching=false")]
    [InlineData("contradict", "/m", "--enable-prefix-caching", "--no-enable-prefix-caching")]
    [InlineData("the model is required", "--port", "8000")]
    [InlineData("given twice", "/a", "--model", "/b")]
    [InlineData("unexpected argument '/b'", "/a", "/b")]
    [InlineData("--min-pixels (50176) must not be above --max-pixels (3136)", "/m", "--min-pixels", "50176", "--max-pixels", "3136")]
    public void Bad_command_line_is_refused_with_the_reason(string reason, params string[] args)
    {
        var e = Assert.Throws<CliException>(() => Parse(args));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000", 1000L)]
    [InlineData("32k", 32_000L)]
    [InlineData("32K", 32_768L)]
    [InlineData("2m", 2_000_000L)]
    [InlineData("2M", 2L << 20)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("2gib", 2L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("512 MiB", 512L << 20)]
    [InlineData("64B", 64L)]
    public void Human_readable_numbers_read_as_vllm_reads_them(string text, long expected)
    {
        Assert.True(HumanReadableNumber.TryParse(text, out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("1.0001k")]
    [InlineData("2XB")]
    [InlineData("99999999999T")]
    public void Malformed_numbers_are_refused(string text) => Assert.False(HumanReadableNumber.TryParse(text, out _));

    [Fact]
    public void Non_default_args_are_logged_as_vllm_logs_them_with_the_key_masked()
    {
        var o = Parse("/m", "--port", "8001", "--served-model-name", "a", "b", "--api-key", "secret", "--no-enable-prefix-caching");
        Assert.Equal("{'model': '/m', 'port': 8001, 'served_model_name': ['a', 'b'], 'enable_prefix_caching': False, 'api_key': '***'}",
            ServeCommand.NonDefaultArgs(o));
    }

    [Fact]
    public void A_hub_model_takes_revision_token_and_download_dir_and_is_served_under_its_id()
    {
        var o = Parse("Qwen/Qwen2-VL-2B-Instruct", "--revision", "v1.0", "--hf-token", "hf_secret", "--download-dir", "/models");
        Assert.Equal("Qwen/Qwen2-VL-2B-Instruct", o.Model);
        Assert.Equal(["Qwen/Qwen2-VL-2B-Instruct"], o.ModelNames);
        Assert.Equal("v1.0", o.Revision);
        Assert.Equal("hf_secret", o.HubToken);
        Assert.Equal("/models", o.DownloadDir);
        Assert.Equal("{'model': 'Qwen/Qwen2-VL-2B-Instruct', 'revision': 'v1.0', 'hf_token': '***', 'download_dir': '/models'}",
            ServeCommand.NonDefaultArgs(o));
    }

    [Fact]
    public async Task Serve_of_neither_a_directory_nor_a_repo_id_exits_with_2_naming_both()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["serve", "no-such-model-dir"], TextReader.Null, new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("neither a directory", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_bad_flag_exits_with_2_and_the_reason()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["serve", FixturePaths.TinyModel, "--bogus"], TextReader.Null, stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains("unknown option --bogus", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_missing_model_directory_exits_with_2_naming_it()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["serve", "/no/such/model", "--port", "0"], TextReader.Null, new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("/no/such/model", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_lists_the_flags()
    {
        var stdout = new StringWriter();
        int code = await CommandLine.RunAsync(["serve", "--help"], TextReader.Null, stdout, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("--served-model-name", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--max-waiting-requests", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generation_config_vllm_drops_the_models_sampling_defaults()
    {
        Assert.Equal(0.01, ServedModel.SamplingDefaultsOf(TinyModel.Directory, "auto").Temperature);
        Assert.Null(ServedModel.SamplingDefaultsOf(TinyModel.Directory, "vllm").Temperature);
        Assert.Equal(0.01, ServedModel.SamplingDefaultsOf(TinyModel.Directory, FixturePaths.TinyModel).Temperature);
    }
}
