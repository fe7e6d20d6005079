using Xunit;
using QwenVL.App.Cli;
using QwenVL.Bench.Load;

namespace QwenVL.Tests.Bench;

/// <summary>`qwenvl bench serve` arguments: benchmark_serving's defaults, the URL forms people paste, bad values named with exit 2.</summary>
public class BenchServeOptionsTests
{
    private static BenchServeOptions Parse(params string[] args) => BenchServeOptionsParser.Parse(args, _ => null);

    [Fact]
    public void Defaults_are_benchmark_servings()
    {
        var o = Parse("--url", "http://127.0.0.1:8000");
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1/chat/completions"), o.ChatCompletionsUrl);
        Assert.Null(o.Model);
        Assert.Equal(1000, o.NumPrompts);
        Assert.True(double.IsPositiveInfinity(o.RequestRate));
        Assert.Null(o.MaxConcurrency);
        Assert.Equal(ServeWorkload.Image, o.Workload);
        Assert.Equal(128, o.OutputLen);
        Assert.Equal(0, o.Seed);
        Assert.Null(o.ApiKey);
        Assert.Null(o.JsonPath);
        Assert.Equal(TimeSpan.FromHours(6), o.Timeout);
    }

    [Theory]
    [InlineData("http://host:8000", "http://host:8000/v1/models")]
    [InlineData("http://host:8000/", "http://host:8000/v1/models")]
    [InlineData("http://host:8000/v1", "http://host:8000/v1/models")]
    [InlineData("http://host:8000/v1/", "http://host:8000/v1/models")]
    [InlineData("https://host/proxy/qwen", "https://host/proxy/qwen/v1/models")]
    public void Url_may_be_the_base_or_the_openai_v1_address(string url, string models)
    {
        Assert.Equal(new Uri(models), Parse("--url", url).ModelsUrl);
    }

    [Fact]
    public void Every_flag_is_read_with_dashes_or_underscores()
    {
        var o = Parse("--url=http://h:1", "--model", "qwen", "--num_prompts", "2k", "--request-rate", "2.5", "--max-concurrency", "8",
            "--workload", "mixed", "--input-len", "64", "--output-len", "32", "--seed", "-3", "--api-key", "k", "--json", "out.json",
            "--timeout", "1.5", "--image-format", "jpeg");
        Assert.Equal("qwen", o.Model);
        Assert.Equal(2000, o.NumPrompts);
        Assert.Equal(2.5, o.RequestRate);
        Assert.Equal(8, o.MaxConcurrency);
        Assert.Equal(ServeWorkload.Mixed, o.Workload);
        Assert.Equal(64, o.InputLen);
        Assert.Equal(32, o.OutputLen);
        Assert.Equal(-3, o.Seed);
        Assert.Equal("k", o.ApiKey);
        Assert.Equal("out.json", o.JsonPath);
        Assert.Equal(TimeSpan.FromSeconds(1.5), o.Timeout);
        Assert.Equal(BenchImageFormat.Jpeg, o.ImageFormat);
    }

    [Fact]
    public void Api_key_comes_from_openai_api_key_unless_given()
    {
        Func<string, string?> environment = name => name == "OPENAI_API_KEY" ? "from-env" : null;
        Assert.Equal("from-env", BenchServeOptionsParser.Parse(["--url", "http://h"], environment).ApiKey);
        Assert.Equal("flag", BenchServeOptionsParser.Parse(["--url", "http://h", "--api-key", "flag"], environment).ApiKey);
    }

    [Theory]
    [InlineData("--url is required", "--num-prompts", "3")]
    [InlineData("--url must be an http:// or https:// address", "--url", "localhost:8000")]
    [InlineData("--request-rate must be a positive number", "--url", "http://h", "--request-rate", "0")]
    [InlineData("--max-concurrency must be a positive integer", "--url", "http://h", "--max-concurrency", "-1")]
    [InlineData("--workload must be image, text or mixed", "--url", "http://h", "--workload", "video")]
    [InlineData("--output-len must be a positive integer", "--url", "http://h", "--output-len", "0")]
    [InlineData("--timeout must be a positive number of seconds", "--url", "http://h", "--timeout", "soon")]
    [InlineData("unknown option --burstiness", "--url", "http://h", "--burstiness", "1")]
    [InlineData("unexpected argument 'extra'", "--url", "http://h", "extra")]
    [InlineData("--json: the folder", "--url", "http://h", "--json", "/no/such/folder/out.json")]
    public async Task Bad_arguments_exit_2_naming_the_problem(string message, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["bench", "serve", .. args], TextReader.Null, stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var stdout = new StringWriter();
        int code = await CommandLine.RunAsync(["bench", "serve", "--help"], TextReader.Null, stdout, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Contains("usage: qwenvl bench serve --url URL", stdout.ToString(), StringComparison.Ordinal);
    }
}
