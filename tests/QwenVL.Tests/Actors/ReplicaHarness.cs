using Akka.Actor;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Text;

namespace QwenVL.Tests.Actors;

/// <summary>A replica of the tiny fixture model on the CPU executor inside a test's actor system.</summary>
public sealed class ReplicaHarness : IDisposable
{
    private readonly ImageInputPreparer _images;

    public LocalCompletionService Service { get; }
    public IModelExecutor Executor { get; }
    public int Blocks { get; }

    public ReplicaHarness(ActorSystem system, int blocks = 256, int maxNumBatchedTokens = 64, int maxNumSeqs = 16,
        IModelExecutor? executor = null, int maxWaiting = 64, bool prefixCaching = true, TimeSpan? requestTimeout = null)
    {
        Executor = executor ?? TinyModel.NewExecutor(blocks);
        Blocks = blocks;
        var dir = TinyModel.Directory;
        _images = new ImageInputPreparer(dir.Preprocessor, new ImageSourcePolicy());
        var services = new RequestServices(new PromptPreparer(SharedTokenizer.Instance, _images, dir.Config), SharedTokenizer.Instance,
            [151645, 151643], MaxModelLength: 4096, new SequenceIdSource(), RequestTimeout: requestTimeout);
        var config = new SchedulerConfig(blocks, Executor.Spec.BlockSize, 4096, maxNumSeqs, maxNumBatchedTokens, prefixCaching, maxWaiting);
        Service = Replica.Start(system, Executor, new ReplicaOptions(config), services).Completions;
    }

    public static GenerateRequest Chat(string text, SamplingParams sampling, string id = "test") =>
        new(id, new ChatPrompt([ChatMessage.FromText("user", text)], []), sampling);

    public static GenerateRequest ReferenceChat(ChatCase chat, SamplingParams sampling)
    {
        var messages = new List<ChatMessage>();
        var images = new List<ImageInput>();
        foreach (var m in chat.Messages.EnumerateArray())
        {
            var content = m.GetProperty("content");
            if (content.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                messages.Add(ChatMessage.FromText(m.GetProperty("role").GetString()!, content.GetString()!));
                continue;
            }
            var parts = new List<ChatContentPart>();
            foreach (var part in content.EnumerateArray())
            {
                if (part.GetProperty("type").GetString() == "text") parts.Add(new TextPart(part.GetProperty("text").GetString()!));
                else
                {
                    var file = chat.Images[images.Count];
                    var mime = file.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png";
                    var data = $"data:{mime};base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", file)));
                    parts.Add(new ImagePart(data));
                    images.Add(new ImageInput(data, $"image {images.Count}"));
                }
            }
            messages.Add(new ChatMessage(m.GetProperty("role").GetString()!, parts));
        }
        return new GenerateRequest(chat.Name, new ChatPrompt(messages, images), sampling);
    }

    /// <summary>Runs a request to its end and collects its events.</summary>
    public async Task<CompletionResult> RunAsync(GenerateRequest request, CancellationToken cancellationToken = default)
    {
        var events = new List<CompletionEvent>();
        await foreach (var e in Service.GenerateAsync(request, cancellationToken)) events.Add(e);
        return new CompletionResult(events);
    }

    public void Dispose() => _images.Dispose();
}

/// <summary>A finished request's events, with the views tests ask for.</summary>
public sealed record CompletionResult(IReadOnlyList<CompletionEvent> Events)
{
    public string Text(int choice = 0) => string.Concat(Events.OfType<TextDelta>().Where(d => d.Choice == choice).Select(d => d.Text));

    public int[] TokenIds(int choice = 0) =>
        Events.OfType<TextDelta>().Where(d => d.Choice == choice).SelectMany(d => d.Tokens).Select(t => t.TokenId).ToArray();

    public CompletionEvent Last => Events[^1];

    public FinishReason? Reason(int choice = 0) => Events.OfType<ChoiceFinished>().FirstOrDefault(f => f.Choice == choice)?.Reason;
}
