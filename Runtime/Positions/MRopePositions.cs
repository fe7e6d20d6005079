namespace QwenVL.Runtime.Positions;

/// <summary>
/// M-RoPE position ids (temporal, height, width), laid out plane-major as the executor takes them.
/// Text tokens carry the same id in all three planes; an image's tokens take (frame, row, column)
/// of its merged grid, offset by where the image starts, as transformers' get_rope_index does.
/// </summary>
public static class MRopePositions
{
    /// <summary>Ids for <paramref name="count"/> text tokens starting at <paramref name="start"/>.</summary>
    public static int[] ForText(int start, int count)
    {
        var ids = new int[3 * count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = ids[count + i] = ids[2 * count + i] = start + i;
        }
        return ids;
    }

    /// <summary>Takes the slice [from, from+count) of a plane-major id array of <paramref name="total"/> tokens.</summary>
    public static int[] Slice(int[] planeMajor, int total, int from, int count)
    {
        var ids = new int[3 * count];
        for (int p = 0; p < 3; p++)
            Array.Copy(planeMajor, p * total + from, ids, p * count, count);
        return ids;
    }

    /// <summary>
    /// Ids for a whole prompt whose images appear, in order, as runs of <paramref name="imageTokenId"/>;
    /// <paramref name="ropeDelta"/> is (largest id + 1) − prompt length, what decode positions add.
    /// </summary>
    public static int[] ForPrompt(ReadOnlySpan<int> tokens, IReadOnlyList<ImageGrid> images, int imageTokenId, int mergeSize, out int ropeDelta)
    {
        int n = tokens.Length, next = 0, i = 0, image = 0;
        var ids = new int[3 * n];
        while (i < n)
        {
            if (tokens[i] != imageTokenId)
            {
                ids[i] = ids[n + i] = ids[2 * n + i] = next++;
                i++;
                continue;
            }
            if (image >= images.Count)
                throw new ArgumentException($"the prompt has more image runs than the {images.Count} image(s) given");
            var grid = images[image++];
            int h = grid.H / mergeSize, w = grid.W / mergeSize, count = grid.T * h * w;
            if (i + count > n) throw new ArgumentException($"image {image} needs {count} image tokens; the prompt has {n - i} left");
            for (int k = 0; k < count; k++, i++)
            {
                if (tokens[i] != imageTokenId) throw new ArgumentException($"image {image} needs {count} image tokens; the run ends after {k}");
                ids[i] = next + k / (h * w);
                ids[n + i] = next + k / w % h;
                ids[2 * n + i] = next + k % w;
            }
            next += Math.Max(grid.T, Math.Max(h, w));
        }
        if (image != images.Count) throw new ArgumentException($"{images.Count} image(s) given but the prompt has {image} image run(s)");
        ropeDelta = next - n;
        return ids;
    }
}
