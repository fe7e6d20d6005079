using System.Diagnostics;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Workloads;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Vision;

namespace QwenVL.Bench.Profile;

/// <summary>
/// Times the steps of a <see cref="ProfilePlan"/> on a real executor, without the scheduler: each step is built by
/// hand, run untimed to warm up, then timed over its repeats; its figure is the median wall time of Execute (both
/// executors return only once a step with sequences is done). Sampled rows are greedy, as the last chunk of a prompt
/// and every decode ask.
/// </summary>
public static class ProfileSweep
{
    private static readonly SamplingContext Greedy =
        new(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty, ReadOnlyMemory<int>.Empty, 0, ReadOnlyMemory<int>.Empty);

    /// <param name="executor">A freshly loaded executor; the sweep allocates its KV cache.</param>
    /// <param name="vision">The model's vision tower, for the images' patch size.</param>
    /// <param name="plan">The steps, already within the executor's limits.</param>
    /// <param name="maxTokensPerStep">The executor's token budget, for filling contexts and the mixed step.</param>
    /// <param name="measured">Called with each measurement as it is taken.</param>
    public static IReadOnlyList<StepMeasurement> Run(IModelExecutor executor, VisionConfig vision, ProfilePlan plan, int maxTokensPerStep,
        Action<StepMeasurement> measured)
    {
        var random = new Random(7);
        int vocab = executor.Spec.VocabSize;
        int[] Tokens(int n) => Enumerable.Range(0, n).Select(_ => random.Next(vocab)).ToArray();

        var sequences = new ProfileSequences(executor.Spec.BlockSize);
        var prompt = sequences.Add(plan.PrefillContext, plan.PrefillContext + plan.PrefillChunks.Max());
        int longestDecode = plan.DecodeContexts.Max();
        var decoders = Enumerable.Range(0, plan.DecodeBatches.Max()).Select(_ => sequences.Add(longestDecode, longestDecode + 1)).ToArray();
        executor.AllocateKvCache((long)sequences.Blocks * executor.KvCacheBytesPerBlock);
        sequences.Fill(executor, maxTokensPerStep, Tokens);

        var results = new List<StepMeasurement>();
        void Measure(string label, StepBatch batch)
        {
            var measurement = new StepMeasurement(label, StepCost.Shape(batch), MedianMilliseconds(executor, batch, plan));
            results.Add(measurement);
            measured(measurement);
        }

        var contexts = plan.PrefillContext > 0 ? new[] { 0, plan.PrefillContext } : [0];
        foreach (int context in contexts)
        {
            foreach (int n in plan.PrefillChunks)
                Measure($"prefill {n} at {context}", new StepBatch([Chunk(prompt, context, Tokens(n))]));
        }
        foreach (int context in plan.DecodeContexts)
        {
            foreach (int batch in plan.DecodeBatches)
                Measure($"decode {batch} at {context}", new StepBatch(decoders.Take(batch).Select(d => Decode(d, context, Tokens(1)[0])).ToArray()));
        }
        MeasureMixed(plan, decoders, prompt, maxTokensPerStep, Tokens, Measure);
        // Each image rides with one decode: the CUDA executor queues an encode-only step and returns before the
        // tower has run, while a step with a sequence waits for the whole stream, the encode included.
        int shortest = plan.DecodeContexts.Min();
        foreach (var (rows, columns) in plan.ImageGrids)
        {
            var patches = RandomPatches(vision, rows, columns, random);
            var image = new ImageToEncode(ImageKey.Of(patches), patches);
            Measure($"image {rows}x{columns} with decode 1 at {shortest}", new StepBatch([Decode(decoders[0], shortest, Tokens(1)[0])], [image], [image.Key]));
        }
        return results;
    }

    /// <summary>
    /// A prompt chunk beside the largest decode batch at the shortest context: the cost model adds the two, and this
    /// step shows whether the executor does too.
    /// </summary>
    private static void MeasureMixed(ProfilePlan plan, ProfileSequence[] decoders, ProfileSequence prompt, int maxTokensPerStep,
        Func<int, int[]> tokens, Action<string, StepBatch> measure)
    {
        int batch = plan.DecodeBatches.Max(), context = plan.DecodeContexts.Min();
        var fitting = plan.PrefillChunks.Where(n => n + batch <= maxTokensPerStep).ToArray();
        if (fitting.Length == 0) return;
        int chunk = fitting[fitting.Length / 2];
        var steps = new List<SequenceStep> { Chunk(prompt, 0, tokens(chunk)) };
        steps.AddRange(decoders.Take(batch).Select(d => Decode(d, context, tokens(1)[0])));
        measure($"prefill {chunk} with decode {batch} at {context}", new StepBatch(steps));
    }

    private static SequenceStep Chunk(ProfileSequence sequence, int context, int[] tokens) =>
        new(sequence.Id, tokens, MRopePositions.ForText(context, tokens.Length), sequence.BlockTable, context, Greedy);

    private static SequenceStep Decode(ProfileSequence sequence, int context, int token) =>
        new(sequence.Id, [token], MRopePositions.ForText(context, 1), sequence.BlockTable, context, Greedy);

    /// <summary>One image's patches with values in [-2, 2), about the range of normalised pixels.</summary>
    private static PixelPatches RandomPatches(VisionConfig vision, int rows, int columns, Random random)
    {
        int patchValues = vision.InChannels * vision.TemporalPatchSize * vision.PatchSize * vision.PatchSize;
        var values = new float[rows * columns * patchValues];
        for (int i = 0; i < values.Length; i++) values[i] = 4 * random.NextSingle() - 2;
        return new PixelPatches(values, 1, rows, columns);
    }

    private static double MedianMilliseconds(IModelExecutor executor, StepBatch batch, ProfilePlan plan)
    {
        for (int i = 0; i < plan.Warmup; i++) executor.Execute(batch);
        var times = new double[plan.Repeats];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            executor.Execute(batch);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Median.Of(times);
    }
}
