using QwenVL.Bench.Workloads;
using QwenVL.Http.Configuration;

namespace QwenVL.App.Cli;

/// <summary>The settings of `qwenvl bench` (see BenchOptionsParser).</summary>
public sealed record BenchOptions
{
    /// <summary>The model and the replica's sizing, as `serve` would take them.</summary>
    public required ServeOptions Serve { get; init; }

    /// <summary>The workloads to run, in order (names from <see cref="BenchWorkloads.Names"/>).</summary>
    public required IReadOnlyList<string> Workloads { get; init; }

    /// <summary>Where to write the report as well as standard output; null: standard output only.</summary>
    public string? JsonPath { get; init; }

    /// <summary>For quick runs: the batch workloads' request count instead of 32 and 64; null: hf_baseline.py's.</summary>
    public int? Requests { get; init; }

    /// <summary>For quick runs: every request's new tokens instead of 256 or 128; null: hf_baseline.py's.</summary>
    public int? NewTokens { get; init; }

    /// <summary>The command line as given (the Hub token masked), for the report.</summary>
    public required string CommandLine { get; init; }
}
