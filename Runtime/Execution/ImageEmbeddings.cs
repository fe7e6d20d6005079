using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Execution;

/// <summary>An image's vision-tower output, [Tokens, Width]: one row per &lt;|image_pad|&gt; token, in order.</summary>
public sealed record ImageEmbeddings(float[] Values, int Tokens, int Width)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);
}

/// <summary>An image the step must run through the vision tower before its tokens are prefilled.</summary>
public sealed record ImageToEncode(ImageKey Key, PixelPatches Patches);

/// <summary>
/// Rows [FirstRow, FirstRow + Rows) of image <see cref="Key"/>'s embeddings replace the token embeddings
/// of this step's tokens [StepOffset, StepOffset + Rows): a prefill chunk may hold part of an image.
/// </summary>
public sealed record ImageSlice(int StepOffset, ImageKey Key, int FirstRow, int Rows);
