using System.Security.Cryptography;
using System.Text;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// The hash a downloaded file must have, computed as its bytes arrive: the sha256 of the content for a Git LFS
/// file, the git blob id (sha1 of "blob {size}\0" and the content) for a file stored in git. A file the Hub lists
/// without either is checked by size only.
/// </summary>
internal sealed class BlobChecksum : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly byte[] _prefix;
    private readonly string? _expected;
    private readonly string _algorithm;

    private BlobChecksum(IncrementalHash? hash, byte[] prefix, string? expected, string algorithm)
    {
        _hash = hash;
        _prefix = prefix;
        _expected = expected?.ToLowerInvariant();
        _algorithm = algorithm;
        _hash?.AppendData(prefix);
    }

    public static BlobChecksum For(RepoFile? listed, long size)
    {
        if (listed?.LfsSha256 is { } sha256) return new BlobChecksum(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), [], sha256, "sha256");
        if (listed?.BlobId is { } blobId)
            return new BlobChecksum(IncrementalHash.CreateHash(HashAlgorithmName.SHA1), Encoding.ASCII.GetBytes($"blob {size}\0"), blobId, "git blob id");
        return new BlobChecksum(null, [], null, "size");
    }

    public void Append(ReadOnlySpan<byte> bytes) => _hash?.AppendData(bytes);

    /// <summary>Forgets the bytes appended so far (the file starts over from its first byte).</summary>
    public void Restart()
    {
        if (_hash == null) return;
        _hash.GetHashAndReset();
        _hash.AppendData(_prefix);
    }

    /// <summary>Compares the hash of everything appended with the expected one; true when there is none to compare.</summary>
    public bool Matches(out string description)
    {
        if (_hash == null)
        {
            description = "no hash listed";
            return true;
        }
        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        description = $"{_algorithm} {actual}, expected {_expected}";
        return actual == _expected;
    }

    public void Dispose() => _hash?.Dispose();
}
