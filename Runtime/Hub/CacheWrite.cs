namespace QwenVL.Runtime.Hub;

/// <summary>Writes into the hub cache with its failures named: a full disk, or a folder this user cannot write.</summary>
internal static class CacheWrite
{
    public static void Run(HubCache cache, Action write) => Run(cache, () =>
    {
        write();
        return true;
    });

    public static T Run<T>(HubCache cache, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new HubException(HubFailure.DiskFull,
                $"the disk of the cache {cache.CacheDirectory} is full: free some space, or set HF_HUB_CACHE to a folder on a larger disk", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw NotWritable(cache, e);
        }
    }

    public static HubException NotWritable(HubCache cache, Exception e) =>
        new(HubFailure.CacheNotWritable,
            $"cannot write to the cache {cache.CacheDirectory}: {e.Message}. Set HF_HUB_CACHE (or HF_HOME) to a folder you can write, " +
            "or, when the model is already complete there, set HF_HUB_OFFLINE=1", e);

    /// <summary>ENOSPC on Linux and macOS (.NET carries the errno as HResult); ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(IOException e) =>
        e.HResult == 28 || e.HResult == unchecked((int)0x80070070) || e.HResult == unchecked((int)0x80070027);
}
