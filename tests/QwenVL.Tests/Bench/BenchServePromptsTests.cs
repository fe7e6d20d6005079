using System.Text.Json;
using QwenVL.Runtime.Vision;
using Xunit;
using QwenVL.Bench.Load;

namespace QwenVL.Tests.Bench;

/// <summary>The generated requests: reproducible from the seed, one distinct picture per request, exactly N output tokens asked.</summary>
public class BenchServePromptsTests
{
    private static BenchServeOptions Options(ServeWorkload workload, int prompts = 6) => new()
    {
        BaseUrl = new Uri("http://h/"), NumPrompts = prompts, Workload = workload, InputLen = 12, OutputLen = 9, Seed = 42,
    };

    [Fact]
    public void Image_requests_carry_a_448_square_png_and_the_question_and_ask_for_exactly_n_streamed_tokens()
    {
        var request = BenchPrompts.BuildOne(Options(ServeWorkload.Image), "m", 0);
        Assert.True(request.HasImage);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("m", root.GetProperty("model").GetString());
        Assert.Equal(9, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(9, root.GetProperty("min_tokens").GetInt32());
        Assert.True(root.GetProperty("ignore_eos").GetBoolean());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var content = root.GetProperty("messages")[0].GetProperty("content");
        var url = content[0].GetProperty("image_url").GetProperty("url").GetString()!;
        Assert.StartsWith("data:image/png;base64,", url, StringComparison.Ordinal);
        Assert.Equal(BenchPrompts.ImageQuestion, content[1].GetProperty("text").GetString());
        var image = ImageDecoder.Decode(Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        Assert.Equal((448, 448), (image.Width, image.Height));
    }

    [Fact]
    public void Same_seed_gives_the_same_requests_and_each_request_its_own_picture()
    {
        var options = Options(ServeWorkload.Image);
        var first = BenchPrompts.Build(options, "m");
        var again = BenchPrompts.Build(options, "m");
        Assert.Equal(first.Select(r => r.Body), again.Select(r => r.Body));
        Assert.Equal(first.Count, first.Select(r => Convert.ToBase64String(r.Body)).Distinct().Count());
        Assert.NotEqual(first[0].Body, BenchPrompts.BuildOne(options with { Seed = 43 }, "m", 0).Body);
    }

    [Fact]
    public void Jpeg_format_gives_jpeg_data_urls_that_decode()
    {
        var bytes = SyntheticImage.Encode(seed: 1, BenchImageFormat.Jpeg);
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
        var image = ImageDecoder.Decode(bytes);
        Assert.Equal((448, 448), (image.Width, image.Height));
        Assert.StartsWith("data:image/jpeg;base64,", SyntheticImage.DataUrl(1, BenchImageFormat.Jpeg), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_requests_are_input_len_random_words()
    {
        var requests = BenchPrompts.Build(Options(ServeWorkload.Text), "m");
        Assert.All(requests, r => Assert.False(r.HasImage));
        var texts = requests.Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            return body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        }).ToArray();
        Assert.All(texts, t => Assert.Equal(12, t.Split(' ').Length));
        Assert.Equal(texts.Length, texts.Distinct().Count());
    }

    [Fact]
    public void Mixed_workload_has_both_kinds()
    {
        var requests = BenchPrompts.Build(Options(ServeWorkload.Mixed, prompts: 40), "m");
        int images = requests.Count(r => r.HasImage);
        Assert.InRange(images, 8, 32);
    }
}
