using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Vision;

/// <summary>
/// Qwen2-VL's vision encoder on the GPU: the function of <see cref="Runtime.Cpu.CpuVisionTower"/> with bf16 weights and
/// matmul operands, fp32 accumulation, an fp32 residual stream and fp32 LayerNorm/softmax arithmetic.
/// Per pass: patch embedding (one matmul), then per block LayerNorm → qkv (+bias, 2-D rotary) → attention within
/// each frame → proj, residual; LayerNorm → fc1 → QuickGELU → fc2, residual; then the PatchMerger (LayerNorm, 2×2
/// windows joined, Linear, GELU, Linear). A pass encodes one image or several with their patches concatenated
/// (<see cref="VisionPasses"/>), so the matmuls of a step's new images run once on all their rows.
/// Weights are uploaded once; activations live in one block sized for <see cref="MaxPatches"/> patches. All work is
/// queued on the stream given at construction, and the device's context must be current on the calling thread.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed unsafe partial class CudaVisionTower : IDisposable
{
    private const float NormEps = 1e-6f;

    /// <summary>
    /// Row counts with matmul plans kept: a pass's count is the sum of its images' patches, so batches bring more
    /// shapes than single images; a plan is a few small host objects, and dropping them all waits for the stream.
    /// </summary>
    private const int MaxCachedShapes = 64;

    /// <summary>cuBLASLt's chosen algorithms assume 256-byte aligned operands unless told otherwise.</summary>
    private const int OutputAlignment = 256;

    private readonly CudaDriver _driver;
    private readonly CudaStreamHandle _stream;
    private readonly CublasLtHandle _lt;
    private readonly List<CudaModuleHandle> _modules = [];
    private readonly ResidualLayerNormKernel _layerNorm;
    private readonly QkvRotaryKernel _rotary;
    private readonly VisionAttentionKernel _attention;
    private readonly VisionElementwiseKernels _elementwise;
    private readonly VisionDeviceWeights _weights;
    private readonly VisionActivationLayout _layout;
    private readonly DeviceBlock _activations;
    private readonly PinnedHostMemoryHandle _staging;
    private readonly CudaEventHandle _stagingCopied;
    private readonly Dictionary<int, VisionGemms> _gemms = [];

    // Per pass, indexed by image; sized for the most images a pass can hold (one merge window each).
    private readonly int[] _patchOffsets;
    private readonly int[] _tokenOffsets;

    /// <summary>The attention segments of a pass (one per frame, at least one merge window each).</summary>
    private readonly int[] _segments;
    private readonly int _patchIn;
    private readonly int _window;
    private bool _stagingBusy;

    /// <param name="device">The GPU; its context must be current on this thread.</param>
    /// <param name="stream">Where every copy and kernel of the tower is queued.</param>
    /// <param name="compiler">Compiles (or finds cached) the tower's kernels for the device.</param>
    /// <param name="checkpoint">The model's weights; read during construction only.</param>
    /// <param name="config">The vision tower's hyper-parameters.</param>
    /// <param name="maxPatches">
    /// The most patches (grid_t·grid_h·grid_w) one pass encodes: the largest image, and the sum of the images encoded together.
    /// </param>
    public CudaVisionTower(
        CudaDevice device, CudaStreamHandle stream, KernelCompiler compiler, SafetensorsCheckpoint checkpoint, VisionConfig config, int maxPatches)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        int headDim = config.EmbedDim / config.NumHeads;
        if (!VisionAttentionKernel.IsSupported(headDim))
            throw new NotSupportedException($"vision head dim {headDim} (width {config.EmbedDim} / {config.NumHeads} heads) has no attention kernel");
        Config = config;
        _driver = device.Driver;
        _stream = stream;
        _window = config.SpatialMergeSize * config.SpatialMergeSize;
        _patchIn = config.InChannels * config.TemporalPatchSize * config.PatchSize * config.PatchSize;
        _layout = VisionActivationLayout.Plan(config, maxPatches);
        _patchOffsets = new int[_layout.MaxTokens];
        _tokenOffsets = new int[_layout.MaxTokens];
        _segments = new int[_layout.MaxTokens];
        try
        {
            _layerNorm = new ResidualLayerNormKernel(_driver, Load(compiler, KernelSources.VisionLayerNorm));
            _rotary = new QkvRotaryKernel(_driver, Load(compiler, KernelSources.VisionRotary));
            _attention = new VisionAttentionKernel(_driver, Load(compiler, KernelSources.VisionAttention), headDim);
            _elementwise = new VisionElementwiseKernels(_driver, Load(compiler, KernelSources.VisionElementwise));
            _lt = CuBlasLt.Shared.Create();
            _weights = VisionDeviceWeights.Upload(_driver, stream, checkpoint, config);
            _activations = new DeviceBlock(_driver, _layout.TotalBytes);
            _staging = _driver.AllocateHost(_layout.StagedBytes);
            _stagingCopied = _driver.CreateEvent(timing: false);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public VisionConfig Config { get; }

    public int MaxPatches => _layout.MaxPatches;

    /// <summary>The most embedding rows one pass can produce (<see cref="MaxPatches"/> / merge²).</summary>
    public int MaxTokens => _layout.MaxTokens;

    /// <summary>Bytes per embedding row: out_hidden bf16 values.</summary>
    public int OutputRowBytes => Config.OutHiddenSize * 2;

    public long WeightBytes => _weights.Bytes;

    public long ActivationBytes => _activations.Bytes;

    /// <summary>When set, the blocks' attention runs this kernel instead of the tensor-core one (checks compare the two).</summary>
    internal IVisionAttention? AttentionOverride { get; set; }

    /// <summary>The head dimension the blocks' attention is launched for.</summary>
    internal int AttentionHeadDim => _attention.HeadDim;

    /// <summary>When set, told where each stage of an encode begins (the checks time the stages through it).</summary>
    internal IVisionStageObserver? Profile { get; set; }

    /// <summary>How many embedding rows (&lt;|image_pad|&gt; tokens) the image becomes.</summary>
    public int TokenCount(PixelPatches image) => image.PatchCount / _window;

    /// <summary>
    /// Queues the encoding of one image: its embeddings, bf16 [<see cref="TokenCount"/>, out_hidden] row-major, land at
    /// <paramref name="destination"/> (a device address) once the stream reaches this point. A destination aligned to
    /// 256 bytes is written directly by the last matmul; any other goes through the tower's own buffer and one copy.
    /// Returns once the work is queued; the image's values have been copied by then.
    /// </summary>
    public void Encode(PixelPatches image, ulong destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination % 2 != 0) throw new ArgumentException("the destination must be 2-byte aligned (bf16)", nameof(destination));
        var images = new ReadOnlySpan<PixelPatches>(in image);
        int patches = Prepare(images);
        bool direct = destination % OutputAlignment == 0;
        ulong output = direct ? destination : _activations.Address + (ulong)_layout.Output;
        RunPass(images, patches, output);
        if (!direct) _driver.CopyDeviceToDeviceAsync(destination, output, (long)TokenCount(image) * OutputRowBytes, _stream);
        Profile?.End(_stream);
    }

    /// <summary>Encodes one image into fp32 rows [tokens, out_hidden] at <paramref name="destination"/> (the decoder's image store), queued on the stream.</summary>
    public void EncodeF32(PixelPatches image, ulong destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        EncodeBatchF32(new ReadOnlySpan<PixelPatches>(in image), new ReadOnlySpan<ulong>(in destination));
    }

    /// <summary>
    /// Encodes several images in one pass, their patches (at most <see cref="MaxPatches"/> together) concatenated so
    /// every matmul runs once with all their rows; each image attends only within its own frames. Image i's fp32 rows
    /// [tokens_i, out_hidden] land at <paramref name="destinations"/>[i], queued on the stream; the images' values
    /// have been copied when this returns. The result per image is that of encoding it alone, up to the rounding of
    /// the matmul algorithm cuBLASLt picks for the larger row count.
    /// </summary>
    public void EncodeBatchF32(ReadOnlySpan<PixelPatches> images, ReadOnlySpan<ulong> destinations)
    {
        if (images.Length != destinations.Length)
            throw new ArgumentException($"{images.Length} images but {destinations.Length} destinations", nameof(destinations));
        if (images.Length == 0) return;
        foreach (var destination in destinations)
        {
            if (destination % sizeof(float) != 0) throw new ArgumentException("every destination must be 4-byte aligned (fp32)", nameof(destinations));
        }
        int patches = Prepare(images);
        ulong output = _activations.Address + (ulong)_layout.Output;
        RunPass(images, patches, output);
        int hidden = Config.OutHiddenSize;
        for (int i = 0; i < images.Length; i++)
        {
            ulong rows = output + (ulong)_tokenOffsets[i] * (ulong)OutputRowBytes;
            _elementwise.ToF32(rows, destinations[i], (long)TokenCount(images[i]) * hidden, _stream);
        }
        Profile?.End(_stream);
    }

    /// <summary>Encodes one image and waits for it: the embeddings [tokens, out_hidden] widened from bf16 to float.</summary>
    public float[] EncodeToHost(PixelPatches image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ulong output = _activations.Address + (ulong)_layout.Output;
        Encode(image, output);
        var bits = new ushort[TokenCount(image) * Config.OutHiddenSize];
        DeviceCopy.Download<ushort>(_driver, _stream, bits, output);
        var result = new float[bits.Length];
        BFloat16.ToSingle(bits, result);
        return result;
    }

    /// <summary>Floating-point operations of the matmuls and attention for an image of this shape.</summary>
    public double Flops(PixelPatches image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Flops(new ReadOnlySpan<PixelPatches>(in image));
    }

    /// <summary>Floating-point operations of one pass over these images: the matmuls on all their rows, attention per frame.</summary>
    public double Flops(ReadOnlySpan<PixelPatches> images)
    {
        var c = Config;
        double attention = 0;
        int patches = 0;
        foreach (var image in images)
        {
            attention += 4.0 * image.PatchCount * ((double)image.GridH * image.GridW) * c.EmbedDim * c.Depth;
            patches += image.PatchCount;
        }
        return patches == 0 ? 0 : GemmsFor(patches).Flops(c.Depth) + attention;
    }

    /// <summary>
    /// Checks the images and that they fit one pass, and fills <see cref="_patchOffsets"/> and <see cref="_tokenOffsets"/>;
    /// returns the pass's patch count.
    /// </summary>
    private int Prepare(ReadOnlySpan<PixelPatches> images)
    {
        long total = 0;
        foreach (var image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            Validate(image);
            total += image.PatchCount;
        }
        if (total > MaxPatches)
            throw new ArgumentException($"the {images.Length} images have {total} patches together; this tower was sized for at most {MaxPatches} in one pass", nameof(images));
        VisionPasses.TokenOffsets(images, Config.SpatialMergeSize, _tokenOffsets);
        return VisionPasses.PatchOffsets(images, _patchOffsets);
    }

    private void Validate(PixelPatches image)
    {
        int merge = Config.SpatialMergeSize, n = image.PatchCount;
        if (image.GridT <= 0 || image.GridH <= 0 || image.GridW <= 0 || image.GridH % merge != 0 || image.GridW % merge != 0)
            throw new ArgumentException($"grid {image.GridT}x{image.GridH}x{image.GridW} does not split into {merge}x{merge} windows", nameof(image));
        if (n > MaxPatches)
            throw new ArgumentException($"the image has {n} patches; this tower was sized for at most {MaxPatches}", nameof(image));
        if (image.Values.Length != (long)n * _patchIn)
            throw new ArgumentException($"the image holds {image.Values.Length} values, {n} patches of {_patchIn} need {(long)n * _patchIn}", nameof(image));
    }

    private CudaModuleHandle Load(KernelCompiler compiler, string file)
    {
        var module = _driver.LoadModule(compiler.Compile(file).Cubin);
        _modules.Add(module);
        return module;
    }

    public void Dispose()
    {
        // Freeing memory that queued work still uses would be a fault: let the stream drain first.
        try
        {
            if (_activations is not null) _driver.Synchronize(_stream);
        }
        catch (CudaException)
        {
            // The stream failed earlier; its error was reported where it happened.
        }
        foreach (var gemms in _gemms.Values) gemms.Dispose();
        _gemms.Clear();
        _stagingCopied?.Dispose();
        _staging?.Dispose();
        _activations?.Dispose();
        _weights?.Dispose();
        _lt?.Dispose();
        foreach (var module in _modules) module.Dispose();
        _modules.Clear();
    }
}
