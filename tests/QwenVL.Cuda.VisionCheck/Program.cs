using QwenVL.Cuda.Diagnostics;
using QwenVL.Cuda.Kernels;

// --tiny DIR: the tiny fixture with its reference (make_reference.py --size tiny --out DIR)
// --2b DIR:   a checkpoint with the 2B shapes (make_reference.py --size 2b --out DIR --no-reference)
string? tiny = null, large = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tiny" when i + 1 < args.Length:
            tiny = args[++i];
            break;
        case "--2b" when i + 1 < args.Length:
            large = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: QwenVL.Cuda.VisionCheck [--tiny DIR] [--2b DIR]");
            return 2;
    }
}

try
{
    return VisionTowerCheck.Run(Console.Out, tiny, large, CubinCache.DefaultDirectory()) ? 0 : 1;
}
catch (Exception e)
{
    Console.Out.WriteLine($"vision check: FAIL ({e.GetType().Name}: {e.Message})");
    Console.Out.WriteLine(e.StackTrace);
    return 1;
}
