using System.Buffers.Binary;

namespace QwenVL.Tests.Vision;

/// <summary>Writes an uncompressed 24-bit BMP: BGR samples, rows stored bottom-up and padded to 4 bytes.</summary>
internal static class BmpTestWriter
{
    public static byte[] Write(int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) & ~3;
        var bmp = new byte[54 + stride * height];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);     // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);     // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height); // positive: bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);      // planes
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);     // bits per pixel
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                int s = (y * width + x) * 3;
                bmp[row + x * 3] = rgb[s + 2];
                bmp[row + x * 3 + 1] = rgb[s + 1];
                bmp[row + x * 3 + 2] = rgb[s];
            }
        }
        return bmp;
    }
}
