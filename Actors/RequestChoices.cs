using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;

namespace QwenVL.Actors;

/// <summary>
/// A request's <see cref="ChoiceSet"/> as the request actor streams it: the scheduler's tokens and finishes
/// become text deltas, finished choices and the final usage. A token that released no text is sent only when
/// logprobs were asked for.
/// </summary>
internal sealed class RequestChoices
{
    private readonly ChoiceSet _choices;
    private readonly bool _logprobs;

    public RequestChoices(GenerateRequest request, PreparedPrompt prepared, CompiledGrammar? grammar, RequestServices services)
    {
        _logprobs = request.Sampling.Logprobs;
        var setup = new ChoiceSetup(services.Tokenizer, services.EosTokenIds, services.MaxModelLength, services.DefaultSeed);
        _choices = new ChoiceSet(prepared, request.Sampling, new OutputTextOptions(request.SkipSpecialTokens, request.IncludeStopStringInOutput),
            setup, services.SequenceIds.Next, grammar);
    }

    public IReadOnlyList<SequenceRequest> Sequences => _choices.Sequences;
    public IReadOnlyList<SequenceId> Ids => _choices.Ids;
    public int PromptTokens => _choices.PromptTokens;
    public bool AllFinished => _choices.AllFinished;

    public IReadOnlyList<CompletionEvent> Add(IReadOnlyList<GeneratedToken> tokens)
    {
        var events = new Events(tokens.Count, _logprobs);
        _choices.Add(tokens, events);
        return events;
    }

    public IReadOnlyList<CompletionEvent> Finish(FinishedSequence finished)
    {
        var events = new Events(2, _logprobs);
        _choices.Finish(finished, events);
        return events;
    }

    /// <summary>The sequences stop strings ended: the scheduler should abort them.</summary>
    public IReadOnlyList<SequenceId> TakeStoppedByText() => _choices.TakeStoppedByText();

    public CompletionFinished Summary() => new(_choices.PromptTokens, _choices.CompletionTokens, _choices.CachedPromptTokens);

    private sealed class Events(int capacity, bool logprobs) : List<CompletionEvent>(capacity), IChoiceOutput
    {
        public void Text(int choice, string text, SampledToken? token)
        {
            if (text.Length == 0 && !(logprobs && token != null)) return;
            Add(new TextDelta(choice, text, token is { } t ? [t] : []));
        }

        public void Finished(int choice, FinishReason reason, int completionTokens) => Add(new ChoiceFinished(choice, reason, completionTokens));
    }
}
