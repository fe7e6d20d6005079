using QwenVL.Actors.Messages;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Completions;

/// <summary>
/// Folds a request's events into whole choices for a non-streaming answer: each choice's text, tokens and finish
/// reason, then the usage from the final event, or the failure that ended the request.
/// </summary>
public sealed class ChoiceAccumulator
{
    private readonly ChoiceCollector _choices;

    public ChoiceAccumulator(int choices) => _choices = new ChoiceCollector(choices);

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
                _choices.Text(delta.Choice, delta.Text, delta.Tokens);
                break;
            case ChoiceFinished finished:
                _choices.Finished(finished.Choice, finished.Reason, finished.CompletionTokens);
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
    public IReadOnlyList<GeneratedChoice> Choices() => _choices.Choices();

    public UsageDto Usage()
    {
        var done = Finished ?? throw new InvalidOperationException("the request has not finished");
        return UsageDto.Of(done.PromptTokens, done.CompletionTokens);
    }
}
