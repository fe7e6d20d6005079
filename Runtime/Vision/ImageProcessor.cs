using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// Hugging Face's Qwen2VLImageProcessor with the PIL backend, for one still image: <see cref="SmartResize"/>,
/// <see cref="PilBicubicResize"/>, rescale by 1/255, normalise with the config's mean and std, then cut into patches
/// in the order the vision tower reads them.
/// </summary>
public sealed class ImageProcessor
{
    private readonly PreprocessorConfig _config;

    // What each stored byte value of each channel becomes, [channel * 256 + value]. The input is uint8, so a table
    // computed once with HF's exact arithmetic stands in for per-pixel maths.
    private readonly float[] _normalized;

    public ImageProcessor(PreprocessorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.PatchSize <= 0 || config.MergeSize <= 0 || config.TemporalPatchSize <= 0)
            throw new ArgumentException("patch_size, merge_size and temporal_patch_size must be positive", nameof(config));
        if (config.ImageMean.Length != RgbImage.Channels || config.ImageStd.Length != RgbImage.Channels)
            throw new ArgumentException("image_mean and image_std must hold one value per RGB channel", nameof(config));
        _config = config;
        _normalized = NormalizationTable(config.ImageMean, config.ImageStd);
    }

    /// <param name="minPixels">This image's lower pixel bound instead of the config's (as HF's min_pixels kwarg).</param>
    /// <param name="maxPixels">This image's upper pixel bound instead of the config's (as HF's max_pixels kwarg).</param>
    public PixelPatches Preprocess(RgbImage image, int? minPixels = null, int? maxPixels = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        int min = minPixels ?? _config.MinPixels;
        int max = maxPixels ?? _config.MaxPixels;
        if (min <= 0 || max < min)
            throw new ArgumentException($"pixel bounds must satisfy 0 < min_pixels <= max_pixels, got {min} and {max}");

        int patch = _config.PatchSize;
        var (height, width) = SmartResize.Compute(image.Height, image.Width, patch * _config.MergeSize, min, max);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"a {image.Width}x{image.Height} image resizes to nothing under these pixel bounds");
        var resized = PilBicubicResize.Resize(image, width, height);
        return Patchify(resized);
    }

    /// <summary>
    /// HF repeats a still image to temporal_patch_size frames, reshapes to
    /// (grid_t, temporal, C, grid_h/merge, merge, patch, grid_w/merge, merge, patch), transposes to
    /// (grid_t, grid_h/merge, grid_w/merge, merge, merge, C, temporal, patch, patch) and flattens to
    /// (grid_t·grid_h·grid_w, C·temporal·patch·patch). This writes each element straight to its place in that layout.
    /// </summary>
    private PixelPatches Patchify(RgbImage image)
    {
        int patch = _config.PatchSize;
        int merge = _config.MergeSize;
        int temporal = _config.TemporalPatchSize;
        int gridH = image.Height / patch;
        int gridW = image.Width / patch;
        int patchLength = RgbImage.Channels * temporal * patch * patch;
        var values = new float[gridH * gridW * patchLength];
        byte[] pixels = image.Pixels;

        int index = 0;
        for (int blockRow = 0; blockRow < gridH / merge; blockRow++)
        for (int blockCol = 0; blockCol < gridW / merge; blockCol++)
        for (int mergeRow = 0; mergeRow < merge; mergeRow++)
        for (int mergeCol = 0; mergeCol < merge; mergeCol++)
        {
            int top = (blockRow * merge + mergeRow) * patch;
            int left = (blockCol * merge + mergeCol) * patch;
            for (int c = 0; c < RgbImage.Channels; c++)
            {
                int frameStart = index;
                for (int y = 0; y < patch; y++)
                {
                    int p = ((top + y) * image.Width + left) * RgbImage.Channels + c;
                    for (int x = 0; x < patch; x++, p += RgbImage.Channels)
                        values[index++] = _normalized[c * 256 + pixels[p]];
                }
                // The other frames of a still image are copies of the first.
                int frameLength = patch * patch;
                for (int t = 1; t < temporal; t++, index += frameLength)
                    Array.Copy(values, frameStart, values, index, frameLength);
            }
        }
        return new PixelPatches(values, GridT: 1, gridH, gridW);
    }

    /// <summary>
    /// HF's rescale computes value * (1/255) in float64 and casts to float32; normalize then computes
    /// (x - mean) / std in float32 with mean and std cast to float32. Each step is reproduced in that precision.
    /// </summary>
    private static float[] NormalizationTable(float[] mean, float[] std)
    {
        const double rescaleFactor = 1.0 / 255;
        var table = new float[RgbImage.Channels * 256];
        for (int c = 0; c < RgbImage.Channels; c++)
        for (int v = 0; v < 256; v++)
        {
            float rescaled = (float)(v * rescaleFactor);
            table[c * 256 + v] = (rescaled - mean[c]) / std[c];
        }
        return table;
    }
}
