using System.Buffers.Binary;
using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

public class ImageInputPreparerTests
{
    private const string GoodField = "messages[0].content[1]";
    private const string BadField = "messages[0].content[3]";

    private static readonly string Good = TestImages.DataUrl(TestImages.Bytes("small_30x40.png"));

    [Fact]
    public async Task Patches_come_back_in_request_order()
    {
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());
        string[] files = ["wide_320x96.png", "small_30x40.png", "tall_90x260.png", "photo_200x150.jpg"];

        var patches = await preparer.PrepareAsync(
            files.Select((f, i) => new ImageInput(TestImages.DataUrl(TestImages.Bytes(f)), $"messages[0].content[{i}]")).ToArray());

        var expected = files.Select(f => TestImages.DirectPatches(f)).ToArray();
        Assert.Equal(expected.Select(p => (p.GridH, p.GridW)), patches.Select(p => (p.GridH, p.GridW)));
        for (int i = 0; i < files.Length; i++) Assert.Equal(expected[i].Values, patches[i].Values);
    }

    [Fact]
    public async Task No_images_give_no_patches()
    {
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());

        Assert.Empty(await preparer.PrepareAsync([]));
    }

    public static TheoryData<string, string, string> BadInputs()
    {
        var png = TestImages.Bytes("grad_150x100.png");
        var jpeg = TestImages.Bytes("photo_200x150.jpg");
        var ico = new byte[22 + png.Length];
        (ico[2], ico[4], ico[6], ico[7], ico[10], ico[12]) = (1, 1, 150, 100, 1, 32);
        BinaryPrimitives.WriteInt32LittleEndian(ico.AsSpan(14), png.Length);
        BinaryPrimitives.WriteInt32LittleEndian(ico.AsSpan(18), 22);
        png.CopyTo(ico, 22);
        return new()
        {
            { "invalid base64", "data:image/png;base64,not*base64", "data URL is not valid base64" },
            { "not an image", TestImages.DataUrl("this is plain text, not a picture of anything"u8.ToArray()), "not an image in a supported format" },
            { "unsupported format", TestImages.DataUrl(ico, "image/x-icon"), "unsupported image format Ico" },
            { "truncated png", TestImages.DataUrl(png[..(png.Length / 2)]), "Png data is truncated" },
            { "truncated jpeg", TestImages.DataUrl(jpeg[..(jpeg.Length / 2)], "image/jpeg"), "data is truncated" },
            { "empty", "data:image/png;base64,", "image data is empty" },
            { "zero size", TestImages.DataUrl(PngTestWriter.Write(0, 1, PngTestWriter.Grey, [])), "zero size" },
            { "too many pixels", TestImages.DataUrl(PngTestWriter.Write(60000, 60000, PngTestWriter.Grey, [])), "more than the limit of 178956970" },
            { "refused local file", TestImages.PathOf("grad_150x100.png"), "Cannot load local files without `--allowed-local-media-path`." },
            { "refused scheme", "gopher://example.com/cat.png", "URL scheme 'gopher' is not supported" },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_image_fails_with_its_reason_and_position(string kind, string url, string reason)
    {
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());

        var e = await Assert.ThrowsAsync<ImageInputException>(() =>
            preparer.PrepareAsync([new ImageInput(Good, GoodField), new ImageInput(url, BadField)]));

        Assert.True(e.Message.StartsWith($"image 2 ({BadField}): ") && e.Message.Contains(reason), $"{kind}: {e.Message}");
        Assert.Equal(BadField, e.Field);
    }

    [Fact]
    public async Task Pixel_limit_of_the_policy_applies_before_decoding()
    {
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy { MaxImagePixels = 150 * 100 - 1 });

        var e = await Assert.ThrowsAsync<ImageInputException>(() =>
            preparer.PrepareAsync([new ImageInput(TestImages.DataUrl(TestImages.Bytes("grad_150x100.png")), GoodField)]));

        Assert.Equal($"image 1 ({GoodField}): image is 150x100 = 15000 pixels, more than the limit of 14999", e.Message);
    }

    [Fact]
    public async Task Fetch_timeout_and_oversized_download_name_their_image()
    {
        await using var server = new LoopbackImageServer(new Dictionary<string, LoopbackImageServer.Route>
        {
            ["/slow.png"] = LoopbackImageServer.Stall(),
            ["/huge.png"] = LoopbackImageServer.Respond(200, "OK", new byte[64 * 1024], declareLength: false),
        });
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor,
            new ImageSourcePolicy { FetchTimeout = TimeSpan.FromMilliseconds(300), MaxImageBytes = 32 * 1024 });

        var slow = await Assert.ThrowsAsync<ImageInputException>(() =>
            preparer.PrepareAsync([new ImageInput(server.Url("/slow.png"), GoodField)]));
        var huge = await Assert.ThrowsAsync<ImageInputException>(() =>
            preparer.PrepareAsync([new ImageInput(Good, GoodField), new ImageInput(server.Url("/huge.png"), BadField)]));

        Assert.Equal($"image 1 ({GoodField}): fetching {server.Url("/slow.png")} timed out after 0.3 s", slow.Message);
        Assert.Equal($"image 2 ({BadField}): {server.Url("/huge.png")} is too large: more than the limit of 32768 bytes per image", huge.Message);
    }

    [Fact]
    public async Task Of_several_failures_the_first_in_request_order_is_reported()
    {
        await using var server = new LoopbackImageServer(new Dictionary<string, LoopbackImageServer.Route>());
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy());

        // The 404 answers quickly but comes second; the bad base64 of the first image fails without any I/O.
        var e = await Assert.ThrowsAsync<ImageInputException>(() => preparer.PrepareAsync(
        [
            new ImageInput(Good, "messages[0].content[0]"),
            new ImageInput("data:image/png;base64,***", "messages[1].content[0]"),
            new ImageInput(server.Url("/gone.png"), "messages[1].content[1]"),
        ]));

        Assert.StartsWith("image 2 (messages[1].content[0]): data URL is not valid base64", e.Message);
    }

    [Fact]
    public async Task Cancelling_stops_preparation_with_a_cancellation()
    {
        await using var server = new LoopbackImageServer(new Dictionary<string, LoopbackImageServer.Route>
        {
            ["/slow.png"] = LoopbackImageServer.Stall(),
        });
        using var preparer = new ImageInputPreparer(TestImages.Preprocessor, new ImageSourcePolicy { FetchTimeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            preparer.PrepareAsync([new ImageInput(Good, GoodField), new ImageInput(server.Url("/slow.png"), BadField)], cancel.Token));
    }
}
