namespace QwenVL.Runtime.Hub;

/// <summary>
/// One file of a revision as the model-info API lists it (a "sibling"): its path in the repository, and with
/// <c>?blobs=true</c> its size, git blob id and, for a Git LFS file, the sha256 and size of its content.
/// </summary>
public sealed record RepoFile(string Path, long? Size, string? BlobId, string? LfsSha256)
{
    /// <summary>The content hash the download is checked against: sha256 for LFS files, the git blob id for the others.</summary>
    public bool HasChecksum => LfsSha256 != null || BlobId != null;
}

/// <summary>A revision resolved by the Hub: the commit it points at and the files of that commit.</summary>
public sealed record RepoRevision(string Commit, IReadOnlyList<RepoFile> Files);

/// <summary>
/// What a HEAD on <c>resolve/{commit}/{path}</c> says of a file: its etag (the blob's name in the cache: the sha256
/// for LFS files, the git blob id for the others), its size, the commit, and where its bytes are (a CDN for LFS).
/// </summary>
public sealed record RemoteFile(string Path, string Etag, long Size, string Commit, Uri Location);
