using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Actors.Messages;

/// <summary>What the prompt is made of: chat messages (rendered with the chat template), raw text or token ids.</summary>
public abstract record PromptSpec;

/// <summary>Chat messages and the images their image parts name, in order (URLs, loaded by the request actor).</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ImageInput> Images) : PromptSpec;

public sealed record TextPrompt(string Text) : PromptSpec;

public sealed record TokenPrompt(int[] TokenIds) : PromptSpec;

/// <summary>
/// One validated completion request as the HTTP edge hands it to the actor system: n choices of the
/// same prompt under one set of sampling parameters. Images are still URLs: the request actor loads them.
/// </summary>
public sealed record GenerateRequest(
    string RequestId,
    PromptSpec Prompt,
    SamplingParams Sampling,
    bool SkipSpecialTokens = true,
    bool IncludeStopStringInOutput = false);
