using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>Writes finished choices as the text_completion object of /v1/completions.</summary>
public sealed class TextCompletionResponseBuilder(QwenTokenizer tokenizer)
{
    private readonly LogprobsFormatter _logprobs = new(tokenizer);

    public CompletionResponse Build(string id, string model, long created, IReadOnlyList<GeneratedChoice> choices, bool logprobs, UsageDto usage)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var dtos = choices.Select(c => new CompletionChoiceDto(
            c.Index,
            c.Text,
            logprobs ? _logprobs.Completion(c.Samples, 0) : null,
            c.Reason.ToOpenAi())).ToArray();
        return new CompletionResponse(id, "text_completion", created, model, dtos, usage);
    }
}
