namespace QwenVL.Runtime.Hub;

/// <summary>
/// Where models come from and where they are kept, read from the environment variables huggingface_hub reads, so a
/// model that transformers or vLLM downloaded is found in the same cache and ours is found by them.
/// </summary>
public sealed record HubOptions
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The Hub's base URL without a trailing slash ($HF_ENDPOINT; a mirror works too).</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;
    /// <summary>Sent as <c>Authorization: Bearer</c> for gated and private repositories; null: none.</summary>
    public string? Token { get; init; }
    /// <summary>$HF_HUB_OFFLINE: use only what the cache holds and make no request.</summary>
    public bool Offline { get; init; }
    /// <summary>The hub cache folder, the one holding <c>models--owner--name</c> folders.</summary>
    public required string CacheDirectory { get; init; }
    /// <summary>Files downloaded at once (huggingface_hub's snapshot_download uses 8).</summary>
    public int MaxParallelDownloads { get; init; } = 8;
    /// <summary>The longest wait for a metadata answer or for the next bytes of a download (huggingface_hub's 10 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Failed reads in a row a download survives, each resumed where it stopped.</summary>
    public int MaxResumeAttempts { get; init; } = 5;
    /// <summary>The pause before a download resumes after a network error.</summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The options huggingface_hub would use: $HF_ENDPOINT; the token from <paramref name="token"/>, else $HF_TOKEN
    /// (or the older $HUGGING_FACE_HUB_TOKEN), else the file `huggingface-cli login` writes ($HF_TOKEN_PATH, else
    /// $HF_HOME/token); $HF_HUB_OFFLINE (or $TRANSFORMERS_OFFLINE); the cache from <paramref name="cacheDirectory"/>,
    /// else $HF_HUB_CACHE, else $HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, where $HF_HOME defaults to
    /// $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
    /// </summary>
    public static HubOptions FromEnvironment(Func<string, string?> environment, string? token = null, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value : null;

        string userHome = Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string Expand(string path) => path == "~" ? userHome
            : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(userHome, path[2..]) : path;

        string hfHome = Expand(Get("HF_HOME") ?? Path.Combine(Get("XDG_CACHE_HOME") is { } xdg ? Expand(xdg) : Path.Combine(userHome, ".cache"), "huggingface"));
        string cache = Expand(cacheDirectory ?? Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE") ?? Path.Combine(hfHome, "hub"));
        string tokenPath = Expand(Get("HF_TOKEN_PATH") ?? Path.Combine(hfHome, "token"));
        return new HubOptions
        {
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            Token = NonEmpty(token) ?? Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN") ?? ReadTokenFile(tokenPath),
            Offline = IsTrue(Get("HF_HUB_OFFLINE") ?? Get("TRANSFORMERS_OFFLINE")),
            CacheDirectory = Path.GetFullPath(cache),
        };
    }

    /// <summary>huggingface_hub's truthy values: 1, ON, YES, TRUE in any case.</summary>
    public static bool IsTrue(string? value) =>
        value != null && (value.Equals("1", StringComparison.Ordinal) || value.Equals("ON", StringComparison.OrdinalIgnoreCase)
            || value.Equals("YES", StringComparison.OrdinalIgnoreCase) || value.Equals("TRUE", StringComparison.OrdinalIgnoreCase));

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path).Trim()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
