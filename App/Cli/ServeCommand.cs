using System.Diagnostics;
using System.Globalization;
using QwenVL.App.Composition;
using QwenVL.Cuda;
using QwenVL.Http.Apis;
using QwenVL.Http.Configuration;
using QwenVL.Http.Server;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Hub;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Progress;

namespace QwenVL.App.Cli;

/// <summary>
/// `qwenvl serve`: resolves the model (a directory, or a Hub repo id through the Hugging Face cache), loads it, starts the OpenAI-compatible server with the replica behind it, and runs until
/// Ctrl-C or SIGTERM (or <c>stopping</c>), then shuts down gracefully. Logs start-up as `vllm serve` does.
/// </summary>
public static partial class ServeCommand
{
    public const string Usage = """
        usage: qwenvl serve MODEL [options]        (or --model MODEL)

          MODEL is a model directory or a Hugging Face Hub repo id (Qwen/Qwen2-VL-2B-Instruct); a repo id is found
          in the Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub) and what is
          missing is downloaded from $HF_ENDPOINT (default https://huggingface.co); HF_HUB_OFFLINE=1 uses only the cache.

          --revision REV                   branch, tag or commit of a Hub model (default main)
          --hf-token TOKEN                 token for gated or private repos (default $HF_TOKEN, else the saved login)
          --download-dir DIR               the hub cache folder to use (default as above)

          --host HOST                      listen address (default 0.0.0.0)
          --port N                         listen port (default 8000)
          --served-model-name NAME...      names requests may use (default: the model path as given)
          --api-key KEY                    /v1 routes want 'Authorization: Bearer KEY' (also $QWENVL_API_KEY, $VLLM_API_KEY)
          --disable-frontend               no browser pages (the chat page at /, the live view at /dashboard): the API only
          --max-model-len N                context length (default: the model's max_position_embeddings)
          --block-size N                   KV cache block size in tokens (default 16)
          --max-num-seqs N                 most sequences in one step (default 256)
          --max-num-batched-tokens N       token budget of one step
          --max-waiting-requests N         requests that may wait for the batch; more get 503 (default 1024)
          --enable-prefix-caching, --no-enable-prefix-caching   reuse cached prompt prefixes (default on)
          --kv-cache-memory BYTES          KV cache size on the CPU executor (e.g. 2GiB)
          --gpu-memory-utilization F       share of GPU memory to use (default 0.9)
          --enforce-eager                  no CUDA graphs: launch every GPU step kernel by kernel (slower decode,
                                           quicker start)
          --device auto|cpu|cuda           executor (default auto)
          --generation-config auto|vllm|DIR   sampling defaults: the model's, none, or DIR/generation_config.json
          --seed N                         seed for requests that set none
          --max-request-body-bytes BYTES   larger request bodies get 413 (default 64MiB)
          --request-timeout SECONDS        a request still running after this long ends with 504 (default: none)
          --limit-mm-per-prompt JSON, --allowed-local-media-path DIR, --disable-remote-media,
          --min-pixels N, --max-pixels N   image options, as for generate

        cluster (data parallelism: several nodes, one service; without these flags the node runs alone):
          --cluster-host HOST              the address the other nodes reach this node at
          --cluster-port N                 its remoting port (default 2552)
          --seed-nodes ADDR[,ADDR...]      akka.tcp://qwenvl@host:port of the nodes to join; a node listing its own
                                           address first forms the cluster
          --role worker|frontend           worker (default): a replica with the model; frontend: the HTTP edge only,
                                           no weights, routing every request to a worker
          --cluster-down-after SECONDS     how long a member may stay unreachable before it is downed (default 5)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, CancellationToken stopping = default)
    {
        if (await HelpRequest.AnsweredAsync(args, stdout, Usage)) return 0;
        var options = ServeOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
        using var loggerFactory = LoggerFactory.Create(ServerLogging.Configure);
        var logger = loggerFactory.CreateLogger("QwenVL.Http.Serve");
        LogVersion(logger, ServerInfoApi.ServerVersion);
        LogNonDefaultArgs(logger, NonDefaultArgs(options));

        if (options.IsFrontend) return await RunFrontendAsync(options, loggerFactory, logger, stopping);
        using var model = await OpenAsync(options, loggerFactory, logger, stopping);
        var served = CreateServedModel(() => model.ServedAs(options));
        LogSamplingDefaults(logger, options.GenerationConfig, SamplingDefaults(served.SamplingDefaults));
        await using var app = ServerApplication.Build(options, served, services => services.AddReplica(model, options));
        await RunAsync(app, options, stopping);
        return 0;
    }

    /// <summary>A frontend node: the model's configs and tokenizer for the edge, no weights; requests go to the workers.</summary>
    private static async Task<int> RunFrontendAsync(ServeOptions options, ILoggerFactory loggerFactory, ILogger logger, CancellationToken stopping)
    {
        var hub = HubOptions.FromEnvironment(Environment.GetEnvironmentVariable, options.HubToken, options.DownloadDir);
        var path = await ModelResolution.ResolveAsync(options.Model, options.Revision, hub, loggerFactory, ProgressDisplay.ConsoleTerminal(), stopping);
        ServedModel served;
        try
        {
            var directory = ModelDirectory.Open(path);
            served = CreateServedModel(() => ServedModel.CreateWithoutWeights(directory, Runtime.Text.QwenTokenizer.Load(directory.Path), options));
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or InvalidDataException)
        {
            throw new CliException(e.Message);
        }
        LogFrontend(logger, options.Cluster!.SeedNodes.Count);
        await using var app = ServerApplication.Build(options, served, services => services.AddClusterFrontend(options.Cluster));
        await RunAsync(app, options, stopping);
        return 0;
    }

    private static async Task RunAsync(WebApplication app, ServeOptions options, CancellationToken stopping)
    {
        try
        {
            await app.StartAsync(stopping);
        }
        catch (IOException e)
        {
            throw new CliException($"cannot listen on {options.ListenUrl}: {e.Message}");
        }
        await app.WaitForShutdownAsync(stopping);
    }

    /// <summary>Resolves the model (downloading what the cache lacks) and loads it, showing the progress of both; `bench` loads it the same way.</summary>
    internal static async Task<LoadedModel> OpenAsync(ServeOptions options, ILoggerFactory loggerFactory, ILogger logger, CancellationToken stopping)
    {
        var hub = HubOptions.FromEnvironment(Environment.GetEnvironmentVariable, options.HubToken, options.DownloadDir);
        var terminal = ProgressDisplay.ConsoleTerminal();
        var directory = await ModelResolution.ResolveAsync(options.Model, options.Revision, hub, loggerFactory, terminal, stopping);
        var progress = new ProgressBoard();
        await using (ProgressDisplay.Start(progress, loggerFactory.CreateLogger(ProgressDisplay.LoggerName), terminal))
            return Load(options, directory, progress, logger, loggerFactory.CreateLogger(ReplicaComposition.LoggerName));
    }

    /// <param name="executorLog">where the executor logs its start-up work</param>
    private static LoadedModel Load(ServeOptions options, string directory, ProgressBoard progress, ILogger logger, ILogger executorLog)
    {
        var clock = Stopwatch.StartNew();
        LoadedModel model;
        try
        {
            // Named as given (a repo id stays one), not after the snapshot folder.
            model = LoadedModel.Open(directory, options.MaxModelLen, options.BlockSize, options.Model, progress, ReplicaSettings.Executor(options, executorLog));
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException or CudaException)
        {
            throw new CliException(e.Message);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        LogArchitecture(logger, model.Directory.Config.Architecture);
        LogMaxModelLen(logger, model.Executor.Spec.MaxModelLength);
        LogWeightsLoaded(logger, WeightBytes(model.Directory.Path) / (double)(1L << 30), seconds);
        return model;
    }

    private static ServedModel CreateServedModel(Func<ServedModel> create)
    {
        try
        {
            return create();
        }
        catch (CheckpointException e)
        {
            throw new CliException($"--generation-config: {e.Message}");
        }
    }

    /// <summary>The defaults the model's generation config sets, as vLLM logs them.</summary>
    private static string SamplingDefaults(GenerationConfig config)
    {
        var set = new List<string>();
        if (config.RepetitionPenalty is { } repetition) set.Add($"'repetition_penalty': {Real(repetition)}");
        if (config.Temperature is { } temperature) set.Add($"'temperature': {Real(temperature)}");
        if (config.TopK is { } topK) set.Add($"'top_k': {topK}");
        if (config.TopP is { } topP) set.Add($"'top_p': {Real(topP)}");
        return "{" + string.Join(", ", set) + "}";

        static string Real(double x) => x.ToString("0.0###############", CultureInfo.InvariantCulture);
    }

    /// <summary>The size of the weight files; in a Hub snapshot they are links, so the size is their blobs'.</summary>
    private static long WeightBytes(string directory) =>
        Directory.EnumerateFiles(directory, "*.safetensors").Sum(path => (new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? new FileInfo(path)).Length);

    /// <summary>The options that differ from vLLM's defaults, written as vLLM logs them (a Python dict); the API key is masked.</summary>
    public static string NonDefaultArgs(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var d = new ServeOptions { Model = options.Model };
        var args = new List<(string Name, string Value)> { ("model", Quote(options.Model)) };
        void Add<T>(string name, T value, T defaultValue, Func<T, string> show)
        {
            if (!EqualityComparer<T>.Default.Equals(value, defaultValue)) args.Add((name, show(value)));
        }
        Add("revision", options.Revision, d.Revision, v => Quote(v!));
        Add("hf_token", options.HubToken, d.HubToken, _ => "'***'");
        Add("download_dir", options.DownloadDir, d.DownloadDir, v => Quote(v!));
        Add("host", options.Host, d.Host, Quote);
        Add("port", options.Port, d.Port, v => Number(v));
        if (options.ServedModelNames.Count > 0) args.Add(("served_model_name", "[" + string.Join(", ", options.ServedModelNames.Select(Quote)) + "]"));
        Add("max_model_len", options.MaxModelLen, d.MaxModelLen, v => Number(v!.Value));
        Add("block_size", options.BlockSize, d.BlockSize, v => Number(v));
        Add("max_num_seqs", options.MaxNumSeqs, d.MaxNumSeqs, v => Number(v));
        Add("max_num_batched_tokens", options.MaxNumBatchedTokens, d.MaxNumBatchedTokens, v => Number(v!.Value));
        Add("enable_prefix_caching", options.EnablePrefixCaching, d.EnablePrefixCaching, v => v ? "True" : "False");
        Add("kv_cache_memory", options.KvCacheMemoryBytes, d.KvCacheMemoryBytes, v => Number(v!.Value));
        Add("gpu_memory_utilization", options.GpuMemoryUtilization, d.GpuMemoryUtilization, v => v.ToString(CultureInfo.InvariantCulture));
        Add("device", options.Device, d.Device, v => Quote(v.ToString().ToLowerInvariant()));
        Add("enforce_eager", options.EnforceEager, d.EnforceEager, _ => "True");
        Add("api_key", options.ApiKey, d.ApiKey, _ => "'***'");
        Add("disable_frontend", options.DisableFrontend, d.DisableFrontend, _ => "True");
        Add("generation_config", options.GenerationConfig, d.GenerationConfig, Quote);
        Add("allowed_local_media_path", options.Images.Sources.AllowedLocalMediaPath, null, v => Quote(v!));
        Add("disable_remote_media", !options.Images.Sources.AllowRemote, false, _ => "True");
        Add("limit_mm_per_prompt", options.Images.Limits.MaxImages, null, v => $"{{'image': {v}}}");
        Add("min_pixels", options.Images.MinPixels, null, v => Number(v!.Value));
        Add("max_pixels", options.Images.MaxPixels, null, v => Number(v!.Value));
        Add("seed", options.Seed, d.Seed, v => Number(v!.Value));
        Add("max_waiting_requests", options.MaxWaitingRequests, d.MaxWaitingRequests, v => Number(v));
        Add("max_request_body_bytes", options.MaxRequestBodyBytes, d.MaxRequestBodyBytes, Number);
        return "{" + string.Join(", ", args.Select(a => $"'{a.Name}': {a.Value}")) + "}";

        static string Quote(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "qwenvl API server version {Version}")]
    private static partial void LogVersion(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "non-default args: {Args}")]
    private static partial void LogNonDefaultArgs(ILogger logger, string args);

    [LoggerMessage(Level = LogLevel.Information, Message = "Frontend node: no weights loaded; requests go to the cluster's workers (seed nodes: {Seeds})")]
    private static partial void LogFrontend(ILogger logger, int seeds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resolved architecture: {Architecture}")]
    private static partial void LogArchitecture(ILogger logger, string architecture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using max model len {MaxModelLen}")]
    private static partial void LogMaxModelLen(ILogger logger, int maxModelLen);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model loading took {GiB:F4} GiB and {Seconds:F6} seconds")]
    private static partial void LogWeightsLoaded(ILogger logger, double gib, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Default sampling parameters (--generation-config {Source}): {Defaults}")]
    private static partial void LogSamplingDefaults(ILogger logger, string source, string defaults);
}
