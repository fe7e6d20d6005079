using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Progress;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// The float32 reference executor: every other executor is tested against it, and it keeps the
/// whole pipeline (paged KV, chunked prefill, batching, sampling) running where there is no GPU.
/// </summary>
public sealed class CpuExecutor : IModelExecutor, IMemoryFootprint, IExecutionDevice
{
    public const int DefaultBlockSize = 16;

    private readonly CpuDecoder _decoder;
    private readonly CpuVisionTower? _vision;
    private readonly Sampler _sampler;
    private readonly Dictionary<ImageKey, ImageEmbeddings> _images = new();
    private CpuKvCache? _cache;

    public ModelSpec Spec { get; }
    public long KvCacheBytesPerBlock { get; }
    public long WeightBytes { get; }

    /// <summary>0: each step allocates its activations on the managed heap and drops them (the working set shows them).</summary>
    public long ActivationBytes => 0;

    public string DeviceKind => "cpu";

    public string DeviceName => ProcessorName.Describe();

    /// <summary>None: the CPU runs every step as it comes.</summary>
    public IReadOnlyList<int> GraphBatchSizes => [];

    public CpuKvCache Cache => _cache ?? throw new InvalidOperationException("AllocateKvCache has not been called");

    public CpuExecutor(CpuWeights weights, CpuVisionWeights? vision = null, int blockSize = DefaultBlockSize, int? maxModelLength = null)
    {
        var c = weights.Config;
        _decoder = new CpuDecoder(weights);
        _vision = vision == null ? null : new CpuVisionTower(vision);
        _sampler = new Sampler(c.VocabSize);
        Spec = new ModelSpec(c, blockSize, maxModelLength ?? c.MaxPositionEmbeddings);
        KvCacheBytesPerBlock = CpuKvCache.BytesPerBlock(c.NumLayers, blockSize, c.NumKvHeads, c.HeadDim);
        WeightBytes = sizeof(float) * (weights.ParameterCount + (vision?.ParameterCount ?? 0));
    }

    /// <summary>Reads the weights of <paramref name="model"/>; <paramref name="progress"/> gets a counter of the bytes read.</summary>
    public static CpuExecutor Load(ModelDirectory model, int blockSize = DefaultBlockSize, int? maxModelLength = null, ProgressBoard? progress = null)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(model.Path, progress);
        return new CpuExecutor(CpuWeights.Load(checkpoint, model.Config.Text), CpuVisionWeights.Load(checkpoint, model.Config.Vision),
            blockSize, maxModelLength);
    }

    public int AllocateKvCache(long bytes)
    {
        var c = Spec.Text;
        int blocks = (int)Math.Min(int.MaxValue, bytes / KvCacheBytesPerBlock);
        if (blocks < 1) throw new ArgumentException($"{bytes} bytes hold no KV block ({KvCacheBytesPerBlock} bytes each)");
        _cache = new CpuKvCache(c.NumLayers, blocks, Spec.BlockSize, c.NumKvHeads, c.HeadDim);
        return blocks;
    }

    public int CachedImageCount => _images.Count;

    public ImageEmbeddings EncodeImage(PixelPatches image)
    {
        if (_vision == null) throw new InvalidOperationException("this executor was built without the vision tower");
        var values = _vision.Encode(image);
        int width = Spec.Text.HiddenSize;
        return new ImageEmbeddings(values, values.Length / width, width);
    }

    public StepResult Execute(StepBatch batch)
    {
        EncodeNewImages(batch);
        var tokens = new SampledToken?[batch.Sequences.Count];
        if (batch.Sequences.Count > 0)
        {
            var logits = LastTokenLogits(batch, sampledOnly: true, out var rows);
            int vocab = Spec.VocabSize;
            for (int i = 0; i < rows.Length; i++)
            {
                var ctx = batch.Sequences[rows[i]].Sampling!.Value;
                tokens[rows[i]] = _sampler.Sample(logits.AsSpan(i * vocab, vocab), in ctx);
            }
        }
        foreach (var key in batch.Release ?? []) _images.Remove(key);
        return new StepResult(tokens);
    }

    private void EncodeNewImages(StepBatch batch)
    {
        foreach (var image in batch.Encode ?? [])
            if (!_images.ContainsKey(image.Key)) _images[image.Key] = EncodeImage(image.Patches);
    }

    /// <summary>
    /// Runs the step and returns the last-token logits of the sequences that sample (or of all of
    /// them), [rows, vocab], with <paramref name="rows"/> naming each row's sequence index.
    /// </summary>
    public float[] LastTokenLogits(StepBatch batch, bool sampledOnly, out int[] rows, List<float[]>? trace = null)
    {
        EncodeNewImages(batch);
        var hidden = _decoder.Forward(batch, Cache, ResolveImage, trace);
        var chosen = new List<int>();
        for (int i = 0; i < batch.Sequences.Count; i++)
            if (!sampledOnly || batch.Sequences[i].Sampling != null) chosen.Add(i);
        rows = chosen.ToArray();
        int h = Spec.Text.HiddenSize;
        var selected = new float[rows.Length * h];
        for (int i = 0; i < rows.Length; i++) Array.Copy(hidden, rows[i] * h, selected, i * h, h);
        return _decoder.Logits(selected, rows.Length);
    }

    private ImageEmbeddings ResolveImage(ImageKey key) =>
        _images.TryGetValue(key, out var e) ? e : throw new ArgumentException($"image {key} was not encoded (or was released) before the step that uses it");

    public void Dispose()
    {
        _cache = null;
        _images.Clear();
    }
}
