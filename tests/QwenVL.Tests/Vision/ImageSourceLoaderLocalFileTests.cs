using QwenVL.Runtime.Vision;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Vision;

/// <summary>
/// A temp tree: media/ is the allowed directory, with cat.png, sub/, a link inside it to cat.png, a link out to
/// ../secret.png, and a link out to the whole tree; media-sibling/ shares media's name as a prefix.
/// </summary>
public sealed class ImageSourceLoaderLocalFileTests : IDisposable
{
    private static readonly byte[] Cat = TestImages.Bytes("small_30x40.png");

    private readonly TempDirectory _tree = new();
    private readonly string _media;

    public ImageSourceLoaderLocalFileTests()
    {
        _media = _tree.File("media");
        Directory.CreateDirectory(Path.Combine(_media, "sub"));
        Directory.CreateDirectory(_tree.File("media-sibling"));
        File.WriteAllBytes(Path.Combine(_media, "cat.png"), Cat);
        File.WriteAllBytes(_tree.File("secret.png"), Cat);
        File.WriteAllBytes(_tree.File("media-sibling/cat.png"), Cat);
        File.CreateSymbolicLink(Path.Combine(_media, "alias.png"), "cat.png");
        File.CreateSymbolicLink(Path.Combine(_media, "escape.png"), "../secret.png");
        Directory.CreateSymbolicLink(Path.Combine(_media, "up"), _tree.Path);
    }

    public void Dispose() => _tree.Dispose();

    private ImageSourceLoader Loader(long maxBytes = ImageSourcePolicy.DefaultMaxImageBytes) =>
        new(new ImageSourcePolicy { AllowedLocalMediaPath = _media, MaxImageBytes = maxBytes });

    [Fact]
    public async Task File_under_the_allowed_directory_loads_by_file_url_and_by_absolute_path()
    {
        using var loader = Loader();
        var path = Path.Combine(_media, "cat.png");

        Assert.Equal(Cat, await loader.LoadAsync(new Uri(path).AbsoluteUri, default));
        Assert.Equal(Cat, await loader.LoadAsync(path, default));
        Assert.Equal(Cat, await loader.LoadAsync("file://localhost" + path, default));
    }

    [Fact]
    public async Task Links_and_dot_dot_that_stay_inside_the_directory_are_followed()
    {
        using var loader = Loader();

        Assert.Equal(Cat, await loader.LoadAsync(Path.Combine(_media, "alias.png"), default));
        Assert.Equal(Cat, await loader.LoadAsync(_media + "/../media/./cat.png", default));
        Assert.Equal(Cat, await loader.LoadAsync(Path.Combine(_media, "up", "media", "cat.png"), default));
    }

    [Theory]
    [InlineData("secret.png")]
    [InlineData("media/../secret.png")]
    [InlineData("media/escape.png")]
    [InlineData("media/up/secret.png")]
    [InlineData("media-sibling/cat.png")]
    public async Task Path_that_resolves_outside_the_allowed_directory_is_refused(string relative)
    {
        using var loader = Loader();
        var requested = Path.Combine(_tree.Path, relative);

        // A plain path: a file:// URL would have its ".." collapsed by Uri before the loader sees it.
        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(requested, default));

        Assert.Equal($"The file path {requested} must be a subpath of `--allowed-local-media-path` {_media}.", e.Message);
    }

    [Fact]
    public async Task File_url_outside_the_allowed_directory_is_refused()
    {
        using var loader = Loader();
        var secret = _tree.File("secret.png");

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(new Uri(secret).AbsoluteUri, default));

        Assert.Equal($"The file path {secret} must be a subpath of `--allowed-local-media-path` {_media}.", e.Message);
    }

    [Fact]
    public async Task Local_files_are_refused_when_no_directory_is_allowed()
    {
        using var loader = new ImageSourceLoader(new ImageSourcePolicy());
        var path = Path.Combine(_media, "cat.png");

        foreach (var url in new[] { path, new Uri(path).AbsoluteUri })
        {
            var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(url, default));
            Assert.Equal("Cannot load local files without `--allowed-local-media-path`.", e.Message);
        }
    }

    [Fact]
    public async Task Missing_file_directory_and_oversized_file_are_named()
    {
        using var loader = Loader(maxBytes: Cat.Length - 1);
        var missing = Path.Combine(_media, "dog.png");

        Assert.Equal($"file not found: {missing}", (await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(missing, default))).Message);
        Assert.Contains("is a directory", (await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(Path.Combine(_media, "up", "media", "sub"), default))).Message);
        var cat = Path.Combine(_media, "cat.png");
        Assert.Equal($"{cat} is too large: {Cat.Length} bytes, more than the limit of {Cat.Length - 1} bytes per image",
            (await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(cat, default))).Message);
    }

    [Fact]
    public async Task File_url_naming_another_host_is_refused()
    {
        using var loader = Loader();

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync("file://fileserver/share/cat.png", default));

        Assert.Contains("names host 'fileserver'", e.Message);
    }

    [Fact]
    public void Allowed_directory_must_exist()
    {
        Assert.Throws<ArgumentException>(() => new ImageSourceLoader(new ImageSourcePolicy { AllowedLocalMediaPath = _tree.File("nowhere") }));
    }
}
