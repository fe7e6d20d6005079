using System.Text;

namespace QwenVL.Tests.Text;

/// <summary>
/// GPT-2's byte-to-character table, written out independently of the runtime's, to name vocab entries
/// by the bytes they stand for.
/// </summary>
public static class ByteLevelStrings
{
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            var shifted = 0;
            for (var x = 0; x < b; x++)
            {
                if (!IsPrintable(x)) shifted++;
            }
            text.Append(IsPrintable(b) ? (char)b : (char)(256 + shifted));
        }
        return text.ToString();
    }

    private static bool IsPrintable(int b) => (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
}
