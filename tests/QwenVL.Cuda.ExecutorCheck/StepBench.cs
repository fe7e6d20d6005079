using System.Diagnostics;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// Step timings of CudaExecutor on a checkpoint (meant for the 2B shapes with random weights): prefill of one
/// prompt at a few lengths, then decode steps at batch 1, 32 and 64 over 512-token contexts. Each figure is the
/// median over repeats after warm-up; "step" is Execute's wall time (metadata, forward, logits to the host,
/// sampling), "device" the forward pass alone between two events.
/// </summary>
internal static class StepBench
{
    private const int Context = 512;
    private const int DecodeSteps = 24;
    private const int Warmup = 4;

    public static bool Run(string modelDirectory, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        var options = new CudaExecutorOptions(MaxModelLength: 4096, MaxTokensPerStep: 2048, MaxSequencesPerStep: 64, LoadVisionTower: false);
        using var cuda = CudaExecutor.Load(model, options);
        var c = cuda.Spec.Text;
        int blocksPerSequence = (Context + DecodeSteps + Warmup + 2048 + 15) / 16;
        int blocks = cuda.AllocateKvCache(Math.Min(8L << 30, (long)(64 + 1) * blocksPerSequence * cuda.KvCacheBytesPerBlock));
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
            var (wall, device) = Time(cuda, () => new StepBatch([step]), repeats: 8);
            log.WriteLine($"prefill {length,4} tokens: step {wall:F2} ms, device {device:F2} ms ({length / (device / 1000):F0} tok/s on the device)");
        }

        foreach (int batch in new[] { 1, 32, 64 })
        {
            // prefill every sequence's context, up to 2048 tokens per step
            var next = new int[batch];
            int perStep = Math.Max(1, 2048 / Context);
            for (int first = 0; first < batch; first += perStep)
            {
                var steps = Enumerable.Range(first, Math.Min(perStep, batch - first))
                    .Select(s => new SequenceStep(s, Tokens(Context), MRopePositions.ForText(0, Context), Table(s), 0, greedy)).ToArray();
                var result = cuda.Execute(new StepBatch(steps));
                for (int i = 0; i < steps.Length; i++) next[first + i] = result.Tokens[i]!.Value.TokenId;
            }
            int k = 0;
            var (wall, device) = Time(cuda, () =>
            {
                var steps = new SequenceStep[batch];
                for (int s = 0; s < batch; s++)
                {
                    int position = Context + k;
                    steps[s] = new SequenceStep(s, [next[s]], [position, position, position], Table(s), position, greedy);
                }
                k++;
                return new StepBatch(steps);
            }, repeats: DecodeSteps, onResult: r =>
            {
                for (int s = 0; s < batch; s++) next[s] = r.Tokens[s]!.Value.TokenId;
            });
            log.WriteLine($"decode batch {batch,2} after {Context} tokens: step {wall:F2} ms, device {device:F2} ms "
                + $"({batch / (wall / 1000):F0} tok/s by step time)");
        }
        log.WriteLine("bench: PASS");
        return true;
    }

    private static (double Wall, double Device) Time(CudaExecutor cuda, Func<StepBatch> next, int repeats, Action<StepResult>? onResult = null)
    {
        var walls = new List<double>();
        var devices = new List<double>();
        for (int i = 0; i < Warmup + repeats; i++)
        {
            var batch = next();
            var clock = Stopwatch.StartNew();
            var result = cuda.Execute(batch);
            double wall = clock.Elapsed.TotalMilliseconds;
            onResult?.Invoke(result);
            if (i < Warmup) continue;
            walls.Add(wall);
            devices.Add(cuda.LastStepDeviceMilliseconds);
        }
        return (Median(walls), Median(devices));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
