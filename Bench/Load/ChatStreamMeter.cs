using System.Text.Json;

namespace QwenVL.Bench.Load;

/// <summary>
/// Reads the events of one streamed chat completion as they arrive and times them. The first chunk with non-empty
/// <c>delta.content</c> is the first token (TTFT); each later content chunk adds its gap from the previous one to the
/// inter-token latencies. Role-only chunks do not count: a server may send the role before the prompt is even
/// processed (ours does), so counting it would make TTFT measure nothing. The usage chunk gives the token counts; an
/// error object fails the request; <c>[DONE]</c> ends it. Any other chunk is looked at no further.
/// </summary>
public sealed class ChatStreamMeter(int index)
{
    private const string DoneMarker = "[DONE]";

    private readonly List<double> _itl = [];
    private double? _firstContent;
    private double? _doneAt;
    private double _lastContent;
    private int _contentChunks;
    private int? _promptTokens;
    private int? _completionTokens;
    private string? _error;

    /// <summary>Whether [DONE] has come.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Whether the stream carried an error object or something that is not JSON; nothing after it matters.</summary>
    public bool HasFailed => _error != null;

    /// <summary>One event's data, received <paramref name="seconds"/> after the request was sent.</summary>
    public void Accept(string data, double seconds)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IsDone || HasFailed) return;
        if (data.Trim() == DoneMarker)
        {
            IsDone = true;
            _doneAt = seconds;
            return;
        }
        try
        {
            using var chunk = JsonDocument.Parse(data);
            Read(chunk.RootElement, seconds);
        }
        catch (JsonException e)
        {
            _error = $"the stream sent a chunk that is not JSON ({e.Message}): {Shorten(data)}";
        }
    }

    /// <summary>
    /// The outcome once the stream has ended (or been left) at <paramref name="endSeconds"/>. The latency ends at
    /// [DONE]; a stream that closed before it failed. Without a usage chunk the content chunks are counted as tokens,
    /// the closest a client gets without a tokenizer.
    /// </summary>
    public RequestOutcome Finish(double endSeconds)
    {
        if (_error != null) return RequestOutcome.Failed(index, _error, endSeconds);
        if (_doneAt is not { } latency) return RequestOutcome.Failed(index, "the stream ended before data: [DONE]", endSeconds);
        // Every token's text may have been held back to the end (incomplete UTF-8, stop strings): then the first
        // visible token is the end.
        double ttft = _firstContent ?? latency;
        return new RequestOutcome(index, true, null, ttft, _itl.ToArray(), latency, _promptTokens ?? 0, _completionTokens ?? _contentChunks);
    }

    private void Read(JsonElement chunk, double seconds)
    {
        if (chunk.ValueKind != JsonValueKind.Object) return;
        if (chunk.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            _error = "the server ended the stream with an error: " + ErrorMessage(error);
            return;
        }
        if (chunk.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
            && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            && content.GetString()!.Length > 0)
        {
            if (_firstContent == null) _firstContent = seconds;
            else _itl.Add(seconds - _lastContent);
            _lastContent = seconds;
            _contentChunks++;
        }
        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            if (usage.TryGetProperty("prompt_tokens", out var prompt) && prompt.TryGetInt32(out int p)) _promptTokens = p;
            if (usage.TryGetProperty("completion_tokens", out var completion) && completion.TryGetInt32(out int c)) _completionTokens = c;
        }
    }

    /// <summary>OpenAI's <c>{"message": ...}</c>, or the value as it came.</summary>
    internal static string ErrorMessage(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? message.GetString()!
            : error.ValueKind == JsonValueKind.String ? error.GetString()! : Shorten(error.GetRawText());

    public static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
