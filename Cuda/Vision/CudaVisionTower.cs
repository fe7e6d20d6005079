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
/// Per image: patch embedding (one matmul), then per block LayerNorm → qkv (+bias, 2-D rotary) → attention within
/// each frame → proj, residual; LayerNorm → fc1 → QuickGELU → fc2, residual; then the PatchMerger (LayerNorm, 2×2
/// windows joined, Linear, GELU, Linear).
/// Weights are uploaded once; activations live in one block sized for <see cref="MaxPatches"/> patches. All work is
/// queued on the stream given at construction, and the device's context must be current on the calling thread.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed unsafe class CudaVisionTower : IDisposable
{
    private const float NormEps = 1e-6f;
    private const int MaxCachedShapes = 16;

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
    private readonly int _patchIn;
    private readonly int _window;
    private bool _stagingBusy;

    /// <param name="device">The GPU; its context must be current on this thread.</param>
    /// <param name="stream">Where every copy and kernel of the tower is queued.</param>
    /// <param name="compiler">Compiles (or finds cached) the tower's kernels for the device.</param>
    /// <param name="checkpoint">The model's weights; read during construction only.</param>
    /// <param name="config">The vision tower's hyper-parameters.</param>
    /// <param name="maxPatches">The most patches (grid_t·grid_h·grid_w) of one image this tower will encode.</param>
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

    /// <summary>The most embedding rows one image can produce (<see cref="MaxPatches"/> / merge²).</summary>
    public int MaxTokens => _layout.MaxTokens;

    /// <summary>Bytes per embedding row: out_hidden bf16 values.</summary>
    public int OutputRowBytes => Config.OutHiddenSize * 2;

    public long WeightBytes => _weights.Bytes;

    public long ActivationBytes => _activations.Bytes;

    /// <summary>Runs the blocks' attention with the plain fp32 kernel instead of the tensor-core one (for checks).</summary>
    internal bool UseSimpleAttention { get; set; }

    /// <summary>When set, each encode records events between its stages here (for checks).</summary>
    internal VisionStageProfile? Profile { get; set; }

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
        Validate(image);
        if (destination % 2 != 0) throw new ArgumentException("the destination must be 2-byte aligned (bf16)", nameof(destination));
        var c = Config;
        int n = image.PatchCount, e = c.EmbedDim, tokens = n / _window, merged = e * _window;
        var gemms = GemmsFor(n);
        Mark(VisionStage.Input);
        int tileCount = Stage(image);

        ulong block = _activations.Address;
        ulong normed = block + (ulong)_layout.Normed, delta = block + (ulong)_layout.Delta, wide = block + (ulong)_layout.Wide;
        ulong residual = block + (ulong)_layout.Residual, pixels = block + (ulong)_layout.PixelsBf16;
        ulong workspace = block + (ulong)_layout.Workspace;
        long workspaceBytes = _layout.WorkspaceBytes;

        _elementwise.ToBf16(block + (ulong)_layout.PixelsF32, pixels, (long)n * _patchIn, _stream);
        Mark(VisionStage.Matmul);
        gemms.Patch.Run(pixels, _weights.PatchEmbed, delta, workspace, workspaceBytes, _stream);
        var (gamma, beta) = NormBefore(0);
        Mark(VisionStage.LayerNorm);
        _layerNorm.Launch(residual, delta, 0, gamma, beta, normed, n, e, accumulate: false, NormEps, _stream);
        for (int i = 0; i < c.Depth; i++)
        {
            var w = _weights.Blocks[i];
            Mark(VisionStage.Matmul);
            gemms.Qkv.Run(normed, w.Qkv, wide, workspace, workspaceBytes, _stream);
            Mark(VisionStage.Rotary);
            _rotary.Launch(wide, w.QkvBias, block + (ulong)_layout.Positions, _weights.InverseFrequency, n, e, _attention.HeadDim, _stream);
            Mark(VisionStage.Attention);
            _attention.Launch(wide, normed, block + (ulong)_layout.Tiles, tileCount, c.NumHeads, UseSimpleAttention, _stream);
            Mark(VisionStage.Matmul);
            gemms.Proj.Run(normed, w.Proj, delta, workspace, workspaceBytes, _stream);
            Mark(VisionStage.LayerNorm);
            _layerNorm.Launch(residual, delta, w.ProjBias, w.Norm2Weight, w.Norm2Bias, normed, n, e, accumulate: true, NormEps, _stream);
            Mark(VisionStage.Matmul);
            gemms.Fc1.Run(normed, w.Fc1, wide, workspace, workspaceBytes, _stream);
            Mark(VisionStage.Activation);
            _elementwise.BiasQuickGelu(wide, w.Fc1Bias, n, e * c.MlpRatio, _stream);
            Mark(VisionStage.Matmul);
            gemms.Fc2.Run(wide, w.Fc2, delta, workspace, workspaceBytes, _stream);
            (gamma, beta) = NormBefore(i + 1);
            Mark(VisionStage.LayerNorm);
            _layerNorm.Launch(residual, delta, w.Fc2Bias, gamma, beta, normed, n, e, accumulate: true, NormEps, _stream);
        }

        // The merger reads the normed rows four at a time: [n, e] is [n/4, 4e] in memory.
        Mark(VisionStage.Matmul);
        gemms.MergerFc1.Run(normed, _weights.MergerFc1, wide, workspace, workspaceBytes, _stream);
        Mark(VisionStage.Activation);
        _elementwise.BiasGelu(wide, _weights.MergerFc1Bias, tokens, merged, _stream);
        bool direct = destination % OutputAlignment == 0;
        ulong output = direct ? destination : block + (ulong)_layout.Output;
        Mark(VisionStage.Matmul);
        gemms.MergerFc2.Run(wide, _weights.MergerFc2, output, workspace, workspaceBytes, _stream);
        Mark(VisionStage.Activation);
        _elementwise.BiasAdd(output, _weights.MergerFc2Bias, tokens, c.OutHiddenSize, _stream);
        if (!direct) _driver.CopyDeviceToDeviceAsync(destination, output, (long)tokens * OutputRowBytes, _stream);
        Profile?.End(_stream);
    }

    /// <summary>Encodes one image into fp32 rows [tokens, out_hidden] at <paramref name="destination"/> (the decoder's image store), queued on the stream.</summary>
    public void EncodeF32(PixelPatches image, ulong destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ulong output = _activations.Address + (ulong)_layout.Output;
        Encode(image, output);
        _elementwise.ToF32(output, destination, (long)TokenCount(image) * Config.OutHiddenSize, _stream);
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
        var c = Config;
        double frame = (double)image.GridH * image.GridW;
        double attention = 4.0 * image.PatchCount * frame * c.EmbedDim * c.Depth;
        return GemmsFor(image.PatchCount).Flops(c.Depth) + attention;
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

    private void Mark(VisionStage stage) => Profile?.Mark(stage, _stream);

    /// <summary>The LayerNorm applied before block <paramref name="block"/>'s attention, or the merger's after the last block.</summary>
    private (ulong Gamma, ulong Beta) NormBefore(int block) =>
        block < Config.Depth
            ? (_weights.Blocks[block].Norm1Weight, _weights.Blocks[block].Norm1Bias)
            : (_weights.MergerNormWeight, _weights.MergerNormBias);

    /// <summary>Writes the pixels, positions and attention tiles into the pinned buffer and queues their copies.</summary>
    private int Stage(PixelPatches image)
    {
        // The copies queued by the last call read the pinned buffer asynchronously: wait until they are done.
        if (_stagingBusy) _driver.Synchronize(_stagingCopied);
        int n = image.PatchCount;
        var host = (byte*)_staging.Pointer;
        long pixelBytes = (long)n * _patchIn * 4, positionBytes = n * 2L * 4;
        image.Values.AsSpan(0, n * _patchIn).CopyTo(new Span<float>(host + _layout.PixelsF32, n * _patchIn));
        VisionPatchPositions.Fill(image.GridT, image.GridH, image.GridW, Config.SpatialMergeSize, new Span<int>(host + _layout.Positions, 2 * n));
        var tiles = new Span<int>(host + _layout.Tiles, _layout.MaxTiles * AttentionTiles.Stride);
        int tileCount = AttentionTiles.FillForFrames(image.GridT, image.GridH * image.GridW, tiles);

        ulong block = _activations.Address;
        _driver.CopyHostToDeviceAsync(block + (ulong)_layout.PixelsF32, host + _layout.PixelsF32, pixelBytes, _stream);
        _driver.CopyHostToDeviceAsync(block + (ulong)_layout.Positions, host + _layout.Positions, positionBytes, _stream);
        _driver.CopyHostToDeviceAsync(block + (ulong)_layout.Tiles, host + _layout.Tiles, tileCount * AttentionTiles.Stride * 4L, _stream);
        _driver.Record(_stagingCopied, _stream);
        _stagingBusy = true;
        return tileCount;
    }

    private VisionGemms GemmsFor(int patches)
    {
        if (_gemms.TryGetValue(patches, out var gemms)) return gemms;
        if (_gemms.Count >= MaxCachedShapes)
        {
            // Queued matmuls do not need their plans any more, but wait so nothing in flight could.
            _driver.Synchronize(_stream);
            foreach (var old in _gemms.Values) old.Dispose();
            _gemms.Clear();
        }
        gemms = new VisionGemms(CuBlasLt.Shared, _lt, Config, patches, _layout.WorkspaceBytes);
        _gemms.Add(patches, gemms);
        return gemms;
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
