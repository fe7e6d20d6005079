using System.Text.Json;
using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Cli;

namespace QwenVL.Tests.Bench;

/// <summary>
/// One `qwenvl bench --workload all` on the tiny fixture through the command-line entry point, shared by the tests
/// that read its report. --requests and --new-tokens shrink it to seconds; the text prompts keep their full length.
/// </summary>
public sealed class TinyBenchRun : IAsyncLifetime
{
    public const int Requests = 2;
    public const int NewTokens = 3;

    private readonly TempDirectory _directory = new();

    public int ExitCode { get; private set; }
    public string Stdout { get; private set; } = "";
    public string Stderr { get; private set; } = "";
    public string JsonPath => _directory.File("bench.json");
    public JsonElement Report { get; private set; }

    public async Task InitializeAsync()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args =
        [
            "bench", "--model", FixturePaths.TinyModel, "--workload", "all", "--device", "cpu", "--kv-cache-memory", "64MiB",
            "--requests", Requests.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--new-tokens", NewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", JsonPath,
        ];
        ExitCode = await CommandLine.RunAsync(args, TextReader.Null, stdout, stderr);
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        if (ExitCode == 0) Report = JsonDocument.Parse(Stdout).RootElement.Clone();
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
