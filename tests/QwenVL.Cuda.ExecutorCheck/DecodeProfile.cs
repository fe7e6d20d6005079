using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// A few eager decode steps of a fixed batch after a fixed context, for a kernel profiler (ncu) to time one by one:
/// `decode-profile --model DIR --batch N --context N --steps N`.
/// </summary>
internal static partial class DecodeProfile
{
    // ncu --profile-from-start off profiles only between these calls
    [System.Runtime.InteropServices.LibraryImport("libcuda.so.1")]
    private static partial int cuProfilerStart();

    [System.Runtime.InteropServices.LibraryImport("libcuda.so.1")]
    private static partial int cuProfilerStop();

    public static bool Run(string modelDirectory, int batch, int context, int steps, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        var options = new CudaExecutorOptions(MaxModelLength: 4096, MaxTokensPerStep: 2048, MaxSequencesPerStep: Math.Max(batch, 1),
            LoadVisionTower: false, EnforceEager: true);
        using var cuda = CudaExecutor.Load(model, options);
        int blocksPerSequence = (context + steps + 15) / 16;
        cuda.AllocateKvCache(((long)batch * blocksPerSequence + 1) * cuda.KvCacheBytesPerBlock);
        var greedy = new SamplingContext(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty, ReadOnlyMemory<int>.Empty, 0,
            ReadOnlyMemory<int>.Empty);
        var random = new Random(3);
        int[] Table(int s) => Enumerable.Range(s * blocksPerSequence, blocksPerSequence).ToArray();
        var next = new int[batch];
        for (int s = 0; s < batch; s++)
        {
            var tokens = Enumerable.Range(0, context).Select(_ => random.Next(cuda.Spec.VocabSize)).ToArray();
            next[s] = cuda.Execute(new StepBatch([new SequenceStep(s, tokens, MRopePositions.ForText(0, context), Table(s), 0, greedy)]))
                .Tokens[0]!.Value.TokenId;
        }
        log.WriteLine($"--- {steps} decode steps of batch {batch} after {context} follow ---");
        cuda.Device.MakeCurrent();
        cuProfilerStart();
        for (int k = 0; k < steps; k++)
        {
            var seqs = new SequenceStep[batch];
            for (int s = 0; s < batch; s++)
            {
                int p = context + k;
                seqs[s] = new SequenceStep(s, [next[s]], [p, p, p], Table(s), p, greedy);
            }
            var result = cuda.Execute(new StepBatch(seqs));
            for (int s = 0; s < batch; s++) next[s] = result.Tokens[s]!.Value.TokenId;
            log.WriteLine($"step {k}: device {cuda.LastStepDeviceMilliseconds:F3} ms");
        }
        cuProfilerStop();
        return true;
    }
}
