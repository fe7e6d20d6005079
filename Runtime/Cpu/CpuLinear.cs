using System.Numerics.Tensors;

namespace QwenVL.Runtime.Cpu;

/// <summary>A dense layer y = x·Wᵀ + b with W stored row-major as [Out, In], as checkpoints store it.</summary>
public sealed class CpuLinear
{
    // Work items per core: enough to balance uneven cores, few enough that scheduling costs little.
    private const int ChunksPerCore = 4;
    private readonly int _rowsPerChunk;

    public float[] Weight { get; }
    public float[]? Bias { get; }
    public int Out { get; }
    public int In { get; }

    public long ParameterCount => Weight.LongLength + (Bias?.LongLength ?? 0);

    public CpuLinear(float[] weight, float[]? bias, int outFeatures, int inFeatures)
    {
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"weight has {weight.Length} values, expected {outFeatures}×{inFeatures}");
        if (bias != null && bias.Length != outFeatures)
            throw new ArgumentException($"bias has {bias.Length} values, expected {outFeatures}");
        Weight = weight;
        Bias = bias;
        Out = outFeatures;
        In = inFeatures;
        _rowsPerChunk = Math.Max(16, Out / (Environment.ProcessorCount * ChunksPerCore));
    }

    /// <summary>Y[rows, Out] = X[rows, In]·Wᵀ + b, spread over the cores by output rows.</summary>
    public void Forward(float[] x, int rows, float[] y)
    {
        int chunks = (Out + _rowsPerChunk - 1) / _rowsPerChunk;
        if ((long)rows * Out * In < 1 << 16)
        {
            for (int c = 0; c < chunks; c++) ForwardChunk(x, rows, y, c);
            return;
        }
        Parallel.For(0, chunks, c => ForwardChunk(x, rows, y, c));
    }

    private void ForwardChunk(float[] x, int rows, float[] y, int chunk)
    {
        int start = chunk * _rowsPerChunk, end = Math.Min(Out, start + _rowsPerChunk);
        for (int o = start; o < end; o++)
        {
            var w = new ReadOnlySpan<float>(Weight, o * In, In);
            float b = Bias?[o] ?? 0f;
            for (int r = 0; r < rows; r++)
                y[r * Out + o] = TensorPrimitives.Dot(w, new ReadOnlySpan<float>(x, r * In, In)) + b;
        }
    }
}
