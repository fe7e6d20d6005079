using System.Security.Cryptography;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// The n choices of one request: their sequences as the scheduler takes them, and each one's text
/// and counts as tokens arrive. Turns scheduler messages into stream events.
/// </summary>
internal sealed class RequestChoices
{
    private readonly Dictionary<SequenceId, int> _index = new();
    private readonly ChoiceText[] _texts;
    private readonly int[] _produced;
    private readonly bool[] _finished;
    private readonly int[] _stopTokenIds;
    private readonly SamplingParams _params;
    private readonly List<SequenceId> _stoppedByText = new();
    private int _cachedPromptTokens;

    public IReadOnlyList<SequenceRequest> Sequences { get; }
    public IReadOnlyList<SequenceId> Ids { get; }
    public int PromptTokens { get; }
    public bool AllFinished => Array.TrueForAll(_finished, f => f);
    public IReadOnlyList<SequenceId> StoppedByText => _stoppedByText;

    public RequestChoices(GenerateRequest request, PreparedPrompt prepared, RequestServices services)
    {
        _params = request.Sampling;
        int n = _params.N;
        PromptTokens = prepared.Prompt.Tokens.Length;
        _stopTokenIds = (_params.IgnoreEos ? _params.StopTokenIds : services.EosTokenIds.Concat(_params.StopTokenIds)).Distinct().ToArray();
        int maxTokens = Math.Min(_params.MaxTokens ?? int.MaxValue, services.MaxModelLength - PromptTokens);
        var images = prepared.Images.Select(p => new SequenceImage(ImageKey.Of(p), p)).ToArray();
        var sequences = new SequenceRequest[n];
        for (int i = 0; i < n; i++)
        {
            var id = services.SequenceIds.Next();
            _index[id] = i;
            sequences[i] = new SequenceRequest(id, prepared.Prompt, images, _params, SeedFor(i, services.DefaultSeed), maxTokens, _stopTokenIds);
        }
        Sequences = sequences;
        Ids = sequences.Select(s => s.Id).ToArray();
        _texts = Enumerable.Range(0, n)
            .Select(_ => new ChoiceText(services.Tokenizer, request.SkipSpecialTokens, _params.Stop, request.IncludeStopStringInOutput)).ToArray();
        _produced = new int[n];
        _finished = new bool[n];
    }

    /// <summary>Per-request seed + choice index (as vLLM derives n seeds), else a server seed, else random.</summary>
    private ulong SeedFor(int choice, long? serverSeed)
    {
        if (_params.Seed is long seed) return unchecked((ulong)(seed + choice));
        return BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) ^ unchecked((ulong)(serverSeed ?? 0));
    }

    public IReadOnlyList<CompletionEvent> Add(IReadOnlyList<GeneratedToken> tokens)
    {
        var events = new List<CompletionEvent>(tokens.Count);
        foreach (var t in tokens)
        {
            if (!_index.TryGetValue(t.Id, out int i) || _finished[i]) continue;
            _produced[i]++;
            bool isStopToken = Array.IndexOf(_stopTokenIds, t.Token.TokenId) >= 0;
            // A stop token ends the choice and stays out of the text, as in vLLM.
            var text = isStopToken ? "" : _texts[i].Add(t.Token.TokenId, checkStops: _produced[i] >= _params.MinTokens);
            if (text.Length > 0 || _params.Logprobs) events.Add(new TextDelta(i, text, [t.Token]));
            if (_texts[i].Stopped) StopByText(i, t.Id, events);
        }
        return events;
    }

    public IReadOnlyList<CompletionEvent> Finish(FinishedSequence f)
    {
        if (!_index.TryGetValue(f.Id, out int i) || _finished[i]) return [];
        _cachedPromptTokens = Math.Max(_cachedPromptTokens, f.CachedPromptTokens);
        var rest = _texts[i].Finish(checkStops: _produced[i] >= _params.MinTokens);
        var events = new List<CompletionEvent>(2);
        if (rest.Length > 0) events.Add(new TextDelta(i, rest, []));
        _finished[i] = true;
        events.Add(new ChoiceFinished(i, _texts[i].Stopped ? FinishReason.Stop : f.Reason, _produced[i]));
        return events;
    }

    private void StopByText(int i, SequenceId id, List<CompletionEvent> events)
    {
        _finished[i] = true;
        _stoppedByText.Add(id);
        events.Add(new ChoiceFinished(i, FinishReason.Stop, _produced[i]));
    }

    public IReadOnlyList<SequenceId> TakeStoppedByText()
    {
        var ids = _stoppedByText.ToArray();
        _stoppedByText.Clear();
        return ids;
    }

    public CompletionFinished Summary() => new(PromptTokens, _produced.Sum(), _cachedPromptTokens);
}
