using System.Text.Json.Serialization;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The benchmark's report: hf_baseline.py's keys where it has them (gpu, load_s, llm_param_bytes, vision_param_bytes,
/// one object per workload (batch_json, single_text and single_json are this project's own), peak_mem_GiB), then what identifies the run. Workloads not run are left out.
/// </summary>
public sealed record BenchReport
{
    /// <summary>The GPU's name, as torch.cuda.get_device_name() gives it; absent on the CPU.</summary>
    [JsonPropertyName("gpu")] public string? Gpu { get; init; }

    /// <summary>"cuda" or "cpu".</summary>
    [JsonPropertyName("device")] public required string Device { get; init; }

    [JsonPropertyName("device_name")] public required string DeviceName { get; init; }

    /// <summary>Seconds to resolve and load the model onto the executor (kernels, weights, vision tower), before the KV cache.</summary>
    [JsonPropertyName("load_s")] public required double LoadSeconds { get; init; }

    [JsonPropertyName("llm_param_bytes")] public required long LanguageModelParameterBytes { get; init; }

    [JsonPropertyName("vision_param_bytes")] public required long VisionParameterBytes { get; init; }

    [JsonPropertyName(BenchWorkloads.SingleImage)] public WorkloadResult? SingleImage { get; init; }

    [JsonPropertyName(BenchWorkloads.BatchImage)] public WorkloadResult? BatchImage { get; init; }

    [JsonPropertyName(BenchWorkloads.BatchText)] public WorkloadResult? BatchText { get; init; }

    [JsonPropertyName(BenchWorkloads.BatchJson)] public WorkloadResult? BatchJson { get; init; }

    [JsonPropertyName(BenchWorkloads.SingleText)] public WorkloadResult? SingleText { get; init; }

    [JsonPropertyName(BenchWorkloads.SingleJson)] public WorkloadResult? SingleJson { get; init; }

    [JsonPropertyName("peak_mem_GiB")] public double PeakMemoryGiB => Memory.PeakGiB;

    [JsonPropertyName("reserved_mem_GiB")] public double ReservedMemoryGiB => Memory.ReservedGiB;

    [JsonPropertyName("memory")] public required MemoryFigures Memory { get; init; }

    /// <summary>The model as given on the command line.</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("commit")] public required string Commit { get; init; }

    [JsonPropertyName("command")] public required string Command { get; init; }

    /// <summary>When the run finished, UTC, ISO 8601.</summary>
    [JsonPropertyName("date")] public required string Date { get; init; }

    /// <summary>This report with <paramref name="result"/> as workload <paramref name="name"/>'s.</summary>
    public BenchReport With(string name, WorkloadResult result) => name switch
    {
        BenchWorkloads.SingleImage => this with { SingleImage = result },
        BenchWorkloads.BatchImage => this with { BatchImage = result },
        BenchWorkloads.BatchText => this with { BatchText = result },
        BenchWorkloads.BatchJson => this with { BatchJson = result },
        BenchWorkloads.SingleText => this with { SingleText = result },
        BenchWorkloads.SingleJson => this with { SingleJson = result },
        _ => throw new ArgumentException($"unknown workload '{name}'", nameof(name)),
    };
}

/// <summary>The report's JSON, generated at build time; indented, as hf_baseline.py prints it.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
