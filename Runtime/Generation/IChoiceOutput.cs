using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// Where a <see cref="ChoiceSet"/> sends what its choices produce, in order: serving turns it into stream
/// events, <see cref="ChoiceCollector"/> into whole choices.
/// </summary>
public interface IChoiceOutput
{
    /// <summary>
    /// A token one choice took and the text it released (empty while text is held back or for a stop token),
    /// or, with no token, the rest of the text written when the choice ends.
    /// </summary>
    void Text(int choice, string text, SampledToken? token);

    void Finished(int choice, FinishReason reason, int completionTokens);
}
