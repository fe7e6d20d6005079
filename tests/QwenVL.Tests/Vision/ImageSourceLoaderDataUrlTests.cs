using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

public class ImageSourceLoaderDataUrlTests
{
    [Theory]
    [InlineData("grad_150x100.png", "image/png")]
    [InlineData("photo_200x150.jpg", "image/jpeg")]
    public async Task Data_url_gives_the_same_patches_as_decoding_the_file(string file, string mediaType)
    {
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());

        var patches = await preparer.PrepareAsync([new ImageInput(TestImages.DataUrl(TestImages.Bytes(file), mediaType), "messages[0].content[0]")]);

        var expected = TestImages.DirectPatches(file);
        Assert.Equal((expected.GridT, expected.GridH, expected.GridW), (patches[0].GridT, patches[0].GridH, patches[0].GridW));
        Assert.Equal(expected.Values, patches[0].Values);
    }

    [Fact]
    public async Task Data_url_decodes_to_the_file_bytes_whatever_the_case_of_its_header()
    {
        using var loader = new ImageSourceLoader(new ImageSourcePolicy());
        var bytes = TestImages.Bytes("small_30x40.png");

        var loaded = await loader.LoadAsync("DATA:image/PNG;BASE64," + Convert.ToBase64String(bytes), default);

        Assert.Equal(bytes, loaded);
    }

    [Theory]
    [InlineData("data:image/png,iVBORw0KGgo=", "Only base64 data URLs are supported")]
    [InlineData("data:image/png;charset=utf-8,iVBORw0KGgo=", "Only base64 data URLs are supported")]
    [InlineData("data:text/plain;base64,aGVsbG8=", "media type 'text/plain' is not an image type")]
    [InlineData("data:;base64,aGVsbG8=", "media type '' is not an image type")]
    [InlineData("data:image/png;base64", "has no ','")]
    [InlineData("data:image/png;base64,iVBOR*w0KGgo=", "not valid base64")]
    [InlineData("data:image/png;base64,iVBORw0KGgo", "not valid base64")]
    public async Task Malformed_data_url_is_refused_with_its_reason(string url, string reason)
    {
        using var loader = new ImageSourceLoader(new ImageSourcePolicy());

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(url, default));

        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public async Task Data_url_over_the_byte_limit_is_refused()
    {
        var bytes = TestImages.Bytes("grad_150x100.png");
        using var loader = new ImageSourceLoader(new ImageSourcePolicy { MaxImageBytes = bytes.Length - 1 });

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(TestImages.DataUrl(bytes), default));

        Assert.Contains($"holds {bytes.Length} bytes, more than the limit of {bytes.Length - 1} bytes", e.Message);
    }

    [Theory]
    [InlineData("ftp://example.com/cat.png", "URL scheme 'ftp' is not supported")]
    [InlineData("s3://bucket/cat.png", "URL scheme 's3' is not supported")]
    [InlineData("images/cat.png", "is not a URL")]
    [InlineData("cat", "is not a URL")]
    public async Task Other_schemes_and_relative_paths_are_refused(string url, string reason)
    {
        using var loader = new ImageSourceLoader(new ImageSourcePolicy());

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(url, default));

        Assert.Contains(reason, e.Message);
    }
}
