using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Vision;

/// <summary>
/// How several images share one pass of the vision tower. Their patches are concatenated row-wise, image after image,
/// and every frame of every image is its own attention segment (Hugging Face's cu_seqlens over the whole batch), so
/// no patch sees another image. An image's frames are whole merge windows, so the merger, which reads merge² rows at
/// a time, never joins two images: its output rows are image after image as well.
/// </summary>
public static class VisionPasses
{
    /// <summary>
    /// Splits <paramref name="images"/>, in order, into passes of at most <paramref name="maxPatches"/> patches: a pass
    /// takes the next image while the sum still fits, else the image opens the next pass. Appends each pass's range of
    /// image indices to <paramref name="passes"/>. An image larger than <paramref name="maxPatches"/> is an error.
    /// </summary>
    public static void Group(ReadOnlySpan<PixelPatches> images, int maxPatches, List<Range> passes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPatches);
        ArgumentNullException.ThrowIfNull(passes);
        int start = 0;
        long sum = 0;
        for (int i = 0; i < images.Length; i++)
        {
            int patches = images[i].PatchCount;
            if (patches > maxPatches)
                throw new ArgumentException($"image {i} has {patches} patches; the vision tower was sized for at most {maxPatches}", nameof(images));
            if (sum + patches > maxPatches)
            {
                passes.Add(start..i);
                start = i;
                sum = 0;
            }
            sum += patches;
        }
        if (start < images.Length) passes.Add(start..images.Length);
    }

    /// <summary>Writes each image's first row in the pass (the sum of the patches before it); returns the pass's patch count.</summary>
    public static int PatchOffsets(ReadOnlySpan<PixelPatches> images, Span<int> offsets)
    {
        if (offsets.Length < images.Length)
            throw new ArgumentException($"{offsets.Length} offsets for {images.Length} images", nameof(offsets));
        long sum = 0;
        for (int i = 0; i < images.Length; i++)
        {
            offsets[i] = checked((int)sum);
            sum += images[i].PatchCount;
        }
        return checked((int)sum);
    }

    /// <summary>
    /// Writes each image's first embedding row among the merger's outputs (its patch offset over merge²); returns the
    /// pass's token count. An image whose patches are not whole merge windows is an error: it would shift every image after it.
    /// </summary>
    public static int TokenOffsets(ReadOnlySpan<PixelPatches> images, int mergeSize, Span<int> offsets)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mergeSize);
        int window = mergeSize * mergeSize;
        for (int i = 0; i < images.Length; i++)
        {
            if (images[i].PatchCount % window != 0)
                throw new ArgumentException($"image {i} has {images[i].PatchCount} patches, not whole {mergeSize}x{mergeSize} windows", nameof(images));
        }
        int patches = PatchOffsets(images, offsets);
        for (int i = 0; i < images.Length; i++) offsets[i] /= window;
        return patches / window;
    }

    /// <summary>How many attention segments the pass has: one per frame of each image.</summary>
    public static int SegmentCount(ReadOnlySpan<PixelPatches> images)
    {
        int count = 0;
        foreach (var image in images) count += image.GridT;
        return count;
    }

    /// <summary>Writes the attention segments of the pass, every frame of every image in order; returns their count.</summary>
    public static int FrameSegments(ReadOnlySpan<PixelPatches> images, Span<int> lengths)
    {
        int count = SegmentCount(images);
        if (lengths.Length < count)
            throw new ArgumentException($"room for {lengths.Length} segments, the images have {count} frames", nameof(lengths));
        int next = 0;
        foreach (var image in images)
        {
            int frame = image.GridH * image.GridW;
            for (int t = 0; t < image.GridT; t++) lengths[next++] = frame;
        }
        return count;
    }
}
