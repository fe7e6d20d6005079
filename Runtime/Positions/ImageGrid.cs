namespace QwenVL.Runtime.Positions;

/// <summary>An image's patch grid: frames × rows × columns of 14-pixel patches, before merging.</summary>
public readonly record struct ImageGrid(int T, int H, int W)
{
    public int TokenCount(int mergeSize) => T * H * W / (mergeSize * mergeSize);
}
