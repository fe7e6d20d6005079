using System.Buffers;
using System.Net;
using QwenVL.Runtime.Progress;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// Downloads one blob into the cache. Bytes go to <c>blobs/&lt;etag&gt;.incomplete</c>, which a later attempt or a
/// later run resumes with a Range request; the file is hashed as it grows and moves to <c>blobs/&lt;etag&gt;</c> only
/// when its size and hash are right, so a half-written or corrupt file never lands in the cache. A corrupt file is
/// discarded and fetched once more. The <c>.locks</c> file keeps two processes off the same blob.
/// </summary>
internal sealed class BlobDownloader(HubClient client, HubOptions options, Action<string>? warning, Func<string, long?>? freeSpace = null)
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(200);
    private readonly Func<string, long?> _freeSpace = freeSpace ?? FreeSpaceOf;

    public async Task DownloadAsync(HubCache cache, RemoteFile file, RepoFile? listed, ProgressBoard? board, CancellationToken cancellationToken)
    {
        var blob = cache.BlobPath(file.Etag);
        var lockPath = cache.LockPath(file.Etag);
        CacheWrite.Run(cache, () =>
        {
            Directory.CreateDirectory(cache.BlobsDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        });
        await using var held = await LockAsync(cache, lockPath, file, cancellationToken);
        if (File.Exists(blob)) return;

        var incomplete = blob + ".incomplete";
        long present = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        var counter = board?.Start(file.Path, file.Size, Math.Min(present, file.Size));
        bool completed = false;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                string description;
                using (var checksum = BlobChecksum.For(listed, file.Size))
                {
                    await FetchAsync(cache, file, incomplete, checksum, counter, cancellationToken);
                    if (checksum.Matches(out description)) break;
                }
                File.Delete(incomplete);
                if (attempt == 2)
                    throw new HubException(HubFailure.ChecksumMismatch,
                        $"'{file.Path}' of '{cache.Repo}' arrived corrupt twice ({description}); both copies were discarded and nothing was cached: " +
                        $"run again, and if it persists check what sits between here and {client.Endpoint} (a proxy, a mirror)");
                warning?.Invoke($"'{file.Path}' of '{cache.Repo}' arrived corrupt ({description}); discarded, downloading it again");
                counter?.Restart(0);
            }
            CacheWrite.Run(cache, () => File.Move(incomplete, blob));
            completed = true;
        }
        finally
        {
            counter?.Finish(completed);
        }
    }

    /// <summary>
    /// Brings the incomplete file to the full size, from where it stands: first hashes what is already there, then
    /// asks for the rest. A dropped connection or a stall resumes at the last byte written, up to
    /// <see cref="HubOptions.MaxResumeAttempts"/> times in a row without progress.
    /// </summary>
    private async Task FetchAsync(HubCache cache, RemoteFile file, string incomplete, BlobChecksum checksum, ByteCounter? counter,
        CancellationToken cancellationToken)
    {
        await using var output = CacheWrite.Run(cache, () => new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None,
            bufferSize: 0, useAsync: true));
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            if (output.Length > file.Size) output.SetLength(0);
            long offset = await HashExistingAsync(output, checksum, buffer, cancellationToken);
            EnsureDiskSpace(cache, file, file.Size - offset);
            int failures = 0;
            while (offset < file.Size)
            {
                try
                {
                    using var response = await client.GetContentAsync(file, offset, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                        throw HubResponseErrors.For(response, client.Endpoint, cache.Repo, file.Commit, file.Path, client.SendsToken);
                    if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                    {
                        // The server ignored the Range and sends the whole file: start the file and its hash over.
                        output.SetLength(0);
                        output.Position = 0;
                        checksum.Restart();
                        offset = 0;
                        counter?.Restart(0);
                    }
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    while (true)
                    {
                        int read = await ReadAsync(body, buffer, cancellationToken);
                        if (read == 0) break;
                        if (offset + read > file.Size)
                            throw new HubException(HubFailure.BadResponse, $"{client.Endpoint} sent more than the {file.Size} bytes of '{file.Path}'");
                        await WriteAsync(cache, output, file, buffer.AsMemory(0, read), cancellationToken);
                        checksum.Append(buffer.AsSpan(0, read));
                        offset += read;
                        counter?.Add(read);
                        failures = 0;
                    }
                    if (offset < file.Size) throw new IOException($"the connection closed after {offset} of {file.Size} bytes");
                }
                catch (Exception e) when (IsResumable(e, cancellationToken))
                {
                    if (++failures > options.MaxResumeAttempts)
                        throw new HubException(HubFailure.Unreachable,
                            $"the download of '{file.Path}' of '{cache.Repo}' stopped at {offset} of {file.Size} bytes: {e.Message}. " +
                            "The part is kept in the cache; the next start resumes it", e);
                    warning?.Invoke($"the download of '{file.Path}' broke off at {offset} of {file.Size} bytes ({e.Message}); resuming");
                    await Task.Delay(options.ResumeDelay, cancellationToken);
                }
            }
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<long> HashExistingAsync(FileStream file, BlobChecksum checksum, byte[] buffer, CancellationToken cancellationToken)
    {
        file.Position = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0) checksum.Append(buffer.AsSpan(0, read));
        return file.Position;
    }

    /// <summary>One read of the body; a server that sends nothing for <see cref="HubOptions.RequestTimeout"/> counts as a dropped connection.</summary>
    private async Task<int> ReadAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(options.RequestTimeout);
        try
        {
            return await body.ReadAsync(buffer, stall.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes for {options.RequestTimeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task WriteAsync(HubCache cache, FileStream output, RemoteFile file, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(bytes, cancellationToken);
        }
        catch (IOException e) when (CacheWrite.IsDiskFull(e))
        {
            throw DiskFull(cache, file, e);
        }
        catch (IOException e)
        {
            throw CacheWrite.NotWritable(cache, e);
        }
    }

    private void EnsureDiskSpace(HubCache cache, RemoteFile file, long needed)
    {
        if (_freeSpace(cache.BlobsDirectory) is long free && free < needed)
            throw new HubException(HubFailure.DiskFull,
                $"not enough disk space for '{file.Path}' of '{cache.Repo}': it needs {Gib(needed)} more, {cache.BlobsDirectory} has {Gib(free)} free. " +
                "Free some space, or set HF_HUB_CACHE to a folder on a larger disk");
    }

    private static HubException DiskFull(HubCache cache, RemoteFile file, IOException e) =>
        new(HubFailure.DiskFull,
            $"the disk filled up while downloading '{file.Path}' ({Gib(file.Size)}) into {cache.BlobsDirectory}: free some space (the part already " +
            "downloaded is kept and resumes), or set HF_HUB_CACHE to a folder on a larger disk", e);

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.00} GiB";

    private static long? FreeSpaceOf(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Worth resuming: the connection dropped or stalled, or the Hub was briefly unavailable.</summary>
    private static bool IsResumable(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is IOException or TimeoutException or HttpRequestException { StatusCode: null } or HubException { Failure: HubFailure.Unreachable };

    /// <summary>
    /// Waits for the blob's lock file, as huggingface_hub's filelock does; .NET takes an exclusive flock for
    /// FileShare.None, the same lock Python's filelock takes, so our downloads and theirs exclude each other.
    /// </summary>
    private async Task<FileStream> LockAsync(HubCache cache, string lockPath, RemoteFile file, CancellationToken cancellationToken)
    {
        bool warned = false;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw CacheWrite.NotWritable(cache, e);
            }
            catch (IOException)
            {
                if (!warned) warning?.Invoke($"waiting for another download of '{file.Path}' (lock {lockPath})");
                warned = true;
                await Task.Delay(LockPollInterval, cancellationToken);
            }
        }
    }
}
