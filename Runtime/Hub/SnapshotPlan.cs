namespace QwenVL.Runtime.Hub;

/// <summary>
/// What it takes to have a revision of a repository in the cache: the commit the revision resolved to, its
/// snapshot folder, and the files the server needs split into those the snapshot has and those still to download.
/// <see cref="CacheOnlyReason"/> says why the Hub was not asked (offline mode, or no answer and a complete cache);
/// the file lists are then empty.
/// </summary>
public sealed record SnapshotPlan(
    RepoId Repo,
    string Revision,
    string Commit,
    string SnapshotDirectory,
    IReadOnlyList<RepoFile> Missing,
    IReadOnlyList<RepoFile> Cached,
    string? CacheOnlyReason)
{
    /// <summary>The bytes still to download, as far as the Hub listed sizes.</summary>
    public long MissingBytes => Missing.Sum(f => f.Size ?? 0);
}
