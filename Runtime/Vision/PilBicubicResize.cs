namespace QwenVL.Runtime.Vision;

/// <summary>
/// Pillow's <c>Image.resize(size, Image.BICUBIC)</c> for RGB images, bit for bit — what Hugging Face's PIL image
/// processor feeds the model. Follows src/libImaging/Resample.c: a separable filter (cubic convolution, a = -0.5)
/// whose support widens with the downscale factor, weights normalised per output pixel then rounded to fixed point,
/// a horizontal pass into a uint8 image holding only the rows the vertical pass reads, then the vertical pass.
/// Both passes round and clip to uint8, so the intermediate rounding is part of the result.
/// </summary>
public static class PilBicubicResize
{
    // 8 bits of result plus 2 bits of headroom for the negative lobes and overshoot of the filter, in an int.
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);
    private const double FixedPointOne = 1 << PrecisionBits;
    private const double BicubicSupport = 2.0;
    private const double A = -0.5;

    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        // Pillow returns a copy without resampling when the size is unchanged.
        if (width == source.Width && height == source.Height)
            return new RgbImage(width, height, (byte[])source.Pixels.Clone());

        var vertical = Taps.Compute(source.Height, height);
        int firstRow = vertical.Start[0];
        int endRow = vertical.Start[height - 1] + vertical.Count[height - 1];

        byte[] rows = source.Pixels;
        int rowsWidth = source.Width;
        if (width != source.Width)
        {
            var horizontal = Taps.Compute(source.Width, width);
            rows = ResampleRows(source.Pixels, source.Width, firstRow, endRow, horizontal, width);
            rowsWidth = width;
            // The intermediate starts at firstRow; Pillow shifts the vertical taps the same way.
            for (int i = 0; i < height; i++) vertical.Start[i] -= firstRow;
        }
        if (height == source.Height)
            return new RgbImage(width, height, rows);
        return new RgbImage(width, height, ResampleColumns(rows, rowsWidth, vertical, height));
    }

    private static byte[] ResampleRows(byte[] src, int srcWidth, int firstRow, int endRow, Taps taps, int outWidth)
    {
        var dst = new byte[(endRow - firstRow) * outWidth * RgbImage.Channels];
        for (int y = firstRow; y < endRow; y++)
        {
            int srcRow = y * srcWidth * RgbImage.Channels;
            int dstPos = (y - firstRow) * outWidth * RgbImage.Channels;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int r = Half, g = Half, b = Half;
                int weights = xx * taps.KernelSize;
                int p = srcRow + taps.Start[xx] * RgbImage.Channels;
                for (int x = 0; x < taps.Count[xx]; x++, p += RgbImage.Channels)
                {
                    int k = taps.Weights[weights + x];
                    r += src[p] * k;
                    g += src[p + 1] * k;
                    b += src[p + 2] * k;
                }
                dst[dstPos++] = Clip8(r);
                dst[dstPos++] = Clip8(g);
                dst[dstPos++] = Clip8(b);
            }
        }
        return dst;
    }

    private static byte[] ResampleColumns(byte[] src, int width, Taps taps, int outHeight)
    {
        int stride = width * RgbImage.Channels;
        var dst = new byte[outHeight * stride];
        for (int yy = 0; yy < outHeight; yy++)
        {
            int weights = yy * taps.KernelSize;
            int firstRow = taps.Start[yy] * stride;
            int dstRow = yy * stride;
            for (int i = 0; i < stride; i++)
            {
                int sum = Half;
                int p = firstRow + i;
                for (int y = 0; y < taps.Count[yy]; y++, p += stride)
                    sum += src[p] * taps.Weights[weights + y];
                dst[dstRow + i] = Clip8(sum);
            }
        }
        return dst;
    }

    // Pillow's clip8: drop the fraction bits (arithmetic shift, so negatives stay negative), then clamp to a byte.
    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    private static double Bicubic(double x)
    {
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * A;
        return 0.0;
    }

    /// <summary>For each output index: the first input index, how many inputs it reads and their fixed-point weights.</summary>
    private sealed class Taps
    {
        public required int KernelSize { get; init; }
        public required int[] Start { get; init; }
        public required int[] Count { get; init; }
        public required int[] Weights { get; init; }

        // Pillow's precompute_coeffs with the default box (0, 0, inSize) followed by normalize_coeffs_8bpc.
        // Every step keeps Pillow's double arithmetic and order so the rounded weights come out identical.
        public static Taps Compute(int inSize, int outSize)
        {
            // Pillow takes the box edges as C floats: (double)(in1 - in0) / outSize.
            double scale = (double)(float)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = BicubicSupport * filterScale;
            int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * kernelSize];
            var k = new double[kernelSize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                int xmin = (int)(center - support + 0.5);
                if (xmin < 0) xmin = 0;
                int xmax = (int)(center + support + 0.5);
                if (xmax > inSize) xmax = inSize;
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++)
                {
                    double w = Bicubic((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++)
                {
                    if (ww != 0.0) k[x] /= ww;
                    weights[xx * kernelSize + x] = k[x] < 0
                        ? (int)(-0.5 + k[x] * FixedPointOne)
                        : (int)(0.5 + k[x] * FixedPointOne);
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Taps { KernelSize = kernelSize, Start = start, Count = count, Weights = weights };
        }
    }
}
