using QwenVL.Actors.Messages;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Text;
using Xunit;
using QwenVL.Bench.Workloads;

namespace QwenVL.Tests.Bench;

/// <summary>The workloads have hf_baseline.py's shapes, prompts and sampling.</summary>
public class BenchWorkloadsTests
{
    [Theory]
    [InlineData(BenchWorkloads.SingleImage, 1, 256)]
    [InlineData(BenchWorkloads.BatchImage, 32, 128)]
    [InlineData(BenchWorkloads.BatchText, 64, 128)]
    public void Workloads_have_hf_baselines_request_counts_and_exact_token_counts(string name, int requests, int tokens)
    {
        var workload = BenchWorkloads.Create(name);
        Assert.Equal(name, workload.Name);
        Assert.Equal(requests, workload.Requests.Count);
        Assert.Equal(tokens, workload.NewTokensPerRequest);
        Assert.Equal(requests, workload.Requests.Select(r => r.RequestId).Distinct().Count());
        foreach (var r in workload.Requests)
        {
            var p = r.Sampling;
            Assert.True(p.IsGreedy);
            Assert.Equal(tokens, p.MaxTokens);
            Assert.Equal(tokens, p.MinTokens);
            Assert.True(p.IgnoreEos);
            Assert.Equal(1, p.N);
            p.Validate();
        }
    }

    [Fact]
    public void Quick_run_overrides_shrink_the_batches_and_the_tokens()
    {
        Assert.Equal(3, BenchWorkloads.Create(BenchWorkloads.BatchText, requests: 3, newTokens: 5).Requests.Count);
        Assert.Equal(5, BenchWorkloads.Create(BenchWorkloads.BatchImage, requests: 3, newTokens: 5).Requests[0].Sampling.MaxTokens);
        Assert.Single(BenchWorkloads.Create(BenchWorkloads.SingleImage, requests: 3).Requests);
    }

    [Fact]
    public void Image_requests_ask_the_question_about_their_own_image()
    {
        var workload = BenchWorkloads.Create(BenchWorkloads.BatchImage);
        var urls = new HashSet<string>();
        foreach (var r in workload.Requests)
        {
            var chat = Assert.IsType<ChatPrompt>(r.Prompt);
            var message = Assert.Single(chat.Messages);
            Assert.Equal("user", message.Role);
            var image = Assert.IsType<ImagePart>(message.Content[0]);
            Assert.Equal(BenchWorkloads.Question, Assert.IsType<TextPart>(message.Content[1]).Text);
            Assert.Equal(image.Url, Assert.Single(chat.Images).Url);
            urls.Add(image.Url!);
        }
        Assert.Equal(32, urls.Count);
    }

    [Fact]
    public void Images_are_448_pixels_upscaled_from_random_56_pixel_ones_and_reproducible()
    {
        var image = BenchImages.Create(BenchWorkloads.BatchImage, 5);
        Assert.Equal((448, 448), (image.Width, image.Height));
        Assert.Equal(image.Pixels, BenchImages.Create(BenchWorkloads.BatchImage, 5).Pixels);
        Assert.NotEqual(image.Pixels, BenchImages.Create(BenchWorkloads.BatchImage, 6).Pixels);
        Assert.NotEqual(image.Pixels, BenchImages.Create(BenchWorkloads.SingleImage, 5).Pixels);
        // Upscaled ×8 by PIL's bicubic filter: the 56×56 source gives smooth runs, not 448² independent pixels.
        var small = new RgbImage(56, 56, new byte[56 * 56 * 3]);
        Assert.Equal(PilBicubicResize.Resize(small, 448, 448).Pixels.Length, image.Pixels.Length);
        Assert.True(image.Pixels.Distinct().Count() > 200, "random pixels use most byte values");
    }

    [Fact]
    public void Image_data_urls_decode_to_exactly_the_generated_pixels()
    {
        var image = BenchImages.Create(BenchWorkloads.SingleImage, 1);
        var url = BenchImages.DataUrl(image);
        Assert.StartsWith("data:image/png;base64,", url, StringComparison.Ordinal);
        var decoded = ImageDecoder.Decode(Convert.FromBase64String(url["data:image/png;base64,".Length..]));
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        Assert.Equal(image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Text_prompts_are_440_words_from_hf_baselines_list_different_per_request()
    {
        var words = "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing".Split(' ').ToHashSet();
        var first = BenchWorkloads.TextPrompt(0).Split(' ');
        Assert.Equal(BenchWorkloads.TextPromptWords, first.Length);
        Assert.All(first, w => Assert.Contains(w, words));
        Assert.Equal(words.Count, first.Distinct().Count());
        Assert.NotEqual(BenchWorkloads.TextPrompt(0), BenchWorkloads.TextPrompt(1));
        Assert.Equal(BenchWorkloads.TextPrompt(3), BenchWorkloads.TextPrompt(3));
    }

    [Fact]
    public void Text_prompts_are_about_460_tokens_after_the_chat_template()
    {
        var workload = BenchWorkloads.Create(BenchWorkloads.BatchText);
        foreach (var r in workload.Requests)
        {
            var chat = Assert.IsType<ChatPrompt>(r.Prompt);
            Assert.Empty(chat.Images);
            int tokens = SharedTokenizer.Instance.Encode(ChatTemplate.Render(chat.Messages)).Length;
            Assert.InRange(tokens, 450, 470);
        }
    }
}
