using QwenVL.Cuda;
using QwenVL.Runtime.Execution;

namespace QwenVL.Bench.Workloads;

/// <summary>What the benchmark ran on: "cuda" with the GPU's name, or "cpu" with the processor's.</summary>
public sealed record BenchDevice(string Kind, string Name)
{
    public bool IsGpu => Kind == "cuda";

    public static BenchDevice Of(IModelExecutor executor) =>
        executor is CudaExecutor cuda ? new BenchDevice("cuda", cuda.Device.Name) : new BenchDevice("cpu", ProcessorName());

    /// <summary>The model name Linux lists in /proc/cpuinfo, else the architecture; with the core count .NET sees.</summary>
    private static string ProcessorName()
    {
        string name = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null && line.IndexOf(':') is int colon and >= 0) name = line[(colon + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{name} ({Environment.ProcessorCount} cores)";
    }
}
