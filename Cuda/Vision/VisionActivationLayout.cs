using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Vision;

/// <summary>
/// Where the vision tower's per-call buffers lie inside its one activation block, sized for passes of up to
/// <see cref="MaxPatches"/> patches (one image, or several concatenated). The block starts with the staged inputs (fp32 pixel values, patch positions,
/// attention tiles), laid out exactly as in the pinned host buffer they are copied from. Offsets are bytes from the
/// block's start, each aligned to <see cref="DeviceArena.DefaultAlignment"/>.
/// </summary>
public sealed record VisionActivationLayout
{
    /// <summary>What cuBLASLt may use as workspace (its recommendation for Hopper).</summary>
    public const long DefaultWorkspaceBytes = 32L << 20;

    public required int MaxPatches { get; init; }

    public required int MaxTokens { get; init; }

    public required int MaxTiles { get; init; }

    /// <summary>fp32 [patches, C·T·P·P]: the pixel patches as given.</summary>
    public required long PixelsF32 { get; init; }

    /// <summary>int32 (row, column) per patch.</summary>
    public required long Positions { get; init; }

    /// <summary>int32 triples, see <see cref="AttentionTiles"/>.</summary>
    public required long Tiles { get; init; }

    /// <summary>Bytes of the staged inputs (from offset 0), also the size of the pinned host buffer.</summary>
    public required long StagedBytes { get; init; }

    /// <summary>bf16 [patches, C·T·P·P]: the patch embedding's matmul input.</summary>
    public required long PixelsBf16 { get; init; }

    /// <summary>fp32 [patches, width]: the residual stream.</summary>
    public required long Residual { get; init; }

    /// <summary>bf16 [patches, width]: LayerNorm outputs, then the attention output.</summary>
    public required long Normed { get; init; }

    /// <summary>bf16 [patches, width]: the outputs of the patch embedding, proj and fc2, before the residual add.</summary>
    public required long Delta { get; init; }

    /// <summary>bf16 [patches, <see cref="WideColumns"/>]: qkv, then the MLP hidden, then the merger's hidden.</summary>
    public required long Wide { get; init; }

    public required int WideColumns { get; init; }

    /// <summary>bf16 [tokens, out_hidden]: the merger's rows when they do not go straight to the caller (fp32 and host encodes).</summary>
    public required long Output { get; init; }

    public required long Workspace { get; init; }

    public required long WorkspaceBytes { get; init; }

    public required long TotalBytes { get; init; }

    public static VisionActivationLayout Plan(VisionConfig config, int maxPatches, long workspaceBytes = DefaultWorkspaceBytes)
    {
        ArgumentNullException.ThrowIfNull(config);
        int window = config.SpatialMergeSize * config.SpatialMergeSize;
        if (maxPatches < window || maxPatches % window != 0)
            throw new ArgumentOutOfRangeException(nameof(maxPatches), maxPatches, $"a positive multiple of {window} (one merge window)");
        ArgumentOutOfRangeException.ThrowIfNegative(workspaceBytes);
        long n = maxPatches, e = config.EmbedDim;
        int patchIn = config.InChannels * config.TemporalPatchSize * config.PatchSize * config.PatchSize;
        int wide = (int)Math.Max(3 * e, e * config.MlpRatio);
        // A frame holds whole merge windows, so no segment is shorter than one window.
        int maxTiles = AttentionTiles.MaxCount(maxPatches, Math.Min(window, AttentionTiles.QueriesPerTile / 2));

        var arena = new DeviceArena(long.MaxValue);
        long pixelsF32 = arena.Allocate(n * patchIn * 4);
        long positions = arena.Allocate(n * 2 * 4);
        long tiles = arena.Allocate((long)maxTiles * AttentionTiles.Stride * 4);
        long staged = arena.Used;
        return new VisionActivationLayout
        {
            MaxPatches = maxPatches,
            MaxTokens = maxPatches / window,
            MaxTiles = maxTiles,
            PixelsF32 = pixelsF32,
            Positions = positions,
            Tiles = tiles,
            StagedBytes = staged,
            PixelsBf16 = arena.Allocate(n * patchIn * 2),
            Residual = arena.Allocate(n * e * 4),
            Normed = arena.Allocate(n * e * 2),
            Delta = arena.Allocate(n * e * 2),
            Wide = arena.Allocate(n * wide * 2),
            WideColumns = wide,
            Output = arena.Allocate((long)(maxPatches / window) * config.OutHiddenSize * 2),
            Workspace = arena.Allocate(workspaceBytes),
            WorkspaceBytes = workspaceBytes,
            TotalBytes = arena.Used,
        };
    }
}
