using QwenVL.Actors.Messages;
using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Completions;

/// <summary>
/// A /v1/chat/completions body as the completion service takes it: the model checked, messages parsed, sampling
/// settings over the model's defaults, image parts resolved against the server's image settings. Throws
/// <see cref="ModelNotFoundException"/> or <see cref="InvalidRequestException"/> naming the field.
/// </summary>
public static class ChatRequestMapper
{
    public static GenerateRequest Map(ChatCompletionRequest request, ServedModel model, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureServes(request.Model);
        return MapAnyModelName(request, model, requestId);
    }

    /// <summary>The same mapping for `qwenvl generate`, which runs its one model whatever name the request gives.</summary>
    public static GenerateRequest MapAnyModelName(ChatCompletionRequest request, ServedModel model, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        StreamOptionsCheck.Ensure(request);
        var messages = ChatMessagesParser.Parse(request.Messages);
        var sampling = SamplingParamsMapper.Map(request, model.SamplingDefaults);
        var images = ImageInputMapper.Map(messages, request.MmProcessorKwargs, model.Images.Limits, model.ImagePixelBounds);
        return new GenerateRequest(requestId, new ChatPrompt(messages, images), sampling,
            request.SkipSpecialTokens ?? true, request.IncludeStopStrInOutput ?? false);
    }

    /// <summary>The validation the route runs before its handler: the same mapping, its result dropped.</summary>
    public static void Validate(ChatCompletionRequest request, ServedModel model) => Map(request, model, "validation");
}
