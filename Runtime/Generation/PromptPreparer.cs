using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Generation;

/// <summary>A prompt ready for the scheduler: its tokens and positions, and its images' patches in order.</summary>
public sealed record PreparedPrompt(PromptInput Prompt, IReadOnlyList<PixelPatches> Images);

/// <summary>
/// Turns what a request asks for into model input: renders chat messages with the chat template,
/// tokenizes, loads and preprocesses the images, and expands their placeholders to one token per
/// merged patch with Qwen2-VL's position ids.
/// </summary>
public sealed class PromptPreparer(QwenTokenizer tokenizer, ImageInputPreparer images, ModelConfig config)
{
    public async Task<PreparedPrompt> PrepareChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ImageInput> imageInputs,
        CancellationToken cancellationToken)
    {
        var templateTokens = tokenizer.Encode(ChatTemplate.Render(messages));
        var patches = imageInputs.Count == 0 ? [] : await images.PrepareAsync(imageInputs, cancellationToken);
        var grids = patches.Select(p => new ImageGrid(p.GridT, p.GridH, p.GridW)).ToArray();
        return new PreparedPrompt(PromptInput.Build(templateTokens, grids, config.Tokens, config.Vision.SpatialMergeSize), patches);
    }

    /// <summary>Plain text: no template, and image placeholders written in it are refused (they would have no pixels).</summary>
    public PreparedPrompt PrepareText(string text) => PrepareTokens(tokenizer.Encode(text));

    public PreparedPrompt PrepareTokens(int[] tokens)
    {
        foreach (var t in tokens)
        {
            if (t == config.Tokens.ImageTokenId || t == config.Tokens.VideoTokenId)
                throw new ArgumentException("the prompt holds an image or video placeholder token without its pixels; send images as chat image_url parts");
            if (t < 0 || t >= config.Text.VocabSize)
                throw new ArgumentException($"token id {t} is outside the vocabulary of {config.Text.VocabSize}");
        }
        return new PreparedPrompt(PromptInput.FromText(tokens), []);
    }
}
