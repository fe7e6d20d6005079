using System.Diagnostics;
using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// DeviceSampler against the host Sampler on random logits rows (vocab 151,936) for several parameter
/// mixes: agreement of chosen ids, the largest chosen-token and top logprob difference; then timings.
/// </summary>
public static unsafe class SamplingCheck
{
    private const int Vocab = 151936;

    public static bool Run(TextWriter log)
    {
        using var device = CudaDevice.Open(0);
        device.MakeCurrent();
        var driver = device.Driver;
        using var stream = driver.CreateStream();
        var compiler = new KernelCompiler(device.Architecture, new CubinCache(CubinCache.DefaultDirectory()));
        const int MaxRows = 256;
        using var sampler = new DeviceSampler(driver, compiler, Vocab, MaxRows);
        using var logitsDevice = driver.Allocate((long)MaxRows * Vocab * sizeof(float));
        using var logitsHost = driver.AllocateHost((long)MaxRows * Vocab * sizeof(float));
        var cpu = new Sampler(Vocab);
        var rng = new Random(1234);
        int[] stops = [151643, 151645];
        int[] prompt = Enumerable.Range(0, 300).Select(_ => rng.Next(Vocab)).ToArray();

        var mixes = new (string Name, SamplingParams P)[]
        {
            ("greedy", new SamplingParams { Temperature = 0 }),
            ("t0.7 top_p0.8", new SamplingParams { Temperature = 0.7, TopP = 0.8 }),
            ("top_k20", new SamplingParams { TopK = 20 }),
            ("min_p0.1", new SamplingParams { MinP = 0.1 }),
            ("t1 plain", new SamplingParams()),
            ("pen 1.05/0.5/0.3", new SamplingParams { RepetitionPenalty = 1.05, FrequencyPenalty = 0.5, PresencePenalty = 0.3, Temperature = 0.8, TopP = 0.95, TopK = 50 }),
            ("pen greedy", new SamplingParams { Temperature = 0, RepetitionPenalty = 1.05, FrequencyPenalty = 0.5, PresencePenalty = 0.3 }),
            ("min_tokens", new SamplingParams { Temperature = 0, MinTokens = 100 }),
            ("t0.7 k20 p0.8 minp0.05 logprobs5", new SamplingParams { Temperature = 0.7, TopK = 20, TopP = 0.8, MinP = 0.05, Logprobs = true, TopLogprobs = 5 }),
            ("logprobs20 t1.3", new SamplingParams { Temperature = 1.3, Logprobs = true, TopLogprobs = 20 }),
        };
        bool passed = true;
        double maxLogprobDiff = 0;
        foreach (var (name, p) in mixes)
        {
            int agree = 0, total = 0;
            double mixDiff = 0;
            for (int batch = 0; batch < 4; batch++)
            {
                int rows = 64;
                var logits = logitsHost.AsSpan<float>();
                var contexts = new SamplingContext[rows];
                for (int r = 0; r < rows; r++)
                {
                    var row = logits.Slice(r * Vocab, Vocab);
                    // Peaked like a language model: a few high logits over a normal background; some exact ties.
                    float scale = (float)(1 + 3 * rng.NextDouble());
                    for (int i = 0; i < Vocab; i++) row[i] = (float)(Gaussian(rng) * scale);
                    for (int k = 0; k < 30; k++) row[rng.Next(Vocab)] += (float)(8 + 8 * rng.NextDouble());
                    if (r % 8 == 0) { int a = rng.Next(Vocab); row[a + 1 < Vocab ? a + 1 : a - 1] = row[a] = row.ToArray().Max(); }
                    foreach (int s in stops) if (r % 3 == 0) row[s] = 40;
                    int outLen = rng.Next(0, 200);
                    var output = Enumerable.Range(0, outLen).Select(_ => rng.Next(10) < 3 ? rng.Next(1000) : rng.Next(Vocab)).ToArray();
                    contexts[r] = new SamplingContext(p, prompt, output, (ulong)rng.NextInt64(), stops);
                }
                driver.CopyHostToDeviceAsync(logitsDevice.Address, logitsHost.Pointer, (long)rows * Vocab * sizeof(float), stream);
                sampler.Queue(logitsDevice.Address, contexts, stream);
                driver.Synchronize(stream);
                for (int r = 0; r < rows; r++)
                {
                    var g = sampler.Result(r, contexts[r]);
                    var c = cpu.Sample(logits.Slice(r * Vocab, Vocab), contexts[r]);
                    total++;
                    if (g.TokenId == c.TokenId) agree++;
                    else log.WriteLine($"  {name}: row {r} gpu {g.TokenId} cpu {c.TokenId}");
                    if (g.TokenId == c.TokenId) mixDiff = Math.Max(mixDiff, Math.Abs(g.Logprob - c.Logprob));
                    if (c.TopLogprobs != null)
                        for (int i = 0; i < c.TopLogprobs.Length; i++)
                        {
                            if (g.TopLogprobs![i].TokenId != c.TopLogprobs[i].TokenId) { log.WriteLine($"  {name}: row {r} top {i} id differs"); passed = false; }
                            mixDiff = Math.Max(mixDiff, Math.Abs(g.TopLogprobs[i].Logprob - c.TopLogprobs[i].Logprob));
                        }
                }
            }
            maxLogprobDiff = Math.Max(maxLogprobDiff, mixDiff);
            log.WriteLine($"{name,-34} agree {agree}/{total}  max |logprob diff| {mixDiff:E2}");
            if (agree < total) passed = false;
        }
        log.WriteLine($"max logprob difference over all mixes: {maxLogprobDiff:E2}");

        // Timings: device time of one Queue (params copy, kernel, copy back) for 1, 32, 256 rows.
        using var start = driver.CreateEvent();
        using var end = driver.CreateEvent();
        foreach (var (label, p) in new[] { ("greedy", mixes[0].P), ("t0.7 top_p0.8", mixes[1].P), ("pen+k50+p0.95", mixes[5].P) })
            foreach (int rows in new[] { 1, 32, 256 })
            {
                var contexts = Enumerable.Range(0, rows).Select(r => new SamplingContext(p, prompt, new int[100], (ulong)r, stops)).ToArray();
                var times = new List<double>();
                var wall = new List<double>();
                for (int it = 0; it < 12; it++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    driver.Record(start, stream);
                    sampler.Queue(logitsDevice.Address, contexts, stream);
                    driver.Record(end, stream);
                    driver.Synchronize(stream);
                    wall.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    times.Add(driver.ElapsedMilliseconds(start, end));
                }
                times.Sort(); wall.Sort();
                // The host sampler on the same rows, for comparison (first 32 rows at most).
                int cpuRows = Math.Min(rows, 32);
                long c0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < cpuRows; r++) cpu.Sample(logitsHost.AsSpan<float>().Slice(r * Vocab, Vocab), contexts[r]);
                double cpuMs = Stopwatch.GetElapsedTime(c0).TotalMilliseconds / cpuRows * rows;
                log.WriteLine($"time {label,-14} rows {rows,3}: device {times[6]:F3} ms, wall {wall[6]:F3} ms; host Sampler ~{cpuMs:F2} ms");
            }
        log.WriteLine(passed ? "sampling check: PASS" : "sampling check: FAIL");
        return passed;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
