using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// A tokenized prompt with its M-RoPE position ids (plane-major), where its images' tokens sit, and
/// the rope delta that decode positions continue from: output token k sits at PromptLength + k + RopeDelta.
/// </summary>
public sealed record PromptInput(int[] Tokens, int[] Positions, int RopeDelta, IReadOnlyList<ImageSpan> Images)
{
    public static PromptInput FromText(int[] tokens) => new(tokens, MRopePositions.ForText(0, tokens.Length), 0, []);

    /// <summary>
    /// Expands each single &lt;|image_pad|&gt; the chat template wrote into one token per merged patch of
    /// its image, then numbers the positions as get_rope_index does.
    /// </summary>
    public static PromptInput Build(ReadOnlySpan<int> templateTokens, IReadOnlyList<ImageGrid> images, SpecialTokens special, int mergeSize)
    {
        var tokens = new List<int>(templateTokens.Length);
        var spans = new List<ImageSpan>(images.Count);
        foreach (var token in templateTokens)
        {
            if (token != special.ImageTokenId)
            {
                tokens.Add(token);
                continue;
            }
            if (spans.Count >= images.Count)
                throw new ArgumentException($"the prompt has more image placeholders than the {images.Count} image(s) given");
            int count = images[spans.Count].TokenCount(mergeSize);
            spans.Add(new ImageSpan(spans.Count, tokens.Count, count));
            for (int k = 0; k < count; k++) tokens.Add(token);
        }
        if (spans.Count != images.Count)
            throw new ArgumentException($"{images.Count} image(s) given but the prompt has {spans.Count} placeholder(s)");
        var ids = tokens.ToArray();
        var positions = MRopePositions.ForPrompt(ids, images, special.ImageTokenId, mergeSize, out int delta);
        return new PromptInput(ids, positions, delta, spans);
    }

    /// <summary>The image rows that stand in for tokens [start, start + count) of the prompt.</summary>
    public IReadOnlyList<ImageSlice> ImageSlicesFor(int start, int count, IReadOnlyList<ImageKey> keys)
    {
        if (Images.Count == 0) return [];
        var slices = new List<ImageSlice>();
        foreach (var span in Images)
        {
            int from = Math.Max(start, span.Start), to = Math.Min(start + count, span.End);
            if (from >= to) continue;
            slices.Add(new ImageSlice(from - start, keys[span.Image], from - span.Start, to - from));
        }
        return slices;
    }
}
