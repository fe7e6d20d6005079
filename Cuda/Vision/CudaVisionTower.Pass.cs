using QwenVL.Cuda.Interop;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Vision;

public sealed unsafe partial class CudaVisionTower
{
    /// <summary>
    /// Queues one pass over <paramref name="images"/> (checked by <c>Prepare</c>, <paramref name="patches"/> rows in
    /// all): the merger's bf16 rows [patches / merge², out_hidden], image after image, land at <paramref name="output"/>.
    /// </summary>
    private void RunPass(ReadOnlySpan<PixelPatches> images, int patches, ulong output)
    {
        var c = Config;
        int n = patches, e = c.EmbedDim, tokens = n / _window, merged = e * _window;
        var gemms = GemmsFor(n);
        Mark(VisionStage.Input);
        int tileCount = Stage(images, n);

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
            (AttentionOverride ?? _attention).Launch(wide, normed, block + (ulong)_layout.Tiles, tileCount, c.NumHeads, _stream);
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

        // The merger reads the normed rows four at a time: [n, e] is [n/4, 4e] in memory. Every image starts on a
        // multiple of four rows, so no merged row mixes two images.
        Mark(VisionStage.Matmul);
        gemms.MergerFc1.Run(normed, _weights.MergerFc1, wide, workspace, workspaceBytes, _stream);
        Mark(VisionStage.Activation);
        _elementwise.BiasGelu(wide, _weights.MergerFc1Bias, tokens, merged, _stream);
        Mark(VisionStage.Matmul);
        gemms.MergerFc2.Run(wide, _weights.MergerFc2, output, workspace, workspaceBytes, _stream);
        Mark(VisionStage.Activation);
        _elementwise.BiasAdd(output, _weights.MergerFc2Bias, tokens, c.OutHiddenSize, _stream);
    }

    private void Mark(VisionStage stage) => Profile?.Mark(stage, _stream);

    /// <summary>The LayerNorm applied before block <paramref name="block"/>'s attention, or the merger's after the last block.</summary>
    private (ulong Gamma, ulong Beta) NormBefore(int block) =>
        block < Config.Depth
            ? (_weights.Blocks[block].Norm1Weight, _weights.Blocks[block].Norm1Bias)
            : (_weights.MergerNormWeight, _weights.MergerNormBias);

    /// <summary>
    /// Writes the pass's pixels and positions (image after image, at <see cref="_patchOffsets"/>) and its attention
    /// tiles (one segment per frame) into the pinned buffer and queues their copies; returns the number of tiles.
    /// </summary>
    private int Stage(ReadOnlySpan<PixelPatches> images, int n)
    {
        // The copies queued by the last call read the pinned buffer asynchronously: wait until they are done.
        if (_stagingBusy) _driver.Synchronize(_stagingCopied);
        var host = (byte*)_staging.Pointer;
        long pixelBytes = (long)n * _patchIn * 4, positionBytes = n * 2L * 4;
        var pixels = new Span<float>(host + _layout.PixelsF32, n * _patchIn);
        var positions = new Span<int>(host + _layout.Positions, 2 * n);
        int merge = Config.SpatialMergeSize;
        for (int i = 0; i < images.Length; i++)
        {
            var image = images[i];
            int first = _patchOffsets[i], count = image.PatchCount;
            image.Values.AsSpan(0, count * _patchIn).CopyTo(pixels[(first * _patchIn)..]);
            VisionPatchPositions.Fill(image.GridT, image.GridH, image.GridW, merge, positions.Slice(2 * first, 2 * count));
        }
        int segments = VisionPasses.FrameSegments(images, _segments);
        var tiles = new Span<int>(host + _layout.Tiles, _layout.MaxTiles * AttentionTiles.Stride);
        int tileCount = AttentionTiles.Fill(_segments.AsSpan(0, segments), tiles);

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
}
