namespace QwenVL.Http.Configuration;

/// <summary>Which executor serves the model: <see cref="Auto"/> takes CUDA when a device is there, else the CPU.</summary>
public enum ExecutionDevice { Auto, Cpu, Cuda }

/// <summary>
/// The settings of `qwenvl serve`, named and defaulted as vLLM's `vllm serve` flags (see ServeOptionsParser).
/// The HTTP edge reads the listening and request-size settings; the rest is for the replica (ReplicaComposition).
/// </summary>
public sealed record ServeOptions
{
    public const long DefaultMaxRequestBodyBytes = 64L << 20;

    /// <summary>The model as given on the command line: a directory or a Hub repo id (the served name by default).</summary>
    public required string Model { get; init; }
    /// <summary>The branch, tag or commit of a Hub model; null: main.</summary>
    public string? Revision { get; init; }
    /// <summary>--hf-token; null: $HF_TOKEN or the saved login token (HubOptions.FromEnvironment).</summary>
    public string? HubToken { get; init; }
    /// <summary>--download-dir: the hub cache folder to use instead of $HF_HUB_CACHE's.</summary>
    public string? DownloadDir { get; init; }
    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;
    /// <summary>The names requests may use; empty means the model path as given (vLLM's default). See <see cref="ModelNames"/>.</summary>
    public IReadOnlyList<string> ServedModelNames { get; init; } = [];
    /// <summary>Null: the model's max_position_embeddings.</summary>
    public int? MaxModelLen { get; init; }
    public int BlockSize { get; init; } = 16;
    /// <summary>The most sequences running in one step.</summary>
    public int MaxNumSeqs { get; init; } = 256;
    /// <summary>The token budget of one step; null lets the replica choose.</summary>
    public int? MaxNumBatchedTokens { get; init; }
    public bool EnablePrefixCaching { get; init; } = true;
    /// <summary>The KV cache's size in bytes on the CPU executor; null lets the replica choose.</summary>
    public long? KvCacheMemoryBytes { get; init; }
    /// <summary>The share of GPU memory the CUDA executor may take (weights, activations, KV cache).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;
    /// <summary>No CUDA graphs: every GPU step is launched kernel by kernel (vLLM's --enforce-eager).</summary>
    public bool EnforceEager { get; init; }
    /// <summary>When set, every /v1 route wants <c>Authorization: Bearer</c> with this key.</summary>
    public string? ApiKey { get; init; }
    /// <summary>--disable-frontend: no browser pages (the chat page at /, the live view at /dashboard), only the API.</summary>
    public bool DisableFrontend { get; init; }
    /// <summary>"auto" (the model's generation_config.json), "vllm" (no model defaults) or a directory holding one.</summary>
    public string GenerationConfig { get; init; } = "auto";
    public ImageInputOptions Images { get; init; } = ImageInputOptions.Default;
    public long? Seed { get; init; }
    /// <summary>The most requests waiting for a place in the batch; the replica refuses more with 503.</summary>
    public int MaxWaitingRequests { get; init; } = 1024;
    /// <summary>Larger request bodies are refused with 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;
    /// <summary>A request still running after this long ends with 504; null: no limit (as vLLM).</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>How this node joins a cluster; null: it runs alone.</summary>
    public Cluster.ClusterSettings? Cluster { get; init; }

    /// <summary>A frontend node serves the HTTP edge only: no weights, no replica.</summary>
    public bool IsFrontend => Cluster?.Role == QwenVL.Cluster.NodeRole.Frontend;

    /// <summary>The served model names, the first of them the one responses and metrics carry.</summary>
    public IReadOnlyList<string> ModelNames => ServedModelNames.Count > 0 ? ServedModelNames : [Model];

    /// <summary>The URL Kestrel listens on; an IPv6 host is written in brackets.</summary>
    public string ListenUrl => $"http://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}
