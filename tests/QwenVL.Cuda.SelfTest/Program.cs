using QwenVL.Cuda.Diagnostics;

try
{
    return DeviceSelfTest.Run(Console.Out) ? 0 : 1;
}
catch (Exception e)
{
    Console.Out.WriteLine($"selftest: FAIL ({e.GetType().Name}: {e.Message})");
    Console.Out.WriteLine(e.StackTrace);
    return 1;
}
