namespace QwenVL.Runtime.Cpu;

/// <summary>The processor the CPU executor runs on, as reports name it.</summary>
internal static class ProcessorName
{
    /// <summary>The model name Linux lists in /proc/cpuinfo, else the architecture; with the core count .NET sees.</summary>
    public static string Describe()
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
