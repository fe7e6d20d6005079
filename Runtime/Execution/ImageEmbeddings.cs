namespace QwenVL.Runtime.Execution;

/// <summary>An image's vision-tower output, [Tokens, Width]: one row per &lt;|image_pad|&gt; token, in order.</summary>
public sealed record ImageEmbeddings(float[] Values, int Tokens, int Width)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);
}

/// <summary>
/// Rows [FirstRow, FirstRow + Rows) of an image's embeddings replace the token embeddings of this
/// step's tokens [StepOffset, StepOffset + Rows): a prefill chunk may hold part of an image.
/// </summary>
public sealed record ImageSlice(int StepOffset, ImageEmbeddings Embeddings, int FirstRow, int Rows);
