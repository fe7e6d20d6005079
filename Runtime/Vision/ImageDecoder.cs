using SkiaSharp;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// Encoded bytes (JPEG, PNG, GIF, BMP, WebP) to RGB24 with SkiaSharp, giving the pixels PIL gives:
/// Skia and PIL both decode JPEG with libjpeg-turbo's defaults (measured: identical pixels), grey and palette
/// images expand to RGB, and images with transparency are composited onto white (<see cref="AlphaFlattening"/>).
/// Like PIL, Hugging Face and vLLM, it ignores EXIF orientation and embedded colour profiles; a GIF gives its first frame.
/// 16-bit PNG samples keep their high byte, as PIL's RGB/RGBA/LA modes do. Known differences from PIL: 16-bit grey
/// (PIL's "I;16" saturates every value above 255 when converted to RGB; we keep the high byte) and CMYK JPEGs
/// (converted by Skia's formula, not checked against PIL's).
/// </summary>
public static class ImageDecoder
{
    /// <summary>PIL refuses images above 2 × Image.MAX_IMAGE_PIXELS (DecompressionBombError); the same bound by default.</summary>
    public const long DefaultMaxPixels = 178_956_970;

    private const string Expected = "expected JPEG, PNG, GIF, BMP or WebP";

    public static RgbImage Decode(ReadOnlySpan<byte> encoded, long maxPixels = DefaultMaxPixels)
    {
        using var codec = Open(encoded);
        var (width, height) = SizeOf(codec);
        long pixels = (long)width * height;
        // Checked on the header's size before any pixel memory is allocated.
        if (pixels > maxPixels)
            throw new ImageDecodeException($"image is {width}x{height} = {pixels} pixels, more than the limit of {maxPixels}");
        if (pixels * 4 > Array.MaxLength)
            throw new ImageDecodeException($"image is {width}x{height}, too large to decode into one buffer");

        // Unpremultiplied, so colour channels keep their stored values under partial alpha; no colour space on the
        // destination, so Skia applies no colour transform (PIL ignores ICC profiles and gAMA too).
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[pixels * 4];
        var result = codec.GetPixels(info, rgba);
        switch (result)
        {
            case SKCodecResult.Success:
                return new RgbImage(width, height, AlphaFlattening.OntoWhite(rgba, (int)pixels));
            case SKCodecResult.IncompleteInput:
                // Skia fills the missing rows and carries on; PIL raises "image file is truncated". We refuse too.
                throw new ImageDecodeException($"{codec.EncodedFormat} data is truncated");
            case SKCodecResult.ErrorInInput:
            case SKCodecResult.InvalidInput:
                throw new ImageDecodeException($"{codec.EncodedFormat} data is corrupt ({result})");
            default:
                throw new ImageDecodeException($"cannot decode {codec.EncodedFormat} image: {result}");
        }
    }

    /// <summary>Width and height from the header alone; no pixel data is decoded.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> encoded)
    {
        using var codec = Open(encoded);
        return SizeOf(codec);
    }

    private static SKCodec Open(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
            throw new ImageDecodeException("image data is empty");
        using var data = SKData.CreateCopy(encoded);
        // The codec takes ownership of the stream (Skia deletes it itself when creation fails).
        using var stream = new SKMemoryStream(data);
        var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
        {
            if (result != SKCodecResult.Unimplemented && DeclaredImageSize.TryRead(encoded, out long width, out long height)
                && (width == 0 || height == 0))
                throw new ImageDecodeException($"image has zero size ({width}x{height})");
            throw new ImageDecodeException(result switch
            {
                // No decoder recognised the signature.
                SKCodecResult.Unimplemented => $"not an image in a supported format ({Expected})",
                SKCodecResult.IncompleteInput => "image data is truncated inside its header",
                _ => $"image header is invalid ({result})",
            });
        }
        if (!IsSupported(codec.EncodedFormat))
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            throw new ImageDecodeException($"unsupported image format {format} ({Expected})");
        }
        return codec;
    }

    private static (int Width, int Height) SizeOf(SKCodec codec)
    {
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageDecodeException($"image has zero size ({info.Width}x{info.Height})");
        return (info.Width, info.Height);
    }

    private static bool IsSupported(SKEncodedImageFormat format) => format is
        SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Gif or
        SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Webp;
}
