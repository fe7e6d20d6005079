using QwenVL.Runtime.Vision;
using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Vision;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

public class ImageInputOptionsTests
{
    private static ImageInputOptions FromArgs(params string[] args) => ImageInputOptionsParser.Parse(CliOptions.Parse(args));

    [Fact]
    public void Without_image_options_remote_images_are_fetched_local_files_refused_and_counts_unlimited()
    {
        var options = FromArgs("--model", "m", "--request", "-");

        Assert.Equal(ImageInputOptions.Default, options);
        Assert.True(options.Sources.AllowRemote);
        Assert.Null(options.Sources.AllowedLocalMediaPath);
        Assert.Null(options.Limits.MaxImages);
    }

    [Fact]
    public void Every_image_option_is_read()
    {
        using var media = new TempDirectory();

        var options = FromArgs("--allowed-local-media-path", media.Path, "--limit-mm-per-prompt", """{"image": 3}""",
            "--disable-remote-media", "--min-pixels", "4000", "--max-pixels", "80000", "--model", "m");

        Assert.Equal(media.Path, options.Sources.AllowedLocalMediaPath);
        Assert.False(options.Sources.AllowRemote);
        Assert.Equal(3, options.Limits.MaxImages);
        Assert.Equal(new PixelBounds(4000, 80000), options.ServerPixelBounds(TestImages.Preprocessor));
    }

    [Theory]
    [InlineData("--limit-mm-per-prompt", "image=3", "--limit-mm-per-prompt: expected JSON")]
    [InlineData("--limit-mm-per-prompt", """{"image": -3}""", "--limit-mm-per-prompt: the count for 'image'")]
    [InlineData("--allowed-local-media-path", "/no/such/dir", "--allowed-local-media-path /no/such/dir is not a directory")]
    [InlineData("--max-pixels", "0", "--max-pixels must be a positive integer")]
    [InlineData("--min-pixels", "many", "--min-pixels must be a positive integer")]
    public void Bad_option_is_named(string name, string value, string reason)
    {
        var e = Assert.Throws<CliException>(() => FromArgs(name, value));

        Assert.StartsWith(reason, e.Message);
    }

    [Fact]
    public void Options_without_their_value_and_crossed_bounds_are_refused()
    {
        Assert.Equal("--allowed-local-media-path needs a value", Assert.Throws<CliException>(() => FromArgs("--allowed-local-media-path")).Message);
        Assert.Equal("--limit-mm-per-prompt needs a value", Assert.Throws<CliException>(() => FromArgs("--limit-mm-per-prompt", "--model", "m")).Message);
        Assert.Contains("--min-pixels (9000) must not be above --max-pixels (8000)",
            Assert.Throws<CliException>(() => FromArgs("--min-pixels", "9000", "--max-pixels", "8000")).Message);
    }

    [Fact]
    public void Server_bounds_are_the_models_unless_overridden_and_one_override_pulls_the_other_along()
    {
        var model = TestImages.Preprocessor;

        Assert.Equal(new PixelBounds(model.MinPixels, model.MaxPixels), FromArgs().ServerPixelBounds(model));
        Assert.Equal(new PixelBounds(model.MinPixels, 50000), FromArgs("--max-pixels", "50000").ServerPixelBounds(model));
        Assert.Equal(new PixelBounds(1000, 1000), FromArgs("--max-pixels", "1000").ServerPixelBounds(model));
        Assert.Equal(new PixelBounds(784, model.MaxPixels), FromArgs("--min-pixels", "784").ServerPixelBounds(model));
        Assert.Equal(new PixelBounds(20_000_000, 20_000_000), FromArgs("--min-pixels", "20000000").ServerPixelBounds(model));
    }
}
