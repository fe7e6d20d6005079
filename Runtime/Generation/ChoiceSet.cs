using System.Security.Cryptography;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Generation;

/// <summary>What every request of a model shares when its choices are set up.</summary>
/// <param name="ServerSeed">mixed into the seed of choices whose request gives none (serve's --seed)</param>
public sealed record ChoiceSetup(QwenTokenizer Tokenizer, IReadOnlyList<int> EosTokenIds, int MaxModelLength, long? ServerSeed = null);

/// <summary>
/// The n choices of one request: the sequences the scheduler runs for them (one seed each), and a
/// <see cref="ChoiceDecoder"/> each that turns the scheduler's tokens and finishes into text and endings.
/// Used by the serving request actor and by `qwenvl generate` alike. Not thread-safe.
/// </summary>
public sealed class ChoiceSet
{
    private readonly Dictionary<SequenceId, int> _index = new();
    private readonly ChoiceDecoder[] _choices;
    private readonly List<SequenceId> _stoppedByText = new();

    /// <param name="grammar">the compiled <see cref="SamplingParams.Constraint"/> (null exactly when there is none); every choice matches it on its own</param>
    public ChoiceSet(PreparedPrompt prepared, SamplingParams p, OutputTextOptions options, ChoiceSetup setup, Func<SequenceId> nextId,
        CompiledGrammar? grammar = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(setup);
        if (!Equals(grammar?.Spec, p.Constraint))
            throw new ArgumentException("the compiled grammar is not the request's constraint", nameof(grammar));
        PromptTokens = prepared.Prompt.Tokens.Length;
        var stopTokenIds = StopTokenIds(p, setup.EosTokenIds);
        int maxTokens = Math.Min(p.MaxTokens ?? int.MaxValue, setup.MaxModelLength - PromptTokens);
        var images = prepared.Images.Select(patches => new SequenceImage(ImageKey.Of(patches), patches)).ToArray();
        var sequences = new SequenceRequest[p.N];
        _choices = new ChoiceDecoder[p.N];
        for (int i = 0; i < p.N; i++)
        {
            var id = nextId();
            _index[id] = i;
            sequences[i] = new SequenceRequest(id, prepared.Prompt, images, p, SeedFor(p, i, setup.ServerSeed), maxTokens, stopTokenIds, grammar);
            _choices[i] = new ChoiceDecoder(setup.Tokenizer, p, stopTokenIds, options);
        }
        Sequences = sequences;
        Ids = Array.ConvertAll(sequences, s => s.Id);
    }

    public IReadOnlyList<SequenceRequest> Sequences { get; }
    public IReadOnlyList<SequenceId> Ids { get; }
    public int PromptTokens { get; }
    public bool AllFinished => Array.TrueForAll(_choices, c => c.Ended);

    /// <summary>Every choice's tokens, up to and including the one that ended it.</summary>
    public int CompletionTokens => _choices.Sum(c => c.Produced);

    /// <summary>The most prompt tokens any choice found in the prefix cache.</summary>
    public int CachedPromptTokens { get; private set; }

    /// <summary>EOS ids (unless ignore_eos) and the request's stop_token_ids: the tokens that end a sequence.</summary>
    public static int[] StopTokenIds(SamplingParams p, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentNullException.ThrowIfNull(p);
        return (p.IgnoreEos ? p.StopTokenIds : eosTokenIds.Concat(p.StopTokenIds)).Distinct().ToArray();
    }

    /// <summary>The request's seed plus the choice's index (as vLLM derives n seeds), else random mixed with the server's seed.</summary>
    public static ulong SeedFor(SamplingParams p, int choice, long? serverSeed)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Seed is long seed) return unchecked((ulong)(seed + choice));
        return BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) ^ unchecked((ulong)(serverSeed ?? 0));
    }

    /// <summary>
    /// One step's tokens, in order; tokens of other requests' sequences and of ended choices are ignored. Every
    /// token a choice takes goes to <paramref name="output"/>, with the text it released (often none).
    /// </summary>
    public void Add(IReadOnlyList<GeneratedToken> tokens, IChoiceOutput output)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var t in tokens)
        {
            if (!_index.TryGetValue(t.Id, out int i) || _choices[i].Ended) continue;
            output.Text(i, _choices[i].Add(t.Token.TokenId), t.Token);
            if (!_choices[i].StoppedByText) continue;
            _stoppedByText.Add(t.Id);
            output.Finished(i, FinishReason.Stop, _choices[i].Produced);
        }
    }

    /// <summary>A sequence the scheduler finished (stop token, length, abort or error).</summary>
    public void Finish(FinishedSequence finished, IChoiceOutput output)
    {
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentNullException.ThrowIfNull(output);
        if (!_index.TryGetValue(finished.Id, out int i) || _choices[i].Ended) return;
        CachedPromptTokens = Math.Max(CachedPromptTokens, finished.CachedPromptTokens);
        var rest = _choices[i].Finish(finished.Reason);
        if (rest.Length > 0) output.Text(i, rest, null);
        output.Finished(i, _choices[i].Reason!.Value, _choices[i].Produced);
    }

    /// <summary>The sequences stop strings ended since the last call: the scheduler should abort them.</summary>
    public IReadOnlyList<SequenceId> TakeStoppedByText()
    {
        if (_stoppedByText.Count == 0) return [];
        var ids = _stoppedByText.ToArray();
        _stoppedByText.Clear();
        return ids;
    }
}
