using System.Runtime.InteropServices;
using System.Security.Cryptography;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Execution;

/// <summary>
/// Names an image by its content (the preprocessed patches and their grid), so the same picture in
/// two requests is encoded once and prefix-cache blocks that overlap it hash the same way.
/// </summary>
public readonly record struct ImageKey(string Hash)
{
    public static ImageKey Of(PixelPatches patches)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<int> grid = [patches.GridT, patches.GridH, patches.GridW];
        sha.AppendData(MemoryMarshal.AsBytes(grid));
        sha.AppendData(MemoryMarshal.AsBytes(patches.Values.AsSpan()));
        return new ImageKey(Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    public override string ToString() => Hash.Length > 12 ? Hash[..12] : Hash;
}
