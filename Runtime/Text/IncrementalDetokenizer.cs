using System.Text;

namespace QwenVL.Runtime.Text;

/// <summary>
/// Turns one output stream's tokens into text as they arrive. A token is often part of a UTF-8
/// character (an emoji may span two tokens), so bytes that may still complete a character are held
/// back until the next token. Everything returned by <see cref="Add"/> plus <see cref="Flush"/> equals
/// <see cref="QwenTokenizer.Decode"/> of the whole sequence. Not thread-safe: one instance per stream.
/// </summary>
public sealed class IncrementalDetokenizer
{
    private readonly QwenTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    // Bytes not yet returned: after each Add, at most the first 3 bytes of a character still being built.
    private byte[] _pending = new byte[64];
    private int _pendingLength;

    public IncrementalDetokenizer(QwenTokenizer tokenizer, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>The text completed by <paramref name="tokenId"/>; empty while a character is still incomplete.</summary>
    public string Add(int tokenId)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecial(tokenId)) return string.Empty;
        var bytes = _tokenizer.BytesOrEmpty(tokenId);
        if (bytes.Length == 0) return string.Empty;

        EnsureCapacity(_pendingLength + bytes.Length);
        bytes.CopyTo(_pending, _pendingLength);
        _pendingLength += bytes.Length;

        var complete = CompletePrefixLength(_pending.AsSpan(0, _pendingLength));
        return complete == 0 ? string.Empty : TakePending(complete);
    }

    /// <summary>Whatever is still held back, with an incomplete character written as U+FFFD, as Hugging Face decodes it.</summary>
    public string Flush() => _pendingLength == 0 ? string.Empty : TakePending(_pendingLength);

    private string TakePending(int count)
    {
        // Invalid bytes inside the prefix become U+FFFD here exactly as in a whole-sequence decode:
        // the prefix always ends before a lead byte, and a lead byte always starts a new decoding step.
        var text = Encoding.UTF8.GetString(_pending, 0, count);
        _pending.AsSpan(count, _pendingLength - count).CopyTo(_pending);
        _pendingLength -= count;
        return text;
    }

    /// <summary>
    /// How many leading bytes can be decoded now: all of them, unless the last character's lead byte
    /// announces more bytes than have arrived; then everything before that lead byte.
    /// </summary>
    private static int CompletePrefixLength(ReadOnlySpan<byte> bytes)
    {
        // A character is at most 4 bytes, so its lead byte is within the last 3 if it is incomplete.
        var lowest = Math.Max(0, bytes.Length - 3);
        for (var i = bytes.Length - 1; i >= lowest; i--)
        {
            var b = bytes[i];
            if ((b & 0xC0) == 0x80) continue; // continuation byte
            var needed = b >= 0xF5 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 1;
            return bytes.Length - i < needed ? i : bytes.Length;
        }
        return bytes.Length;
    }

    private void EnsureCapacity(int length)
    {
        if (length <= _pending.Length) return;
        Array.Resize(ref _pending, Math.Max(length, _pending.Length * 2));
    }
}
