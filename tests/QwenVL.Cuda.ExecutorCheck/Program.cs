using QwenVL.Cuda;
using QwenVL.Cuda.ExecutorCheck;

if (args.Length == 1 && args[0] == "sampling")
{
    if (!CudaDevice.IsAvailable(out var why)) { Console.WriteLine($"sampling check: FAIL ({why})"); return 1; }
    try { return SamplingCheck.Run(Console.Out) ? 0 : 1; }
    catch (Exception e) { Console.WriteLine($"sampling check: FAIL ({e.GetType().Name}: {e.Message})\n{e.StackTrace}"); return 1; }
}
if (args.Length == 1 && args[0] == "prefill-attention")
{
    try { return QwenVL.Cuda.Diagnostics.PrefillAttentionCheck.Run(Console.Out, QwenVL.Cuda.Kernels.CubinCache.DefaultDirectory()) ? 0 : 1; }
    catch (Exception e) { Console.WriteLine($"prefill attention check: FAIL ({e.GetType().Name}: {e.Message})\n{e.StackTrace}"); return 1; }
}
if (args.Length == 1 && args[0] == "decode-attention")
{
    try { return QwenVL.Cuda.Diagnostics.DecodeAttentionCheck.Run(Console.Out, QwenVL.Cuda.Kernels.CubinCache.DefaultDirectory()) ? 0 : 1; }
    catch (Exception e) { Console.WriteLine($"decode attention check: FAIL ({e.GetType().Name}: {e.Message})\n{e.StackTrace}"); return 1; }
}
if (args.Length == 9 && args[0] == "decode-profile" && args[1] == "--model" && args[3] == "--batch" && args[5] == "--context" && args[7] == "--steps")
    return QwenVL.Cuda.ExecutorCheck.DecodeProfile.Run(args[2], int.Parse(args[4]), int.Parse(args[6]), int.Parse(args[8]), Console.Out) ? 0 : 1;
bool parity2b = args.Length == 5 && args[0] == "parity2b" && args[3] == "--reference";
bool batch = args.Length is 3 or 4 && args[0] == "batch" && (args.Length == 3 || args[3] == "--cpu");
if (args.Length < 3 || args[1] != "--model" || !(args.Length == 3 && args[0] is "parity" or "bench" or "graphs" || parity2b || batch))
{
    Console.Error.WriteLine("usage: QwenVL.Cuda.ExecutorCheck parity|graphs|bench --model DIR");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck parity2b --model DIR --reference DIR");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck batch --model DIR [--cpu]");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck sampling");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck prefill-attention");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck decode-attention");
    Console.Error.WriteLine("       QwenVL.Cuda.ExecutorCheck decode-profile --model DIR --batch N --context N --steps N");
    return 2;
}
if (!CudaDevice.IsAvailable(out var reason))
{
    Console.WriteLine($"executor check: FAIL ({reason})");
    return 1;
}
try
{
    bool passed = args[0] switch
    {
        "parity" => ParityCheck.Run(args[2], Console.Out),
        "parity2b" => Parity2bCheck.Run(args[2], args[4], Console.Out),
        "graphs" => GraphCheck.Run(args[2], Console.Out),
        "batch" => BatchCheck.Run(args[2], withCpu: args.Length == 4, Console.Out),
        _ => StepBench.Run(args[2], Console.Out),
    };
    return passed ? 0 : 1;
}
catch (Exception e)
{
    Console.WriteLine($"executor check: FAIL ({e.GetType().Name}: {e.Message})");
    Console.WriteLine(e.StackTrace);
    return 1;
}
