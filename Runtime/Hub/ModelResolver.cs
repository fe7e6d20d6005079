using QwenVL.Runtime.Progress;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// Turns `--model` into a local directory the loader can open: a directory as it is, a Hub repo id into its
/// snapshot folder in the Hugging Face cache, downloading what the cache lacks first. Offline
/// (<see cref="HubOptions.Offline"/>), or when the Hub does not answer, a complete cached snapshot is used as is.
/// </summary>
public sealed class ModelResolver : IDisposable
{
    public const string DefaultRevision = "main";

    private readonly HubOptions _options;
    private readonly ProgressBoard? _progress;
    private readonly Action<string>? _warning;
    private readonly HubClient _client;
    private readonly BlobDownloader _downloader;

    /// <param name="options">Endpoint, token, cache and offline mode.</param>
    /// <param name="progress">Where each download's counter goes; null: not tracked.</param>
    /// <param name="warning">Told of things worth a warning that do not stop the start: a corrupt download tried again, a resumed one, a cache used because the Hub did not answer.</param>
    /// <param name="handler">The HTTP handler; null: a default one. Tests pass their own.</param>
    /// <param name="freeSpace">The free bytes of a folder's disk, null when unknown; null: the real disk's.</param>
    public ModelResolver(HubOptions options, ProgressBoard? progress = null, Action<string>? warning = null,
        HttpMessageHandler? handler = null, Func<string, long?>? freeSpace = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _progress = progress;
        _warning = warning;
        _client = new HubClient(options, handler);
        _downloader = new BlobDownloader(_client, options, warning, freeSpace);
    }

    /// <summary>Locates, plans and downloads in one call; the model directory to open.</summary>
    public async Task<string> ResolveAsync(string modelOrRepoId, string? revision, CancellationToken cancellationToken)
    {
        var reference = ModelReference.Parse(modelOrRepoId);
        if (reference.LocalDirectory is { } directory) return directory;
        var plan = await PlanAsync(reference.Repo!, revision, cancellationToken);
        return await DownloadAsync(plan, cancellationToken);
    }

    /// <summary>
    /// Resolves the revision (default "main") to a commit through the model-info API and sorts the files the server
    /// needs into cached and missing. Offline, or when the Hub cannot be reached or refuses (as huggingface_hub does),
    /// the commit comes from refs/&lt;revision&gt; and the cached snapshot must have every file the server needs.
    /// </summary>
    public async Task<SnapshotPlan> PlanAsync(RepoId repo, string? revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repo);
        revision ??= DefaultRevision;
        var cache = new HubCache(_options.CacheDirectory, repo);
        if (_options.Offline) return CacheOnly(cache, revision, cause: null);

        RepoRevision remote;
        try
        {
            remote = await _client.GetRevisionAsync(repo, revision, cancellationToken);
        }
        catch (HubException e) when (e.Failure is HubFailure.Unreachable or HubFailure.RepoNotFound or HubFailure.Unauthorized or HubFailure.Gated)
        {
            return CacheOnly(cache, revision, e);
        }

        var needed = remote.Files.Where(f => ServedFiles.IsNeeded(f.Path)).ToArray();
        if (!needed.Any(f => f.Path == ServedFiles.ConfigFileName))
            throw new HubException(HubFailure.NotAModel, $"repository '{repo}' at revision '{revision}' has no {ServedFiles.ConfigFileName}: it is not a transformers model");
        if (!needed.Any(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal)))
            throw new HubException(HubFailure.NotAModel,
                $"repository '{repo}' at revision '{revision}' has no *.safetensors weights, the only format this server reads (its files: {string.Join(", ", remote.Files.Select(f => f.Path))})");
        var cached = needed.Where(f => HubCache.EntryExists(cache.PointerPath(remote.Commit, f.Path))).ToArray();
        var missing = needed.Except(cached).OrderBy(f => f.Size ?? 0).ToArray();
        return new SnapshotPlan(repo, revision, remote.Commit, cache.SnapshotDirectory(remote.Commit), missing, cached, null);
    }

    /// <summary>
    /// Downloads the plan's missing files (<see cref="HubOptions.MaxParallelDownloads"/> at a time), links each into
    /// the snapshot and records refs/&lt;revision&gt;; the snapshot folder.
    /// </summary>
    public async Task<string> DownloadAsync(SnapshotPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var cache = new HubCache(_options.CacheDirectory, plan.Repo);
        if (plan.CacheOnlyReason != null) return plan.SnapshotDirectory;
        if (plan.Missing.Count == 0)
        {
            // A complete snapshot in a cache we may not write (a shared, read-only one): the ref is a nicety.
            try
            {
                cache.WriteRef(plan.Revision, plan.Commit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            return plan.SnapshotDirectory;
        }

        CacheWrite.Run(cache, () => cache.WriteRef(plan.Revision, plan.Commit));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelDownloads, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(plan.Missing, parallel, async (file, token) =>
            {
                var remote = await _client.GetFileAsync(plan.Repo, plan.Commit, file.Path, token);
                if (!File.Exists(cache.BlobPath(remote.Etag))) await _downloader.DownloadAsync(cache, remote, file, _progress, token);
                CacheWrite.Run(cache, () => cache.Link(plan.Commit, file.Path, remote.Etag));
            });
        }
        catch (HubException e) when (e.Failure == HubFailure.Unreachable)
        {
            var lacking = plan.Missing.Where(f => !HubCache.EntryExists(cache.PointerPath(plan.Commit, f.Path))).Select(f => f.Path);
            throw new HubException(HubFailure.Unreachable,
                $"{e.Message}. The cache at {cache.RepoDirectory} still lacks {string.Join(", ", lacking)}: start again once {_options.Endpoint} " +
                "answers (downloads resume where they stopped)", e);
        }
        return plan.SnapshotDirectory;
    }

    /// <summary>
    /// The plan when the Hub is not asked (<paramref name="cause"/> null: offline mode) or did not help: the cached
    /// snapshot of the revision if it has everything the server needs, else an error naming what it lacks.
    /// </summary>
    private SnapshotPlan CacheOnly(HubCache cache, string revision, HubException? cause)
    {
        var commit = cache.FindCommit(revision);
        var missing = ServedFiles.MissingRequired(commit == null ? Path.Combine(cache.RepoDirectory, "snapshots", "(none)") : cache.SnapshotDirectory(commit));
        if (commit != null && missing.Count == 0)
        {
            if (cause != null) _warning?.Invoke($"{cause.Message}; using the cached snapshot {commit} of '{cache.Repo}' at revision '{revision}'");
            return new SnapshotPlan(cache.Repo, revision, commit, cache.SnapshotDirectory(commit), [], [],
                cause?.Message ?? "HF_HUB_OFFLINE is set");
        }
        if (cause != null && cause.Failure != HubFailure.Unreachable) throw cause;

        string where = commit == null
            ? $"the cache {cache.CacheDirectory} has no snapshot of '{cache.Repo}' at revision '{revision}' (needed: {string.Join(", ", missing)})"
            : $"the cached snapshot {cache.SnapshotDirectory(commit)} of '{cache.Repo}' at revision '{revision}' lacks {string.Join(", ", missing)}";
        if (cause == null)
            throw new HubException(HubFailure.NotInCache,
                $"HF_HUB_OFFLINE is set and {where}. Unset HF_HUB_OFFLINE to download them, or copy a cache that has the model here");
        throw new HubException(HubFailure.Unreachable,
            $"{cause.Message}; and {where}. Connect to the network (or point HF_ENDPOINT at a reachable mirror) to download them. " +
            $"To run without a network, fill the cache on a machine that has one (qwenvl serve {cache.Repo}, or huggingface-cli download {cache.Repo}), " +
            $"copy it to {cache.CacheDirectory} and set HF_HUB_OFFLINE=1", cause);
    }

    public void Dispose() => _client.Dispose();
}
