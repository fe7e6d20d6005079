using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace QwenVL.Tests.Vision;

/// <summary>
/// Writes 8-bit PNGs of any colour type byte by byte, so tests control the exact stored samples
/// (SkiaSharp's encoder cannot write grey+alpha or palette files).
/// </summary>
internal static class PngTestWriter
{
    public const byte Grey = 0, Rgb = 2, Palette = 3, GreyAlpha = 4, Rgba = 6;

    /// <param name="samples">Rows top to bottom, samples per pixel as the colour type has them, no filter bytes.</param>
    /// <param name="palette">PLTE entries as RGB triples (palette images).</param>
    /// <param name="transparency">tRNS contents: one alpha per palette entry.</param>
    public static byte[] Write(int width, int height, byte colorType, byte[] samples, byte[]? palette = null,
        byte[]? transparency = null, byte bitDepth = 8)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        WriteChunk(png, "IHDR", header);
        if (palette != null) WriteChunk(png, "PLTE", palette);
        if (transparency != null) WriteChunk(png, "tRNS", transparency);
        WriteChunk(png, "IDAT", Compress(samples, height));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Compress(byte[] samples, int height)
    {
        int rowLength = height == 0 ? 0 : samples.Length / height;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(samples, y * rowLength, rowLength);
            }
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32([.. typeBytes, .. data]));
        png.Write(number);
    }

    // The CRC-32 of PNG and zlib (reflected polynomial 0xEDB88320), bit by bit: test files are tiny.
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
