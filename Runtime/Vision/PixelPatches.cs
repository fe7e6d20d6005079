namespace QwenVL.Runtime.Vision;

/// <summary>
/// One preprocessed image as the vision tower takes it: <see cref="Values"/> is
/// [GridT·GridH·GridW, 3·temporal_patch·patch·patch], row by row in Hugging Face's order
/// (each 2×2 merge group of patches is contiguous).
/// </summary>
public sealed record PixelPatches(float[] Values, int GridT, int GridH, int GridW)
{
    public int PatchCount => GridT * GridH * GridW;

    /// <summary>How many &lt;|image_pad|&gt; tokens the image becomes after the merger joins merge×merge patches.</summary>
    public int TokenCount(int mergeSize) => PatchCount / (mergeSize * mergeSize);
}
