using QwenVL.Actors.Messages;
using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;
using QwenVL.Http.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Completions;

/// <summary>A mapped chat request and the tool call it forces (null: the answer is plain content).</summary>
public sealed record MappedChatRequest(GenerateRequest Generate, ForcedToolCall? ToolCall);

/// <summary>
/// A /v1/chat/completions body as the completion service takes it: the model checked, messages parsed, sampling
/// settings over the model's defaults, image parts resolved against the server's image settings, the output constraint
/// (response_format, structured_outputs, guided_*, a forced tool call) compiled once to validate it, and the tools of
/// a forced call listed in the system turn. Throws <see cref="ModelNotFoundException"/> or
/// <see cref="InvalidRequestException"/> naming the field.
/// </summary>
public static class ChatRequestMapper
{
    public static GenerateRequest Map(ChatCompletionRequest request, ServedModel model, string requestId) =>
        MapChat(request, model, requestId).Generate;

    public static MappedChatRequest MapChat(ChatCompletionRequest request, ServedModel model, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureServes(request.Model);
        return MapAnyModelNameWithTools(request, model, requestId);
    }

    /// <summary>The same mapping for `qwenvl generate`, which runs its one model whatever name the request gives.</summary>
    public static GenerateRequest MapAnyModelName(ChatCompletionRequest request, ServedModel model, string requestId) =>
        MapAnyModelNameWithTools(request, model, requestId).Generate;

    private static MappedChatRequest MapAnyModelNameWithTools(ChatCompletionRequest request, ServedModel model, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        StreamOptionsCheck.Ensure(request);
        var messages = ChatMessagesParser.Parse(request.Messages);
        var tools = ToolChoiceMapper.Map(request, model.Grammars);
        var constraints = ConstraintMapper.Read(request);
        var constraint = ConstraintMapper.Single(tools.Constraint is { } forced ? [.. constraints, forced] : constraints);
        if (constraint != null && !ReferenceEquals(constraint, tools.Constraint)) model.Grammars.Compile(constraint.Spec, constraint.Field);
        var sampling = SamplingParamsMapper.Map(request, model.SamplingDefaults) with
        {
            LogitBias = LogitBiasMapper.Map(request.LogitBias, model.VocabSize),
            Constraint = constraint?.Spec,
        };
        // Images are mapped before the tools' system text is added: their fields name the request's message positions.
        var images = ImageInputMapper.Map(messages, request.MmProcessorKwargs, model.Images.Limits, model.ImagePixelBounds);
        var prompt = tools.PromptTools.Count > 0 ? ToolPrompt.WithTools(messages, tools.PromptTools) : messages;
        var generate = new GenerateRequest(requestId, new ChatPrompt(prompt, images), sampling,
            request.SkipSpecialTokens ?? true, request.IncludeStopStrInOutput ?? false);
        return new MappedChatRequest(generate, tools.Forced);
    }

    /// <summary>The validation the route runs before its handler: the same mapping, its result dropped.</summary>
    public static void Validate(ChatCompletionRequest request, ServedModel model) => MapChat(request, model, "validation");
}
