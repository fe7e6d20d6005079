using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using QwenVL.Runtime.Execution;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// Names the contents of one full KV block: the previous block's hash, the block's token ids and the
/// content keys of the images whose tokens overlap it. Chaining through the previous hash makes equal
/// hashes mean equal prefixes; the image keys keep two different pictures (whose tokens are all
/// &lt;|image_pad|&gt;) from ever sharing a block. SHA-256, truncated to 128 bits.
/// </summary>
public readonly record struct BlockHash(UInt128 Value)
{
    public static BlockHash Of(BlockHash? previous, ReadOnlySpan<int> tokens, ReadOnlySpan<ImageKey> images)
    {
        int length = 17 + 4 * tokens.Length;
        foreach (var key in images) length += 4 + Encoding.UTF8.GetByteCount(key.Hash);
        byte[]? rented = null;
        Span<byte> buffer = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = previous.HasValue ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt128LittleEndian(buffer[1..], previous?.Value ?? UInt128.Zero);
            int at = 17;
            MemoryMarshal.AsBytes(tokens).CopyTo(buffer[at..]);
            at += 4 * tokens.Length;
            foreach (var key in images)
            {
                int n = Encoding.UTF8.GetBytes(key.Hash, buffer[(at + 4)..]);
                BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], n);
                at += 4 + n;
            }
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..at], digest);
            return new BlockHash(BinaryPrimitives.ReadUInt128LittleEndian(digest));
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override string ToString() => Value.ToString("x32", System.Globalization.CultureInfo.InvariantCulture)[..12];
}
