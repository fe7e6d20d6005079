namespace QwenVL.Runtime.Hub;

/// <summary>Why a model could not be had from the Hub or the cache; callers pick an exit path by it, people read the message.</summary>
public enum HubFailure
{
    /// <summary>404: no such repository (or a private one, to a request without a token).</summary>
    RepoNotFound,
    /// <summary>The repository has no such branch, tag or commit.</summary>
    RevisionNotFound,
    /// <summary>401: a token is needed, or the one sent was refused.</summary>
    Unauthorized,
    /// <summary>A gated repository whose terms the token's account has not accepted (or no token).</summary>
    Gated,
    /// <summary>No answer from the Hub (no network, DNS, timeout, 5xx) and the cache does not have everything.</summary>
    Unreachable,
    /// <summary>Offline mode and the cache lacks files.</summary>
    NotInCache,
    /// <summary>The cache's disk has no room for a file.</summary>
    DiskFull,
    /// <summary>The cache folder cannot be written (read-only, no permission).</summary>
    CacheNotWritable,
    /// <summary>A downloaded file's hash differs from the one the Hub lists, twice.</summary>
    ChecksumMismatch,
    /// <summary>Not a model this server can load: no such directory and no repo id, or a repository without config.json or safetensors.</summary>
    NotAModel,
    /// <summary>The Hub answered something this client does not understand.</summary>
    BadResponse,
}
