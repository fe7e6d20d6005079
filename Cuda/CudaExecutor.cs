using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Vision;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda;

/// <summary>
/// The language model on one GPU behind <see cref="IModelExecutor"/>: bf16 weights uploaded once, activations
/// planned for the largest step, the paged KV cache in bf16 with the scheduler's block layout, one stream.
/// Each step packs its metadata on the host into a pinned buffer and sends it with one copy, then either replays the
/// captured graph of its decode bucket or queues the forward pass (<see cref="CudaDecoder"/>) kernel by kernel, and
/// picks the tokens on the device (only ids and logprobs come back) or, for a few non-greedy rows, on the host.
/// Images are encoded by the GPU vision tower and kept on the device until released.
/// Calls may come from any one thread at a time: each makes the device's context current first.
/// </summary>
public sealed unsafe class CudaExecutor : IModelExecutor, IMemoryFootprint, IExecutionDevice, IDeviceMemory
{
    private readonly CudaDevice _device;
    private readonly CudaDriver _driver;
    private readonly CudaStreamHandle _stream;
    private readonly DecoderKernels _kernels;
    private readonly DeviceWeights _weights;
    private readonly GemmPlans _gemms;
    private readonly DeviceMemoryHandle _activations;
    private readonly CudaDecoder _decoder;
    private readonly StepMetadata _metadata;
    private readonly PinnedHostMemoryHandle _metadataHost;
    private readonly PinnedHostMemoryHandle _logitsHost;
    private readonly DeviceImageStore _images;
    private readonly IImageEncoder? _encoder;
    private readonly KvCacheLayout _kv;
    private readonly Sampler _sampler;
    private readonly DeviceSampler? _deviceSampler;

    /// <summary>From this many non-greedy rows on, the device sampler is faster than the host's (the GPU `sampling` check times both).</summary>
    private const int DeviceSamplingMinRows = 4;
    private readonly CudaEventHandle _stepStart;
    private readonly CudaEventHandle _stepEnd;
    private readonly Func<ImageKey, DeviceImage> _resolveImage;
    private readonly DecodeGraphBuckets? _graphBuckets;
    private readonly ILogger _log;
    private DecodeGraphs? _graphs;
    private DeviceMemoryHandle? _kvCache;
    private int _kvBlocks;

    private CudaExecutor(CudaDevice device, ModelDirectory model, SafetensorsCheckpoint checkpoint, CudaExecutorOptions options)
    {
        _device = device;
        _driver = device.Driver;
        _log = options.Log ?? NullLogger.Instance;
        var c = model.Config.Text;
        if (!PagedPrefillAttentionKernel.IsSupported(c.HeadDim))
            throw new NotSupportedException($"the CUDA executor's attention is built for head dims 64 and 128, not {c.HeadDim}");
        int maxModelLength = options.MaxModelLength ?? c.MaxPositionEmbeddings;
        Spec = new ModelSpec(c, options.BlockSize, maxModelLength);
        Limits = StepLimits.For(options.MaxTokensPerStep, options.MaxSequencesPerStep, maxModelLength, options.BlockSize);
        _kv = KvCacheLayout.For(c, options.BlockSize);
        _sampler = new Sampler(c.VocabSize);
        _resolveImage = key => _images![key];

        var clock = Stopwatch.StartNew();
        _stream = _driver.CreateStream();
        _stepStart = _driver.CreateEvent();
        _stepEnd = _driver.CreateEvent();
        var compiler = new KernelCompiler(device.Architecture, new CubinCache(options.CubinCacheDirectory ?? CubinCache.DefaultDirectory()));
        _kernels = new DecoderKernels(_driver, compiler, c.HeadDim);
        _weights = DeviceWeights.Upload(_driver, _stream, checkpoint, c);
        _gemms = new GemmPlans(CuBlasLt.Shared, options.GemmWorkspaceBytes);
        _metadata = new StepMetadata(Limits, options.BlockSize, c.VocabSize, c.HiddenSize, PagedPrefillAttentionKernel.QueriesPerTile,
            orderTilesByWork: true);
        Activations = ActivationLayout.Plan(c, Limits.MaxTokens, Limits.MaxSequences, _metadata.CapacityBytes, options.GemmWorkspaceBytes);
        _activations = _driver.Allocate(Activations.Bytes);
        _decoder = new CudaDecoder(_stream, _kernels, _weights, _gemms, Activations, _activations.Address, _kv, device.MultiprocessorCount,
            options.SmallStepGemv);
        if (!options.EnforceEager)
            _graphBuckets = new DecodeGraphBuckets(Math.Min(options.MaxGraphBatchSize ?? Math.Min(Limits.MaxSequences, 256), Limits.MaxSequences));
        _metadataHost = _driver.AllocateHost(_metadata.CapacityBytes);
        _logitsHost = _driver.AllocateHost((long)Limits.MaxSequences * c.VocabSize * sizeof(float));
        int merge = model.Config.Vision.SpatialMergeSize;
        _images = new DeviceImageStore(_driver, options.ImageStoreBytes, c.HiddenSize, merge);
        if (options.SampleOnDevice) _deviceSampler = new DeviceSampler(_driver, compiler, c.VocabSize, Limits.MaxSequences);
        if (options.LoadVisionTower)
            _encoder = new DeviceImageEncoder(new CudaVisionTower(device, _stream, compiler, checkpoint, model.Config.Vision, options.MaxImagePatches));
        LoadMilliseconds = clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Opens the GPU, compiles (or finds cached) the kernels, uploads the language weights and loads the vision tower.</summary>
    public static CudaExecutor Load(ModelDirectory model, CudaExecutorOptions? options = null)
    {
        options ??= new CudaExecutorOptions();
        var device = CudaDevice.Open(options.DeviceOrdinal);
        try
        {
            using var checkpoint = model.OpenCheckpoint();
            return new CudaExecutor(device, model, checkpoint, options);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public ModelSpec Spec { get; }

    public StepLimits Limits { get; }

    public ActivationLayout Activations { get; }

    public CudaDevice Device => _device;

    public string DeviceKind => "cuda";

    public string DeviceName => _device.Name;

    /// <summary>Free and total bytes of the card's memory now (every process's use included).</summary>
    public DeviceMemory ReadMemory()
    {
        _device.MakeCurrent();
        var (free, total) = _device.MemoryInfo();
        return new DeviceMemory(free, total);
    }

    /// <summary>Wall-clock milliseconds the constructor took: kernels, weight upload, buffers, vision weights.</summary>
    public double LoadMilliseconds { get; }

    /// <summary>Device milliseconds of the last step's forward pass (metadata copy to logits, not the copy back).</summary>
    public double LastStepDeviceMilliseconds => LastStepTimings.Device;

    /// <summary>Where the last step's time went.</summary>
    public StepTimings LastStepTimings { get; private set; }

    public long KvCacheBytesPerBlock => _kv.BytesPerBlock;

    public long WeightBytes => _weights.Layout.Bytes;

    // WeightBytes is the language model's alone; the footprint adds the vision tower's weights and buffers on the same card.
    long IMemoryFootprint.WeightBytes => WeightBytes + ((_encoder as DeviceImageEncoder)?.Tower.WeightBytes ?? 0);

    long IMemoryFootprint.ActivationBytes => Activations.Bytes + _images.CapacityBytes + ((_encoder as DeviceImageEncoder)?.Tower.ActivationBytes ?? 0);

    public int KvBlocks => _kvBlocks;

    /// <summary>The decode batch sizes with a captured graph (none before AllocateKvCache, or with EnforceEager).</summary>
    public IReadOnlyList<int> GraphBatchSizes => _graphs == null ? [] : _graphBuckets!.Sizes;

    /// <summary>Milliseconds the last graph capture took.</summary>
    public double GraphCaptureMilliseconds => _graphs?.CaptureMilliseconds ?? 0;

    /// <summary>Registers and spilled bytes per thread of the decode attention kernel for <paramref name="group"/> heads per KV head.</summary>
    public (int Registers, int LocalBytes) DecodeAttentionResources(int group) => _kernels.DecodeAttention.Resources(group);

    /// <summary>Whether the last step replayed a captured graph.</summary>
    public bool LastStepUsedGraph { get; private set; }

    public int CachedImageCount => _images.Count;

    /// <summary>
    /// Allocates the KV cache: the blocks that fit in <paramref name="bytes"/> for the scheduler, and one more, the
    /// scratch block that padded decode rows use; then captures the decode graphs for it, unless eager, telling
    /// <see cref="CudaExecutorOptions.Log"/> as it starts and ends (the capture takes seconds at start-up).
    /// </summary>
    public int AllocateKvCache(long bytes)
    {
        int blocks = _kv.BlocksWithin(bytes);
        if (blocks < 1) throw new ArgumentException($"{bytes} bytes hold no KV block ({KvCacheBytesPerBlock} bytes each)");
        _device.MakeCurrent();
        _driver.Synchronize(_stream);
        _graphs?.Dispose();
        _graphs = null;
        _kvCache?.Dispose();
        _kvCache = null;
        _kvCache = _driver.Allocate((blocks + 1) * KvCacheBytesPerBlock);
        _kvBlocks = blocks;
        if (_graphBuckets != null)
        {
            GraphCaptureLog.Capturing(_log);
            _graphs = DecodeGraphs.Capture(_driver, _stream, _decoder, _metadata, _metadataHost, _graphBuckets, _kvCache.Address, DeviceBlocks, ScratchBlock);
            if (_graphs.Count > 0) GraphCaptureLog.Captured(_log, _graphs.Count, string.Join(' ', GraphBatchSizes), _graphs.CaptureMilliseconds / 1000);
        }
        return blocks;
    }

    /// <summary>Blocks in the device cache: the scheduler's and the scratch block after them.</summary>
    private int DeviceBlocks => _kvBlocks + 1;

    private int ScratchBlock => _kvBlocks;

    public StepResult Execute(StepBatch batch)
    {
        _device.MakeCurrent();
        EncodeNewImages(batch);
        var tokens = new SampledToken?[batch.Sequences.Count];
        if (batch.Sequences.Count > 0)
        {
            // Tokens are chosen on the device (only ids and logprobs come back) except for a few non-greedy rows,
            // where the host is quicker (H100: ~0.6–1 ms a row on the host against 1–2.4 ms flat up to 32 rows).
            // Masked or biased rows are sampled on the host (Sampling.AnyReshaped).
            bool onDevice = _deviceSampler != null && !Sampling.AnyReshaped(batch)
                && (Sampling.AllGreedy(batch) || Sampling.Rows(batch) >= DeviceSamplingMinRows);
            var step = Run(batch, sampledOnly: true, onDevice);
            long start = Stopwatch.GetTimestamp();
            var sequences = _metadata.SampledSequences(step);
            int vocab = Spec.VocabSize;
            var logits = _logitsHost.AsSpan<float>();
            for (int i = 0; i < sequences.Length; i++)
            {
                var ctx = batch.Sequences[sequences[i]].Sampling!.Value;
                tokens[sequences[i]] = onDevice ? _deviceSampler!.Result(i, in ctx) : _sampler.Sample(logits.Slice(i * vocab, vocab), in ctx);
            }
            LastStepTimings = LastStepTimings with { Sample = Stopwatch.GetElapsedTime(start).TotalMilliseconds };
        }
        foreach (var key in batch.Release ?? []) _images.Release(key);
        return new StepResult(tokens);
    }

    /// <summary>
    /// Runs the step (encoding its new images, releasing nothing) and returns the last-token logits of the
    /// sequences that sample, or of all of them, [rows, vocab], with <paramref name="rows"/> naming each row's sequence.
    /// </summary>
    public float[] LastTokenLogits(StepBatch batch, bool sampledOnly, out int[] rows)
    {
        _device.MakeCurrent();
        EncodeNewImages(batch);
        var step = Run(batch, sampledOnly);
        rows = _metadata.SampledSequences(step).ToArray();
        return _logitsHost.AsSpan<float>()[..(rows.Length * Spec.VocabSize)].ToArray();
    }

    /// <summary>Encodes the step's images the store does not hold, several per pass of the tower (<see cref="DeviceImageStore.AddAll"/>).</summary>
    private void EncodeNewImages(StepBatch batch)
    {
        var encode = batch.Encode;
        if (encode == null || encode.Count == 0) return;
        if (_encoder == null)
        {
            foreach (var image in encode)
            {
                if (!_images.Contains(image.Key)) throw new InvalidOperationException("this executor was built without the vision tower");
            }
            return;
        }
        _images.AddAll(encode, _encoder, _stream);
    }

    /// <summary>
    /// Packs, sends and runs the step, then waits for its logits in the pinned host buffer, or, with
    /// <paramref name="sampleOnDevice"/>, for the device sampler's tokens.
    /// </summary>
    private PackedStep Run(StepBatch batch, bool sampledOnly, bool sampleOnDevice = false)
    {
        if (_kvCache == null) throw new InvalidOperationException("AllocateKvCache has not been called");
        long start = Stopwatch.GetTimestamp();
        var host = new Span<byte>(_metadataHost.Pointer, _metadata.CapacityBytes);
        int? bucket = _graphs != null && StepMetadata.IsDecodeStep(batch, sampledOnly) ? _graphBuckets!.For(batch.Sequences.Count) : null;
        var step = bucket is int b
            ? _metadata.PackDecode(batch, b, _kvBlocks, ScratchBlock, host)
            : _metadata.Pack(batch, sampledOnly, _kvBlocks, _resolveImage, host);
        long packed = Stopwatch.GetTimestamp();
        _driver.Record(_stepStart, _stream);
        _driver.CopyHostToDeviceAsync(_decoder.Metadata, _metadataHost.Pointer, step.Bytes, _stream);
        if (bucket is int replay) _graphs!.Launch(_driver, replay, _stream);
        else _decoder.Forward(step, _kvCache.Address, DeviceBlocks);
        LastStepUsedGraph = bucket != null;
        _driver.Record(_stepEnd, _stream);
        if (step.SampleRowCount > 0 && sampleOnDevice)
            _deviceSampler!.Queue(_decoder.Logits, SamplingContexts(batch, step), _stream);
        else if (step.SampleRowCount > 0)
            _driver.CopyDeviceToHostAsync(_logitsHost.Pointer, _decoder.Logits, (long)step.SampleRowCount * Spec.VocabSize * sizeof(float), _stream);
        long queued = Stopwatch.GetTimestamp();
        _driver.Synchronize(_stream);
        long done = Stopwatch.GetTimestamp();
        LastStepTimings = new StepTimings(
            Pack: Stopwatch.GetElapsedTime(start, packed).TotalMilliseconds,
            Queue: Stopwatch.GetElapsedTime(packed, queued).TotalMilliseconds,
            Wait: Stopwatch.GetElapsedTime(queued, done).TotalMilliseconds,
            Sample: 0,
            Device: _driver.ElapsedMilliseconds(_stepStart, _stepEnd));
        return step;
    }

    private SamplingContext[] SamplingContexts(StepBatch batch, PackedStep step)
    {
        var sequences = _metadata.SampledSequences(step);
        var contexts = new SamplingContext[sequences.Length];
        for (int i = 0; i < contexts.Length; i++) contexts[i] = batch.Sequences[sequences[i]].Sampling!.Value;
        return contexts;
    }

    public void Dispose()
    {
        _device.MakeCurrent();
        _driver.Synchronize(_stream);
        _graphs?.Dispose();
        _kvCache?.Dispose();
        _images.Clear();
        _images.Dispose();
        _encoder?.Dispose();
        _activations.Dispose();
        _weights.Dispose();
        _gemms.Dispose();
        _kernels.Dispose();
        _deviceSampler?.Dispose();
        _logitsHost.Dispose();
        _metadataHost.Dispose();
        _stepEnd.Dispose();
        _stepStart.Dispose();
        _stream.Dispose();
        _device.Dispose();
    }
}
