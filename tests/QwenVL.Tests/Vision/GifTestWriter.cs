namespace QwenVL.Tests.Vision;

/// <summary>
/// Writes a GIF89a animation of 1×1 frames, each one palette index, with a 4-entry global palette.
/// One pixel keeps the LZW data hand-computable: with minimum code size 2, the 3-bit codes are
/// clear (4), the index, end (5), packed least significant bit first.
/// </summary>
internal static class GifTestWriter
{
    public static byte[] OnePixelFrames(byte[] paletteRgb, params byte[] frameIndices)
    {
        if (paletteRgb.Length != 12) throw new ArgumentException("the palette holds 4 RGB entries", nameof(paletteRgb));
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([1, 0, 1, 0]);            // logical screen 1x1
        gif.AddRange([0b1000_0001, 0, 0]);     // global colour table of 2^(1+1) entries, background 0, aspect 0
        gif.AddRange(paletteRgb);
        foreach (byte index in frameIndices)
        {
            gif.AddRange([0x21, 0xF9, 4, 0, 10, 0, 0, 0]);         // graphic control: no transparency, 0.1 s
            gif.AddRange([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);     // image descriptor at (0,0), 1x1, no local table
            int bits = 4 | (index << 3) | (5 << 6);                // clear, index, end
            gif.AddRange([2, 2, (byte)bits, (byte)(bits >> 8), 0]); // min code size, one 2-byte sub-block, terminator
        }
        gif.Add(0x3B);
        return [.. gif];
    }
}
