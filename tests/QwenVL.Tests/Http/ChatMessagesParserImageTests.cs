using System.Text.Json;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Text;
using Xunit;

namespace QwenVL.Tests.Http;

public class ChatMessagesParserImageTests
{
    /// <summary>A request whose second message (a user turn) has <paramref name="part"/> as its first content part.</summary>
    private static IReadOnlyList<ChatMessage> ParseWithPart(string part) => ChatMessagesParser.Parse(Messages(
        $$"""[{"role": "system", "content": "Describe images."}, {"role": "user", "content": [{{part}}, {"type": "text", "text": "What is it?"}]}]"""));

    private static List<ChatMessageDto> Messages(string json)
    {
        var body = JsonSerializer.Deserialize($$"""{"messages": {{json}}}""", ProtocolJsonContext.Default.ChatCompletionRequest)!;
        return body.Messages!;
    }

    private static InvalidRequestException Refused(string part) =>
        Assert.Throws<InvalidRequestException>(() => ParseWithPart(part));

    [Fact]
    public void Image_url_part_becomes_an_image_part_in_place()
    {
        var messages = ParseWithPart("""{"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "high"}}""");

        Assert.Equal([new ImagePart("https://example.com/cat.png"), new TextPart("What is it?")], messages[1].Content);
    }

    [Theory]
    [InlineData("""{"type": "image_url", "image_url": {"url": "u", "min_pixels": 3136, "max_pixels": 50176}}""")]
    [InlineData("""{"type": "image_url", "image_url": {"url": "u"}, "min_pixels": 3136, "max_pixels": 50176}""")]
    [InlineData("""{"type": "image_url", "image_url": {"url": "u", "max_pixels": 50176}, "min_pixels": 3136}""")]
    [InlineData("""{"type": "image_url", "image_url": {"url": "u", "max_pixels": 50176}, "min_pixels": 3136, "max_pixels": 50176}""")]
    public void Pixel_bounds_are_read_from_the_image_url_or_the_part(string part)
    {
        Assert.Equal(new ImagePart("u", 3136, 50176), ParseWithPart(part)[1].Content[0]);
    }

    [Theory]
    [InlineData("system")]
    [InlineData("user")]
    [InlineData("assistant")]
    public void Images_are_taken_in_any_role(string role)
    {
        var messages = ChatMessagesParser.Parse(Messages(
            $$$"""[{"role": "{{{role}}}", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}]}]"""));

        Assert.Equal(new ImagePart("data:image/png;base64,AA=="), Assert.Single(messages[0].Content));
    }

    [Theory]
    [InlineData("""{"type": "image_url", "image_url": "https://example.com/cat.png"}""", "messages[1].content[0].image_url", "got a string")]
    [InlineData("""{"type": "image_url", "image_url": ["https://example.com/cat.png"]}""", "messages[1].content[0].image_url", "got an array")]
    [InlineData("""{"type": "image_url"}""", "messages[1].content[0].image_url", "is required")]
    [InlineData("""{"type": "image_url", "image_url": null}""", "messages[1].content[0].image_url", "is required")]
    [InlineData("""{"type": "image_url", "image_url": {}}""", "messages[1].content[0].image_url.url", "non-empty string")]
    [InlineData("""{"type": "image_url", "image_url": {"url": ""}}""", "messages[1].content[0].image_url.url", "non-empty string")]
    [InlineData("""{"type": "image_url", "image_url": {"url": 7}}""", "messages[1].content[0].image_url.url", "non-empty string")]
    public void Malformed_image_url_names_its_field(string part, string param, string reason)
    {
        var e = Refused(part);

        Assert.Equal(param, e.Param);
        Assert.StartsWith(param + " ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("""{"url": "u", "max_pixels": 1.5}""", "", "messages[1].content[0].image_url.max_pixels", "got 1.5")]
    [InlineData("""{"url": "u", "min_pixels": "3136"}""", "", "messages[1].content[0].image_url.min_pixels", "got \"3136\"")]
    [InlineData("""{"url": "u", "min_pixels": 0}""", "", "messages[1].content[0].image_url.min_pixels", "got 0")]
    [InlineData("""{"url": "u"}""", """, "max_pixels": -5""", "messages[1].content[0].max_pixels", "got -5")]
    [InlineData("""{"url": "u"}""", """, "max_pixels": 1e12""", "messages[1].content[0].max_pixels", "got 1e12")]
    [InlineData("""{"url": "u"}""", """, "min_pixels": {"v": 1}""", "messages[1].content[0].min_pixels", "got an object")]
    public void Pixel_bound_that_is_not_a_positive_integer_names_its_field(string imageUrl, string extra, string param, string got)
    {
        var e = Refused($$"""{"type": "image_url", "image_url": {{imageUrl}}{{extra}}}""");

        Assert.Equal(param, e.Param);
        Assert.Equal($"{param} must be a positive integer (at most 2147483647), {got}", e.Message);
    }

    [Fact]
    public void Crossed_or_conflicting_bounds_of_a_part_are_refused()
    {
        var crossed = Refused("""{"type": "image_url", "image_url": {"url": "u", "min_pixels": 5000, "max_pixels": 4000}}""");
        var conflicting = Refused("""{"type": "image_url", "image_url": {"url": "u", "max_pixels": 5000}, "max_pixels": 4000}""");

        Assert.Equal("messages[1].content[0]", crossed.Param);
        Assert.Contains("min_pixels (5000) is above max_pixels (4000)", crossed.Message);
        Assert.Equal("messages[1].content[0].max_pixels", conflicting.Param);
        Assert.Contains("disagree", conflicting.Message);
    }

    [Fact]
    public void Template_still_writes_one_placeholder_per_image()
    {
        var messages = ParseWithPart("""{"type": "image_url", "image_url": {"url": "u", "max_pixels": 50176}}""");

        Assert.Contains("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is it?<|im_end|>", ChatTemplate.Render(messages));
    }
}
