using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// The named checks of a device diagnostic: each runs, an exception counts as a failure with its message logged, a
/// PASS or FAIL line follows; at the end one summary line.
/// </summary>
public sealed class CheckTally(TextWriter log)
{
    private readonly List<string> _failed = [];
    private int _passed;

    public bool AllPassed => _failed.Count == 0;

    public void Run(string name, Func<bool> body)
    {
        bool passed;
        try
        {
            passed = body();
        }
        catch (Exception e)
        {
            log.WriteLine($"  {e.GetType().Name}: {e.Message}");
            if (e is not KernelCompilationException) log.WriteLine(e.StackTrace);
            passed = false;
        }
        log.WriteLine($"{(passed ? "PASS" : "FAIL")} {name}");
        log.Flush();
        if (passed) _passed++;
        else _failed.Add(name);
    }

    /// <summary>"LABEL: PASS (N checks, S s)" or "LABEL: FAIL (F of N checks failed: names)".</summary>
    public string Summary(string label, TimeSpan elapsed) => AllPassed
        ? $"{label}: PASS ({_passed} checks, {elapsed.TotalSeconds:F1} s)"
        : $"{label}: FAIL ({_failed.Count} of {_passed + _failed.Count} checks failed: {string.Join("; ", _failed)})";
}
