using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.App.Composition;
using QwenVL.Http.Completions;
using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;
using QwenVL.Http.Server;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Hub;
using QwenVL.Runtime.Progress;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Vision;

namespace QwenVL.App.Cli;

/// <summary>`qwenvl generate`: one chat.completions request body in, the chat.completion response out, no HTTP.</summary>
public static class GenerateCommand
{
    public static async Task<int> RunAsync(CliOptions options, TextReader stdin, TextWriter stdout)
    {
        var modelName = options.Required("model");
        var requestPath = options.Required("request");
        // Parsed before the model loads, so a mistyped image option fails fast.
        var imageOptions = ImageInputOptionsParser.Parse(options);
        var body = requestPath == "-" ? await stdin.ReadToEndAsync() : await ReadFileAsync(requestPath);
        var request = ParseRequest(body);
        using var model = await OpenModelAsync(modelName, options);
        var response = await RunAsync(model, request, imageOptions, options.Int("kv-cache-mib"));
        await stdout.WriteLineAsync(JsonSerializer.Serialize(response, ProtocolJson.Context.ChatCompletionResponse));
        return 0;
    }

    /// <summary>
    /// Maps the request as `serve` maps it, runs its choices through the scheduler on the model's executor, and writes the
    /// answer with the same builder, so the two differ only in id and created.
    /// </summary>
    public static async Task<ChatCompletionResponse> RunAsync(LoadedModel model, ChatCompletionRequest request, ImageInputOptions imageOptions,
        int? kvCacheMib = null)
    {
        try
        {
            var served = model.ServedAs(new ServeOptions { Model = model.Name, Images = imageOptions });
            var generate = ChatRequestMapper.MapAnyModelName(request, served, "chatcmpl-" + Guid.NewGuid().ToString("N"));
            var chat = (ChatPrompt)generate.Prompt;
            using var images = new ImageInputPreparer(model.Directory.Preprocessor, imageOptions.Sources);
            var prepared = await new PromptPreparer(model.Tokenizer, images, model.Directory.Config).PrepareChatAsync(chat.Messages, chat.Images, default);
            var sampling = generate.Sampling;
            var scheduler = SchedulerFor(model, prepared.Prompt.Tokens.Length, sampling.MaxTokens, sampling.N, kvCacheMib);
            var result = new GenerationLoop(model.Executor, scheduler, model.Tokenizer, model.EosTokenIds, model.Grammars)
                .Run(prepared, sampling, new OutputTextOptions(generate.SkipSpecialTokens, generate.IncludeStopStringInOutput));
            return new ChatCompletionResponseBuilder(model.Tokenizer).Build(generate.RequestId, request.Model ?? served.PrimaryName,
                DateTimeOffset.UtcNow.ToUnixTimeSeconds(), result.Choices, sampling.Logprobs, UsageDto.Of(result.PromptTokens, result.CompletionTokens));
        }
        catch (InvalidRequestException e)
        {
            throw new CliException(e.Param == null ? e.Message : $"{e.Param}: {e.Message}");
        }
        catch (ImageInputException e)
        {
            throw new CliException(e.Message);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>
    /// The scheduler `serve` would run with its defaults, over a KV cache of --kv-cache-mib or, by default, room for
    /// every choice's whole sequence.
    /// </summary>
    private static SchedulerConfig SchedulerFor(LoadedModel model, int promptTokens, int? maxTokens, int n, int? kvCacheMib)
    {
        var spec = model.Executor.Spec;
        int tokens = Math.Min(spec.MaxModelLength, promptTokens + (maxTokens ?? spec.MaxModelLength));
        long needed = (long)n * ((tokens + spec.BlockSize - 1) / spec.BlockSize) * model.Executor.KvCacheBytesPerBlock;
        long bytes = kvCacheMib is int mib ? (long)mib << 20 : needed;
        return ReplicaSettings.Scheduler(new ServeOptions { Model = model.Name }, spec, model.Executor.AllocateKvCache(bytes));
    }

    /// <summary>
    /// Resolves the model as `serve` does (a directory, or a Hub repo id through the cache) and loads it. Progress and
    /// download lines go to standard error, which keeps standard output for the response.
    /// </summary>
    private static async Task<LoadedModel> OpenModelAsync(string modelName, CliOptions options)
    {
        var hub = HubOptions.FromEnvironment(Environment.GetEnvironmentVariable, options.Optional("hf-token"), options.Optional("download-dir"));
        using var loggerFactory = LoggerFactory.Create(ServerLogging.ConfigureStandardError);
        var terminal = ProgressDisplay.ConsoleTerminal();
        var directory = await ModelResolution.ResolveAsync(modelName, options.Optional("revision"), hub, loggerFactory, terminal, CancellationToken.None);
        var progress = new ProgressBoard();
        await using var display = ProgressDisplay.Start(progress, loggerFactory.CreateLogger(ProgressDisplay.LoggerName), terminal);
        try
        {
            return LoadedModel.Open(directory, options.Int("max-model-len"), options.Int("block-size") ?? 16, modelName, progress);
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or InvalidDataException)
        {
            throw new CliException(e.Message);
        }
    }

    private static ChatCompletionRequest ParseRequest(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ProtocolJson.Context.ChatCompletionRequest)
                ?? throw new CliException("the request body is null");
        }
        catch (JsonException e)
        {
            throw new CliException($"the request is not valid JSON: {e.Message}");
        }
    }

    private static async Task<string> ReadFileAsync(string path)
    {
        if (!File.Exists(path)) throw new CliException($"request file not found: {path}");
        return await File.ReadAllTextAsync(path);
    }
}
