using System.Diagnostics;
using QwenVL.Runtime.Hub;
using QwenVL.Runtime.Progress;

namespace QwenVL.App.Cli;

/// <summary>
/// `--model` to a directory for `serve` and `generate`: a local directory as it is; a Hub repo id through the
/// Hugging Face cache, downloading what is missing, with the plan and the outcome logged as vLLM users expect.
/// Hub failures become <see cref="CliException"/>s with their message.
/// </summary>
public static partial class ModelResolution
{
    /// <param name="model">--model: a directory or a repo id.</param>
    /// <param name="revision">--revision; null: main.</param>
    /// <param name="hub">Endpoint, token, cache, offline mode.</param>
    /// <param name="loggers">Where the plan, warnings and (without a terminal) download progress are logged.</param>
    /// <param name="terminal">Where download bars are drawn; null: progress as log lines.</param>
    /// <param name="cancellationToken">Stops the downloads; what arrived stays in the cache and resumes.</param>
    public static async Task<string> ResolveAsync(string model, string? revision, HubOptions hub, ILoggerFactory loggers, TextWriter? terminal,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger("QwenVL.Http.Hub");
        try
        {
            var reference = ModelReference.Parse(model);
            if (reference.LocalDirectory is { } directory)
            {
                if (revision != null) LogRevisionIgnored(logger, revision, directory);
                return directory;
            }
            var repo = reference.Repo!;
            var progress = new ProgressBoard();
            using var resolver = new ModelResolver(hub, progress, warning => LogHubWarning(logger, warning));
            var plan = await resolver.PlanAsync(repo, revision, cancellationToken);
            if (plan.CacheOnlyReason != null && hub.Offline)
                LogOffline(logger, repo.ToString(), plan.Revision, plan.Commit, plan.SnapshotDirectory);
            else if (plan.Missing.Count == 0)
                LogCached(logger, repo.ToString(), plan.Revision, plan.Commit, plan.SnapshotDirectory);
            else
                LogDownloading(logger, plan.Missing.Count, ProgressLine.Bytes(plan.MissingBytes), repo.ToString(), plan.Revision, plan.Commit,
                    hub.Endpoint, hub.CacheDirectory);

            var clock = Stopwatch.StartNew();
            string snapshot;
            // The display ends (drawing its last state) before the summary line, so the two never interleave.
            await using (ProgressDisplay.Start(progress, loggers.CreateLogger(ProgressDisplay.LoggerName), terminal))
                snapshot = await resolver.DownloadAsync(plan, cancellationToken);
            if (plan.Missing.Count > 0) LogDownloaded(logger, plan.Missing.Count, ProgressLine.Bytes(plan.MissingBytes), clock.Elapsed.TotalSeconds, snapshot);
            return snapshot;
        }
        catch (HubException e)
        {
            throw new CliException(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "--revision {Revision} is ignored: the model is the local directory {Directory}")]
    private static partial void LogRevisionIgnored(ILogger logger, string revision, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogHubWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "HF_HUB_OFFLINE is set: using the cached {Repo} at revision {Revision} (commit {Commit}) in {Directory}")]
    private static partial void LogOffline(ILogger logger, string repo, string revision, string commit, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the cached {Repo} at revision {Revision} (commit {Commit}) in {Directory}")]
    private static partial void LogCached(ILogger logger, string repo, string revision, string commit, string directory);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Downloading {Count} files ({Size}) of {Repo} at revision {Revision} (commit {Commit}) from {Endpoint} into the cache {Cache}")]
    private static partial void LogDownloading(ILogger logger, int count, string size, string repo, string revision, string commit, string endpoint, string cache);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded {Count} files ({Size}) in {Seconds:F1} seconds into {Directory}")]
    private static partial void LogDownloaded(ILogger logger, int count, string size, double seconds, string directory);
}
