using System.Text;
using QwenVL.Actors.Messages;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Http.Completions;

/// <summary>
/// Folds a request's events into whole choices for a non-streaming answer: each choice's text, tokens and finish
/// reason, then the usage from the final event, or the failure that ended the request.
/// </summary>
public sealed class ChoiceAccumulator
{
    private readonly StringBuilder[] _texts;
    private readonly List<SampledToken>[] _tokens;
    private readonly FinishReason?[] _reasons;

    public ChoiceAccumulator(int choices)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(choices, 1);
        _texts = new StringBuilder[choices];
        _tokens = new List<SampledToken>[choices];
        _reasons = new FinishReason?[choices];
        for (int i = 0; i < choices; i++)
        {
            _texts[i] = new StringBuilder();
            _tokens[i] = [];
        }
    }

    public CompletionFinished? Finished { get; private set; }
    public CompletionFailed? Failure { get; private set; }

    public static async Task<ChoiceAccumulator> CollectAsync(CompletionRun run, int choices)
    {
        ArgumentNullException.ThrowIfNull(run);
        var accumulator = new ChoiceAccumulator(choices);
        await foreach (var e in run.EventsAsync()) accumulator.Add(e);
        return accumulator;
    }

    public void Add(CompletionEvent e)
    {
        switch (e)
        {
            case TextDelta delta:
                _texts[Index(delta.Choice)].Append(delta.Text);
                _tokens[delta.Choice].AddRange(delta.Tokens);
                break;
            case ChoiceFinished finished:
                _reasons[Index(finished.Choice)] = finished.Reason;
                break;
            case CompletionFinished done:
                Finished = done;
                break;
            case CompletionFailed failed:
                Failure = failed;
                break;
        }
    }

    /// <summary>The choices in index order; one the service never finished reads as aborted.</summary>
    public IReadOnlyList<GeneratedChoice> Choices()
    {
        var choices = new GeneratedChoice[_texts.Length];
        for (int i = 0; i < choices.Length; i++)
        {
            var samples = _tokens[i].ToArray();
            var ids = Array.ConvertAll(samples, s => s.TokenId);
            choices[i] = new GeneratedChoice(i, _texts[i].ToString(), ids, samples, _reasons[i] ?? FinishReason.Abort);
        }
        return choices;
    }

    public UsageDto Usage()
    {
        var done = Finished ?? throw new InvalidOperationException("the request has not finished");
        return new UsageDto(done.PromptTokens, done.CompletionTokens, done.PromptTokens + done.CompletionTokens);
    }

    private int Index(int choice) =>
        (uint)choice < (uint)_texts.Length ? choice : throw new InvalidOperationException($"the service sent choice {choice} of a request with {_texts.Length}");
}
