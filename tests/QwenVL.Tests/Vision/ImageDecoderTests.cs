using System.Security.Cryptography;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using SkiaSharp;
using Xunit;

namespace QwenVL.Tests.Vision;

public class ImageDecoderTests
{
    [Theory]
    [InlineData("grad_150x100.png", 150, 100)]
    [InlineData("wide_320x96.png", 320, 96)]
    [InlineData("small_30x40.png", 30, 40)]
    [InlineData("tall_90x260.png", 90, 260)]
    [InlineData("photo_200x150.jpg", 200, 150)]
    public void ReadSize_and_Decode_agree_on_each_fixture_image(string file, int width, int height)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", file));

        Assert.Equal((width, height), ImageDecoder.ReadSize(bytes));
        var image = ImageDecoder.Decode(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(width * height * 3, image.Pixels.Length);
    }

    [Fact]
    public void Rgba_png_is_composited_onto_white()
    {
        byte[] rgba =
        [
            200, 100, 50, 128,   // half transparent
            10, 20, 30, 255,     // opaque: unchanged
            0, 0, 0, 0,          // fully transparent black: white
            255, 0, 255, 1,      // almost transparent
        ];
        var png = EncodeWithSkia(2, 2, rgba, pixmap => pixmap.Encode(SKPngEncoderOptions.Default));

        var image = ImageDecoder.Decode(png);

        // round((255·(255 − a) + c·a) / 255): 200,100,50 at a=128 -> 57985/255, 45185/255, 38785/255.
        Assert.Equal(new byte[] { 227, 177, 152, 10, 20, 30, 255, 255, 255, 255, 254, 255 }, image.Pixels);
    }

    [Fact]
    public void Compositing_matches_pillow_paste_for_every_channel_and_alpha()
    {
        // Pillow 12.3: Image.new("RGB", (256, 256), white).paste(rgba, mask=alpha) with channel = column, alpha = row.
        var table = new byte[256 * 256];
        for (int a = 0; a < 256; a++)
        for (int c = 0; c < 256; c++)
            table[a * 256 + c] = AlphaFlattening.Blend(c, a);

        Assert.Equal("daffe4105f538143f578aac1659ef63cff348732e043f66f90c73519d83f8c1b",
            Convert.ToHexStringLower(SHA256.HashData(table)));
    }

    [Fact]
    public void Grey_png_expands_to_three_equal_channels()
    {
        var png = PngTestWriter.Write(3, 1, PngTestWriter.Grey, [77, 0, 255]);

        Assert.Equal(new byte[] { 77, 77, 77, 0, 0, 0, 255, 255, 255 }, ImageDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Grey_alpha_png_expands_and_composites_onto_white()
    {
        var png = PngTestWriter.Write(3, 1, PngTestWriter.GreyAlpha, [77, 255, 77, 0, 77, 128]);

        // 255·127 + 77·128 = 42241 -> 166. PIL's convert("RGB") alone (HF) would give 77 for all three.
        Assert.Equal(new byte[] { 77, 77, 77, 255, 255, 255, 166, 166, 166 }, ImageDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Palette_png_gives_palette_colours_and_transparent_entries_turn_white()
    {
        byte[] palette = [255, 0, 0, 0, 128, 255, 10, 20, 30];
        var opaque = PngTestWriter.Write(4, 1, PngTestWriter.Palette, [2, 0, 1, 2], palette);
        var withTrns = PngTestWriter.Write(4, 1, PngTestWriter.Palette, [2, 0, 1, 2], palette, transparency: [255, 0]);

        Assert.Equal(new byte[] { 10, 20, 30, 255, 0, 0, 0, 128, 255, 10, 20, 30 }, ImageDecoder.Decode(opaque).Pixels);
        // tRNS gives entry 1 alpha 0 (entries past its end stay opaque), so vLLM-style compositing makes it white.
        Assert.Equal(new byte[] { 10, 20, 30, 255, 0, 0, 255, 255, 255, 10, 20, 30 }, ImageDecoder.Decode(withTrns).Pixels);
    }

    [Fact]
    public void Sixteen_bit_rgb_png_keeps_the_high_byte_of_each_sample_as_pil_does()
    {
        ushort[] samples = [0x00FF, 0x80FF, 0x807F, 0xFF7F, 0x0180, 0x12FF];
        var bigEndian = samples.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray();
        var png = PngTestWriter.Write(2, 1, PngTestWriter.Rgb, bigEndian, bitDepth: 16);

        // Truncation, not rounding: 0x80FF gives 128, 0x00FF gives 0.
        Assert.Equal(new byte[] { 0, 128, 128, 255, 1, 18 }, ImageDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Gif_decodes_its_first_frame()
    {
        byte[] palette = [11, 22, 33, 44, 55, 66, 77, 88, 99, 0, 0, 0];
        var gif = GifTestWriter.OnePixelFrames(palette, 1, 2);

        Assert.Equal((1, 1), ImageDecoder.ReadSize(gif));
        Assert.Equal(new byte[] { 44, 55, 66 }, ImageDecoder.Decode(gif).Pixels);
    }

    [Fact]
    public void Bmp_rows_come_out_top_down_in_rgb_order()
    {
        byte[] rgb = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        var bmp = BmpTestWriter.Write(3, 2, rgb);

        Assert.Equal(rgb, ImageDecoder.Decode(bmp).Pixels);
    }

    [Fact]
    public void Lossless_webp_round_trips_exactly()
    {
        var rgba = new byte[5 * 3 * 4];
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (i % 4 == 3) ? (byte)255 : (byte)(i * 37);
        var webp = EncodeWithSkia(5, 3, rgba,
            pixmap => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)));

        var image = ImageDecoder.Decode(webp);

        var expected = rgba.Where((_, i) => i % 4 != 3).ToArray();
        Assert.Equal(expected, image.Pixels);
    }

    private static unsafe byte[] EncodeWithSkia(int width, int height, byte[] rgba, Func<SKPixmap, SKData?> encode)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        fixed (byte* pixels = rgba)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)pixels);
            using var data = encode(pixmap) ?? throw new InvalidOperationException("SkiaSharp could not encode the test image");
            return data.ToArray();
        }
    }
}
