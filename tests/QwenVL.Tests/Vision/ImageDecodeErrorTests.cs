using System.Buffers.Binary;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Vision;

public class ImageDecodeErrorTests
{
    [Fact]
    public void Empty_input_is_rejected()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([]));
        Assert.Contains("empty", e.Message);
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.ReadSize([]));
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_rejected()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode("this is plain text, not a picture"u8));
        Assert.Contains("not an image", e.Message);
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.ReadSize(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
    }

    [Fact]
    public void Formats_skia_knows_but_we_do_not_serve_are_rejected()
    {
        // An .ico holding one 1x1 PNG: directory header, one 16-byte entry, then the PNG at offset 22.
        var png = PngTestWriter.Write(1, 1, PngTestWriter.Grey, [9]);
        var ico = new byte[22 + png.Length];
        ico[2] = 1; // type: icon
        ico[4] = 1; // one image
        (ico[6], ico[7], ico[10], ico[12]) = (1, 1, 1, 32); // 1x1, one plane, 32 bits per pixel
        BinaryPrimitives.WriteInt32LittleEndian(ico.AsSpan(14), png.Length);
        BinaryPrimitives.WriteInt32LittleEndian(ico.AsSpan(18), 22);
        png.CopyTo(ico, 22);

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(ico));
        Assert.Contains("unsupported image format Ico", e.Message);
    }

    [Theory]
    [InlineData("grad_150x100.png")]
    [InlineData("photo_200x150.jpg")]
    public void Truncated_file_is_rejected(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", file));

        // The header survives, so the size is still readable; the pixel data does not.
        var half = bytes.AsSpan(0, bytes.Length / 2).ToArray();
        Assert.Equal(ImageDecoder.ReadSize(bytes), ImageDecoder.ReadSize(half));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(half));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void File_cut_inside_its_header_is_rejected()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", "grad_150x100.png"));

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, 20)));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Image_over_max_pixels_is_rejected()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", "grad_150x100.png"));

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, maxPixels: 150 * 100 - 1));
        Assert.Contains("more than the limit", e.Message);
        Assert.Equal(150 * 100 * 3, ImageDecoder.Decode(bytes, maxPixels: 150 * 100).Pixels.Length);
    }

    [Fact]
    public void Size_limit_is_checked_from_the_header_before_decoding()
    {
        // A header claiming 60000x60000 with only a few bytes of pixel data: the limit must fire, not the
        // truncation (which would mean the decoder ran) nor an allocation of 14 GB.
        var png = PngTestWriter.Write(60000, 60000, PngTestWriter.Grey, []);

        Assert.Equal((60000, 60000), ImageDecoder.ReadSize(png));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png));
        Assert.Contains("more than the limit", e.Message);
    }

    public static TheoryData<string, byte[]> ZeroSizeImages()
    {
        // No GIF here: a zero logical screen grows to the first frame's rectangle in Skia as in Pillow.
        var bmp = BmpTestWriter.Write(1, 1, [1, 2, 3]);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 0);
        return new()
        {
            { "png without columns", PngTestWriter.Write(0, 1, PngTestWriter.Grey, []) },
            { "png without rows", PngTestWriter.Write(1, 0, PngTestWriter.Grey, []) },
            { "bmp", bmp },
        };
    }

    [Theory]
    [MemberData(nameof(ZeroSizeImages))]
    public void Zero_size_image_is_rejected(string kind, byte[] encoded)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(encoded));
        Assert.True(e.Message.Contains("zero size"), $"{kind}: {e.Message}");
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.ReadSize(encoded));
    }
}
