using System.Text.Json;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Vision;
using Xunit;

namespace QwenVL.Tests.Http;

public class ImageInputMapperTests
{
    // The tiny model's preprocessor_config bounds.
    private static readonly PixelBounds Server = new(3136, 12845056);

    private static ChatCompletionRequest Request(string json) =>
        JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.ChatCompletionRequest)!;

    private static IReadOnlyList<ChatMessage> UserImages(params ImagePart[] images) =>
        [ChatMessage.FromText("system", "Be brief."), new ChatMessage("user", [new TextPart("Compare:"), .. images])];

    private static MmProcessorKwargsDto Kwargs(string json) => Request($$"""{"mm_processor_kwargs": {{json}}}""").MmProcessorKwargs!;

    [Fact]
    public void Each_image_gets_its_request_field_in_prompt_order()
    {
        IReadOnlyList<ChatMessage> messages =
        [
            new ChatMessage("user", [new ImagePart("a"), new TextPart("and"), new ImagePart("b")]),
            ChatMessage.FromText("assistant", "Two cats."),
            new ChatMessage("user", [new TextPart("and"), new ImagePart("c")]),
        ];

        var images = ImageInputMapper.Map(messages, null, MultimodalLimits.None, Server);

        Assert.Equal(
            [("a", "messages[0].content[0]"), ("b", "messages[0].content[2]"), ("c", "messages[2].content[1]")],
            images.Select(i => (i.Url, i.Field)));
        Assert.All(images, i => Assert.Equal((Server.Min, Server.Max), (i.MinPixels, i.MaxPixels)));
    }

    [Fact]
    public void More_images_than_the_limit_are_refused_in_vllms_words()
    {
        var three = UserImages(new ImagePart("a"), new ImagePart("b"), new ImagePart("c"));

        var e = Assert.Throws<InvalidRequestException>(() => ImageInputMapper.Map(three, null, new MultimodalLimits(2), Server));
        var none = Assert.Throws<InvalidRequestException>(() => ImageInputMapper.Map(UserImages(new ImagePart("a")), null, new MultimodalLimits(0), Server));

        Assert.Equal("At most 2 image(s) may be provided in one request.", e.Message);
        Assert.Equal("messages", e.Param);
        Assert.Equal("At most 0 image(s) may be provided in one request.", none.Message);
        Assert.Equal(3, ImageInputMapper.Map(three, null, new MultimodalLimits(3), Server).Count);
    }

    [Fact]
    public void Part_bounds_win_over_request_bounds_which_win_over_the_servers()
    {
        var messages = UserImages(new ImagePart("a"), new ImagePart("b", MaxPixels: 20000), new ImagePart("c", MinPixels: 8000, MaxPixels: 9000));

        var images = ImageInputMapper.Map(messages, Kwargs("""{"min_pixels": 4000, "max_pixels": 50000}"""), MultimodalLimits.None, Server);

        Assert.Equal([(4000, 50000), (4000, 20000), (8000, 9000)], images.Select(i => (i.MinPixels!.Value, i.MaxPixels!.Value)));
    }

    [Fact]
    public void Bounds_are_clamped_into_the_servers()
    {
        var server = new PixelBounds(3136, 100_000);
        var messages = UserImages(new ImagePart("a"), new ImagePart("b", MinPixels: 1, MaxPixels: 2), new ImagePart("c", MinPixels: 500_000));

        var images = ImageInputMapper.Map(messages, Kwargs("""{"min_pixels": 10, "max_pixels": 99999999}"""), MultimodalLimits.None, server);

        Assert.Equal([(3136, 100_000), (3136, 3136), (100_000, 100_000)], images.Select(i => (i.MinPixels!.Value, i.MaxPixels!.Value)));
    }

    [Theory]
    [InlineData("""{"min_pixels": "big"}""", "mm_processor_kwargs.min_pixels", "mm_processor_kwargs.min_pixels must be a positive integer")]
    [InlineData("""{"max_pixels": 0}""", "mm_processor_kwargs.max_pixels", "mm_processor_kwargs.max_pixels must be a positive integer")]
    [InlineData("""{"max_pixels": 1000.5}""", "mm_processor_kwargs.max_pixels", "got 1000.5")]
    [InlineData("""{"min_pixels": 9000, "max_pixels": 8000}""", "mm_processor_kwargs", "min_pixels (9000) is above mm_processor_kwargs.max_pixels (8000)")]
    public void Bad_mm_processor_kwargs_name_their_field(string kwargs, string param, string reason)
    {
        var e = Assert.Throws<InvalidRequestException>(() =>
            ImageInputMapper.Map(UserImages(new ImagePart("a")), Kwargs(kwargs), MultimodalLimits.None, Server));

        Assert.Equal(param, e.Param);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Part_minimum_above_the_requests_maximum_is_refused_naming_the_part()
    {
        var messages = UserImages(new ImagePart("a"), new ImagePart("b", MinPixels: 60000));

        var e = Assert.Throws<InvalidRequestException>(() =>
            ImageInputMapper.Map(messages, Kwargs("""{"max_pixels": 50000}"""), MultimodalLimits.None, Server));

        Assert.Equal("messages[1].content[2]", e.Param);
        Assert.StartsWith("messages[1].content[2]: min_pixels (60000) is above max_pixels (50000)", e.Message);
    }

    [Fact]
    public void Kwargs_are_read_from_the_request_body_beside_unknown_keys()
    {
        var request = Request("""{"messages": [], "mm_processor_kwargs": {"max_pixels": 6000, "fps": 2}}""");

        Assert.Equal(6000, request.MmProcessorKwargs!.MaxPixels!.Value.GetInt32());
        Assert.Null(request.MmProcessorKwargs.MinPixels);
    }

    [Fact]
    public async Task Request_and_part_bounds_change_the_grid_and_stay_inside_the_servers()
    {
        var url = TestImages.DataUrl(TestImages.Bytes("grad_150x100.png"));
        var server = new PixelBounds(3136, 20000);
        var messages = UserImages(new ImagePart(url), new ImagePart(url, MaxPixels: 1), new ImagePart(url, MaxPixels: 1_000_000));
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());

        var patches = await preparer.PrepareAsync(
            ImageInputMapper.Map(messages, Kwargs("""{"max_pixels": 6000}"""), MultimodalLimits.None, server));

        var full = TestImages.DirectPatches("grad_150x100.png");
        Assert.Equal((8, 10), (full.GridH, full.GridW));
        // max_pixels 6000 from the request: 56x84 pixels.
        Assert.Equal((4, 6), (patches[0].GridH, patches[0].GridW));
        Assert.Equal(TestImages.DirectPatches("grad_150x100.png", 3136, 6000).Values, patches[0].Values);
        // max_pixels 1 on the part, clamped up to the server's 3136: 28x56 pixels.
        Assert.Equal((2, 4), (patches[1].GridH, patches[1].GridW));
        Assert.Equal(TestImages.DirectPatches("grad_150x100.png", 3136, 3136).Values, patches[1].Values);
        // max_pixels 1,000,000 on the part, clamped down to 20000: the image's own 112x140 fits.
        Assert.Equal((full.GridH, full.GridW), (patches[2].GridH, patches[2].GridW));
    }
}
