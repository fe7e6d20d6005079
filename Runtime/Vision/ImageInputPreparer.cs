using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// Turns a request's images into the vision tower's input: each is loaded (<see cref="ImageSourceLoader"/>),
/// decoded (<see cref="ImageDecoder"/>, its header size checked against MaxImagePixels first) and preprocessed
/// (<see cref="ImageProcessor"/>) on the thread pool, the images of one request in parallel. Build one per server and
/// share it: it holds the HTTP client, and a request's work touches nothing shared but that.
/// </summary>
public sealed class ImageInputPreparer : IDisposable
{
    private readonly ImageProcessor _processor;
    private readonly ImageSourceLoader _loader;

    public ImageInputPreparer(PreprocessorConfig preprocessor, ImageSourcePolicy sources)
    {
        _processor = new ImageProcessor(preprocessor);
        _loader = new ImageSourceLoader(sources);
    }

    /// <summary>
    /// The patches of <paramref name="images"/>, in the same order. When images fail, the first of them (in request
    /// order) is thrown as an <see cref="ImageInputException"/> whose message starts with the image's number and
    /// field ("image 2 (messages[0].content[3]): ...") and whose Field is that field; the others stop early.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<PixelPatches>> PrepareAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) return [];
        var patches = new PixelPatches[images.Count];
        var failures = new ImageInputException?[images.Count];
        // Fetches wait on I/O, decoding and resizing take a core each: more images at once than cores would only
        // hold more decoded pixels in memory at the same time.
        var options = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = Math.Min(images.Count, Environment.ProcessorCount),
            TaskScheduler = TaskScheduler.Default,
        };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), options, async (index, token) =>
            {
                try
                {
                    patches[index] = await PrepareOneAsync(images[index], token);
                }
                catch (Exception e) when (e is ImageInputException or ImageDecodeException or ArgumentException)
                {
                    failures[index] = Describe(index, images[index], e);
                    throw failures[index]!;
                }
            });
        }
        catch (Exception) when (Array.Exists(failures, f => f != null))
        {
            // The loop rethrows whichever failure happened first; the first in request order is reported instead, so
            // the answer does not depend on timing.
        }
        var failure = Array.Find(failures, f => f != null);
        if (failure != null) throw failure;
        return patches;
    }

    private async Task<PixelPatches> PrepareOneAsync(ImageInput image, CancellationToken cancellationToken)
    {
        var encoded = await _loader.LoadAsync(image.Url, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var decoded = ImageDecoder.Decode(encoded, _loader.Policy.MaxImagePixels);
        cancellationToken.ThrowIfCancellationRequested();
        return _processor.Preprocess(decoded, image.MinPixels, image.MaxPixels);
    }

    private static ImageInputException Describe(int index, ImageInput image, Exception e) =>
        new($"image {index + 1} ({image.Field}): {e.Message}", image.Field);

    public void Dispose() => _loader.Dispose();
}
