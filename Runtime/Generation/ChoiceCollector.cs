using System.Text;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// Folds a request's choice output into whole choices for a non-streaming answer: each choice's text, the
/// tokens it was given with their logprobs, and its finish reason.
/// </summary>
public sealed class ChoiceCollector : IChoiceOutput
{
    private readonly StringBuilder[] _texts;
    private readonly List<SampledToken>[] _tokens;
    private readonly FinishReason?[] _reasons;

    public ChoiceCollector(int choices)
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

    public void Text(int choice, string text, SampledToken? token)
    {
        _texts[Index(choice)].Append(text);
        if (token is { } t) _tokens[choice].Add(t);
    }

    /// <summary>Text with any number of tokens, as a stream event carries it.</summary>
    public void Text(int choice, string text, IReadOnlyList<SampledToken> tokens)
    {
        _texts[Index(choice)].Append(text);
        _tokens[choice].AddRange(tokens);
    }

    public void Finished(int choice, FinishReason reason, int completionTokens) => _reasons[Index(choice)] = reason;

    /// <summary>The choices in index order; one that never finished reads as aborted.</summary>
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

    private int Index(int choice) =>
        (uint)choice < (uint)_texts.Length ? choice : throw new InvalidOperationException($"choice {choice} of a request with {_texts.Length}");
}
