using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

public class MultimodalLimitsTests
{
    [Theory]
    [InlineData("""{"image": 4}""", 4)]
    [InlineData("""{"image": 0, "video": 0}""", 0)]
    [InlineData("""{"video": 2}""", null)]
    [InlineData("{}", null)]
    public void Json_form_gives_the_image_count(string json, int? expected)
    {
        Assert.Equal(expected, MultimodalLimits.Parse(json).MaxImages);
    }

    [Theory]
    [InlineData("image=4", "expected JSON such as {\"image\": 4}")]
    [InlineData("[4]", "expected a JSON object")]
    [InlineData("""{"image": -1}""", "'image' must be a non-negative integer, got -1")]
    [InlineData("""{"image": 1.5}""", "'image' must be a non-negative integer, got 1.5")]
    [InlineData("""{"image": "4"}""", "'image' must be a non-negative integer")]
    [InlineData("""{"audio": 1}""", "unknown modality 'audio'")]
    public void Bad_json_is_refused_with_the_reason(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => MultimodalLimits.Parse(json));

        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Default_has_no_limit()
    {
        Assert.Null(MultimodalLimits.None.MaxImages);
    }
}
