namespace QwenVL.Runtime.Hub;

/// <summary>
/// One repository's folder in the Hugging Face hub cache, laid out as huggingface_hub lays it out:
/// <code>
/// models--owner--name/
///   blobs/&lt;etag&gt;                  file contents, named by etag; &lt;etag&gt;.incomplete while downloading
///   snapshots/&lt;commit&gt;/&lt;path&gt;     relative links to ../../blobs/&lt;etag&gt;
///   refs/&lt;revision&gt;               the commit a branch or tag pointed at when last resolved
/// .locks/models--owner--name/&lt;etag&gt;.lock   held while a blob downloads
/// </code>
/// </summary>
public sealed class HubCache
{
    public HubCache(string cacheDirectory, RepoId repo)
    {
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        ArgumentNullException.ThrowIfNull(repo);
        CacheDirectory = cacheDirectory;
        Repo = repo;
        RepoDirectory = Path.Combine(cacheDirectory, repo.CacheFolderName);
    }

    public string CacheDirectory { get; }
    public RepoId Repo { get; }
    public string RepoDirectory { get; }
    public string BlobsDirectory => Path.Combine(RepoDirectory, "blobs");

    public string BlobPath(string etag) => Path.Combine(BlobsDirectory, CheckName(etag, "etag"));

    public string LockPath(string etag) => Path.Combine(CacheDirectory, ".locks", Repo.CacheFolderName, CheckName(etag, "etag") + ".lock");

    public string SnapshotDirectory(string commit) => Path.Combine(RepoDirectory, "snapshots", CheckName(commit, "commit"));

    /// <summary>The snapshot's entry for a repository path (which may name subfolders with '/').</summary>
    public string PointerPath(string commit, string repoPath)
    {
        var snapshot = SnapshotDirectory(commit);
        var pointer = Path.GetFullPath(Path.Combine(snapshot, repoPath.Replace('/', Path.DirectorySeparatorChar)));
        // A hostile file list must not place links outside the snapshot.
        if (!pointer.StartsWith(Path.GetFullPath(snapshot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new HubException(HubFailure.BadResponse, $"the Hub listed a file path that leaves the repository: '{repoPath}'");
        return pointer;
    }

    /// <summary>
    /// Whether a snapshot entry can be read: a file, or a link whose target is one. (File.Exists is true for a
    /// dangling link on Unix, which a cache whose blob was deleted has.)
    /// </summary>
    public static bool EntryExists(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget == null) return info.Exists;
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A full commit id: 40 lowercase hex digits (huggingface_hub's REGEX_COMMIT_HASH).</summary>
    public static bool IsCommitHash(string revision) =>
        revision.Length == 40 && revision.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The commit a revision names: itself when it is a commit id, else what refs/&lt;revision&gt; recorded; null when unknown.</summary>
    public string? FindCommit(string revision)
    {
        if (IsCommitHash(revision)) return revision;
        var refPath = RefPath(revision);
        if (!File.Exists(refPath)) return null;
        var commit = File.ReadAllText(refPath).Trim();
        return IsCommitHash(commit) ? commit : null;
    }

    /// <summary>
    /// Records that a branch or tag points at <paramref name="commit"/>, as huggingface_hub does: nothing for a commit
    /// id, nothing when already recorded, else written whole through a temporary file so readers never see half.
    /// </summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        var refPath = RefPath(revision);
        if (File.Exists(refPath) && File.ReadAllText(refPath) == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
        var temporary = $"{refPath}.{Guid.NewGuid().ToString("N")[..8]}.tmp";
        File.WriteAllText(temporary, commit);
        File.Move(temporary, refPath, overwrite: true);
    }

    /// <summary>
    /// Points the snapshot's entry at the blob with a relative link (so the cache can move), replacing what was
    /// there. Where the file system has no symbolic links the blob is copied instead, as huggingface_hub does.
    /// </summary>
    public void Link(string commit, string repoPath, string etag)
    {
        var pointer = PointerPath(commit, repoPath);
        var blob = BlobPath(etag);
        var folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        var target = Path.GetRelativePath(folder, blob);
        var existing = new FileInfo(pointer);
        if (existing.LinkTarget == target) return;
        // Whatever is there (a stale or dangling link, a copy) makes way for the link.
        if (existing.LinkTarget != null || existing.Exists) File.Delete(pointer);
        try
        {
            File.CreateSymbolicLink(pointer, target);
        }
        catch (IOException) when (new FileInfo(pointer).LinkTarget == target)
        {
            // Another process linked the same blob between our check and our link.
        }
        catch (UnauthorizedAccessException)
        {
            File.Copy(blob, pointer, overwrite: true);
        }
    }

    private string RefPath(string revision)
    {
        var refs = Path.Combine(RepoDirectory, "refs");
        var path = Path.GetFullPath(Path.Combine(refs, revision.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(Path.GetFullPath(refs) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new HubException(HubFailure.RevisionNotFound, $"'{revision}' is not a revision name");
        return path;
    }

    /// <summary>An etag or commit becomes a file name: it must be one path segment.</summary>
    private static string CheckName(string name, string what) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\']) < 0 && name is not ("." or "..")
            ? name
            : throw new HubException(HubFailure.BadResponse, $"the Hub sent an {what} that cannot name a file: '{name}'");
}
