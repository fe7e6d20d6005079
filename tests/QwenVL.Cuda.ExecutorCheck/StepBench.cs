using System.Diagnostics;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// Step timings of CudaExecutor on a checkpoint (meant for the 2B shapes with random weights): prefill of one
/// prompt at a few lengths, then decode steps at batch 1, 32 and 64 over 512-token contexts and at batch 1 over
/// 2048. Each figure is the median over repeats after warm-up: "step" is Execute's wall time, split into host
/// packing, queueing, waiting and sampling; "device" is the forward pass between two events.
/// </summary>
internal static class StepBench
{
    private const int DecodeSteps = 24;
    private const int Warmup = 4;
    private const int MaxContext = 2048;

    public static bool Run(string modelDirectory, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        foreach (bool eager in new[] { false, true })
        {
            log.WriteLine(eager ? "--- eager (--enforce-eager) ---" : "--- decode steps replay captured graphs ---");
            Run(model, eager, log);
        }
        log.WriteLine("bench: PASS");
        return true;
    }

    private static void Run(ModelDirectory model, bool eager, TextWriter log)
    {
        var options = new CudaExecutorOptions(MaxModelLength: 4096, MaxTokensPerStep: 2048, MaxSequencesPerStep: 64, LoadVisionTower: false,
            EnforceEager: eager);
        using var cuda = CudaExecutor.Load(model, options);
        var c = cuda.Spec.Text;
        int blocksPerSequence = (MaxContext + DecodeSteps + Warmup + 15) / 16;
        int blocks = cuda.AllocateKvCache(((long)64 * blocksPerSequence + 1) * cuda.KvCacheBytesPerBlock);
        log.WriteLine($"{cuda.GraphBatchSizes.Count} decode graphs captured in {cuda.GraphCaptureMilliseconds:F0} ms");
        log.WriteLine($"device: {cuda.Device.Name}; {c.NumLayers} layers, hidden {c.HiddenSize}, heads {c.NumHeads}/{c.NumKvHeads}; "
            + $"loaded in {cuda.LoadMilliseconds:F0} ms (weights {cuda.WeightBytes / 1e9:F2} GB, activations {cuda.Activations.Bytes / 1e6:F0} MB), "
            + $"{blocks} KV blocks of {cuda.KvCacheBytesPerBlock / 1024} KiB");

        var random = new Random(7);
        var greedy = new SamplingContext(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty, ReadOnlyMemory<int>.Empty, 0,
            ReadOnlyMemory<int>.Empty);
        int[] Tokens(int n) => Enumerable.Range(0, n).Select(_ => random.Next(c.VocabSize)).ToArray();
        int[] Table(int sequence) => Enumerable.Range(sequence * blocksPerSequence, blocksPerSequence).ToArray();

        foreach (int length in new[] { 128, 512, 2048 })
        {
            var step = new SequenceStep(0, Tokens(length), MRopePositions.ForText(0, length), Table(0), 0, greedy);
            var t = Time(cuda, () => new StepBatch([step]), repeats: 8);
            log.WriteLine($"prefill {length,4} tokens:          {Describe(t)} ({length / (t.Device / 1000):F0} tok/s on the device)");
        }

        foreach (var (batch, context) in new[] { (1, 512), (8, 512), (32, 512), (64, 512), (1, 2048), (64, 2048) })
        {
            // prefill every sequence's context, up to 2048 tokens per step
            var next = new int[batch];
            int perStep = Math.Max(1, 2048 / context);
            for (int first = 0; first < batch; first += perStep)
            {
                var steps = Enumerable.Range(first, Math.Min(perStep, batch - first))
                    .Select(s => new SequenceStep(s, Tokens(context), MRopePositions.ForText(0, context), Table(s), 0, greedy)).ToArray();
                var result = cuda.Execute(new StepBatch(steps));
                for (int i = 0; i < steps.Length; i++) next[first + i] = result.Tokens[i]!.Value.TokenId;
            }
            int k = 0;
            var t = Time(cuda, () =>
            {
                var steps = new SequenceStep[batch];
                for (int s = 0; s < batch; s++)
                {
                    int position = context + k;
                    steps[s] = new SequenceStep(s, [next[s]], [position, position, position], Table(s), position, greedy);
                }
                k++;
                return new StepBatch(steps);
            }, repeats: DecodeSteps, onResult: r =>
            {
                for (int s = 0; s < batch; s++) next[s] = r.Tokens[s]!.Value.TokenId;
            });
            log.WriteLine($"decode batch {batch,2} after {context,4}: {Describe(t)} ({batch / (t.Wall / 1000):F0} tok/s by step time)"
                + (cuda.LastStepUsedGraph ? ", graph" : ""));
        }
    }

    private sealed record Timing(double Wall, double Pack, double Queue, double Wait, double Sample, double Device);

    private static string Describe(Timing t) =>
        $"step {t.Wall,6:F2} ms = pack {t.Pack:F2} + queue {t.Queue:F2} + wait {t.Wait:F2} + sample {t.Sample:F2}; device {t.Device,6:F2} ms";

    private static Timing Time(CudaExecutor cuda, Func<StepBatch> next, int repeats, Action<StepResult>? onResult = null)
    {
        var samples = new List<(double Wall, StepTimings Parts)>();
        for (int i = 0; i < Warmup + repeats; i++)
        {
            var batch = next();
            var clock = Stopwatch.StartNew();
            var result = cuda.Execute(batch);
            double wall = clock.Elapsed.TotalMilliseconds;
            onResult?.Invoke(result);
            if (i >= Warmup) samples.Add((wall, cuda.LastStepTimings));
        }
        return new Timing(Median(samples, s => s.Wall), Median(samples, s => s.Parts.Pack), Median(samples, s => s.Parts.Queue),
            Median(samples, s => s.Parts.Wait), Median(samples, s => s.Parts.Sample), Median(samples, s => s.Parts.Device));
    }

    private static double Median<T>(List<T> samples, Func<T, double> value)
    {
        var values = samples.Select(value).Order().ToArray();
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
