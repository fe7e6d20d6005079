namespace QwenVL.Runtime.Text;

/// <summary>
/// GPT-2's byte-level alphabet: every byte is written as one printable character in vocab strings
/// (space becomes 'Ġ', newline 'Ċ'). This undoes that mapping.
/// </summary>
internal static class ByteLevelAlphabet
{
    // Bytes that are already printable keep their own code point; the other 68 are shifted past 255
    // in byte order. The highest character used is therefore U+0143.
    private static readonly short[] ByteOfChar = BuildByteOfChar();

    /// <summary>The byte that <paramref name="c"/> stands for, or -1 when it is not in the alphabet.</summary>
    public static int ByteOf(char c) => c < ByteOfChar.Length ? ByteOfChar[c] : -1;

    /// <summary>
    /// Undoes the mapping for one vocab string. Like Hugging Face's ByteLevel decoder, a string with a
    /// character outside the alphabet is taken as its own UTF-8.
    /// </summary>
    public static byte[] ToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var b = ByteOf(token[i]);
            if (b < 0) return System.Text.Encoding.UTF8.GetBytes(token);
            bytes[i] = (byte)b;
        }
        return bytes;
    }

    private static short[] BuildByteOfChar()
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)-1);
        var shifted = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            var c = printable ? b : 256 + shifted++;
            table[c] = (short)b;
        }
        return table;
    }
}
