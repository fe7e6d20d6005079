using System.Buffers.Binary;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// The width and height a PNG, GIF or BMP header declares, read from fixed offsets. Only used to explain a header
/// Skia rejected: it reports a zero-size PNG as "incomplete input", which would send the user after the wrong fault.
/// </summary>
internal static class DeclaredImageSize
{
    public static bool TryRead(ReadOnlySpan<byte> encoded, out long width, out long height)
    {
        width = height = 0;
        if (encoded.Length >= 24 && encoded.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])
            && encoded.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            width = BinaryPrimitives.ReadUInt32BigEndian(encoded[16..]);
            height = BinaryPrimitives.ReadUInt32BigEndian(encoded[20..]);
            return true;
        }
        if (encoded.Length >= 10 && (encoded.StartsWith("GIF87a"u8) || encoded.StartsWith("GIF89a"u8)))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(encoded[6..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(encoded[8..]);
            return true;
        }
        if (encoded.Length >= 26 && encoded.StartsWith("BM"u8))
        {
            int headerSize = BinaryPrimitives.ReadInt32LittleEndian(encoded[14..]);
            if (headerSize == 12)
            {
                // BITMAPCOREHEADER: 16-bit sides.
                width = BinaryPrimitives.ReadUInt16LittleEndian(encoded[18..]);
                height = BinaryPrimitives.ReadUInt16LittleEndian(encoded[20..]);
                return true;
            }
            // BITMAPINFOHEADER and later: signed 32-bit sides, a negative height meaning rows stored top-down.
            width = BinaryPrimitives.ReadInt32LittleEndian(encoded[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(encoded[22..]));
            return true;
        }
        return false;
    }
}
