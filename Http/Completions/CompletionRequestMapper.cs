using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;
using QwenVL.Http.Structured;

namespace QwenVL.Http.Completions;

/// <summary>
/// A /v1/completions body as the completion service takes it. The prompt is one string (or an array holding one)
/// or one array of token ids; batches of prompts are refused, as are echo and suffix, which nothing here implements.
/// </summary>
public static class CompletionRequestMapper
{
    public static GenerateRequest Map(CompletionRequest request, ServedModel model, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureServes(request.Model);
        StreamOptionsCheck.Ensure(request);
        if (request.Echo == true) throw new InvalidRequestException("echo is not supported by this server", "echo");
        if (!string.IsNullOrEmpty(request.Suffix)) throw new InvalidRequestException("suffix is not supported by this server", "suffix");
        var prompt = ParsePrompt(request.Prompt, model.VocabSize);
        var sampling = SamplingParamsMapper.Map(request, model.SamplingDefaults) with
        {
            LogitBias = LogitBiasMapper.Map(request.LogitBias, model.VocabSize),
        };
        return new GenerateRequest(requestId, prompt, sampling, request.SkipSpecialTokens ?? true, request.IncludeStopStrInOutput ?? false);
    }

    public static void Validate(CompletionRequest request, ServedModel model) => Map(request, model, "validation");

    private static PromptSpec ParsePrompt(JsonElement? prompt, int vocabSize)
    {
        if (prompt is not JsonElement p || p.ValueKind == JsonValueKind.Null)
            throw new InvalidRequestException("prompt is required", "prompt");
        switch (p.ValueKind)
        {
            case JsonValueKind.String:
                return Text(p.GetString()!);
            case JsonValueKind.Array when p.GetArrayLength() == 0:
                throw new InvalidRequestException("prompt must not be empty", "prompt");
            case JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                if (p.GetArrayLength() > 1)
                    throw new InvalidRequestException("only one prompt per request is supported; send each prompt in its own request", "prompt");
                return Text(p[0].GetString()!);
            case JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number):
                return Tokens(p, vocabSize);
            case JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Array):
                throw new InvalidRequestException("only one prompt per request is supported; send each prompt in its own request", "prompt");
            default:
                throw new InvalidRequestException("prompt must be a string or an array of token ids", "prompt");
        }
    }

    private static TextPrompt Text(string text) =>
        text.Length > 0 ? new TextPrompt(text) : throw new InvalidRequestException("prompt must not be empty", "prompt");

    private static TokenPrompt Tokens(JsonElement array, int vocabSize)
    {
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (!e.TryGetInt32(out int id) || id < 0 || id >= vocabSize)
                throw new InvalidRequestException($"prompt[{i}] = {e.GetRawText()} is not a token id of this model (0 to {vocabSize - 1})", "prompt");
            ids[i++] = id;
        }
        return new TokenPrompt(ids);
    }
}
