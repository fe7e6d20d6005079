using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Vision;

/// <summary>Decode + preprocess every fixture image and compare with what HF's PIL-backed processor produced.</summary>
public class ImageProcessorReferenceTests(ITestOutputHelper output)
{
    // One uint8 step is 1/255/std ≈ 0.015 after normalisation; anything below that is float rounding, not a pixel.
    private const float Tolerance = 0.02f;

    public static TheoryData<string> ImageCases => new()
    {
        "image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png",
    };

    [Theory]
    [MemberData(nameof(ImageCases))]
    public void Pixel_values_match_the_pil_processor(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var processor = new ImageProcessor(ModelDirectory.Open(FixturePaths.TinyModel).Preprocessor);

        var patches = chat.Images.Select(file => processor.Preprocess(Decode(file))).ToArray();

        Assert.Equal(chat.ImageGridThw, patches.Select(p => new[] { p.GridT, p.GridH, p.GridW }).ToArray());
        var expected = TinyReference.Instance.Floats(name + ".pixel_values");
        var actual = patches.SelectMany(p => p.Values).ToArray();
        Assert.Equal(expected.Length, actual.Length);

        var (maxError, exactShare) = Compare(expected, actual);
        var (fastMaxError, fastExactShare) = Compare(TinyReference.Instance.Floats(name + ".pixel_values_fast"), actual);
        output.WriteLine($"{name}: {actual.Length} values, max abs error {maxError:G6}, exactly equal {exactShare:P4} " +
                         $"(torchvision processor: max {fastMaxError:G6}, exact {fastExactShare:P2})");
        Assert.True(maxError <= Tolerance, $"max abs error {maxError} exceeds {Tolerance}");
    }

    [Fact]
    public void Token_count_is_a_quarter_of_the_patches_with_merge_size_two()
    {
        var processor = new ImageProcessor(ModelDirectory.Open(FixturePaths.TinyModel).Preprocessor);
        var patches = processor.Preprocess(Decode("grad_150x100.png"));

        Assert.Equal(80, patches.PatchCount);
        Assert.Equal(20, patches.TokenCount(mergeSize: 2));
        Assert.Equal(80 * 1176, patches.Values.Length);
    }

    [Fact]
    public void Per_image_pixel_bounds_override_the_config()
    {
        var processor = new ImageProcessor(ModelDirectory.Open(FixturePaths.TinyModel).Preprocessor);
        var image = Decode("grad_150x100.png");

        var small = processor.Preprocess(image, maxPixels: 56 * 56);
        var large = processor.Preprocess(image, minPixels: 300 * 200);

        // 150x100 under max 3136: beta = sqrt(15000/3136), floor(100/beta/28) = 1, floor(150/beta/28) = 2 -> 28x56.
        Assert.Equal((1, 2, 4), (small.GridT, small.GridH, small.GridW));
        // Over min 60000: beta = 2, ceil(200/28) = 8, ceil(300/28) = 11 -> 224x308.
        Assert.Equal((1, 16, 22), (large.GridT, large.GridH, large.GridW));
    }

    internal static RgbImage Decode(string file) =>
        ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", file)));

    private static (float MaxError, double ExactShare) Compare(float[] expected, float[] actual)
    {
        float max = 0;
        long exact = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = Math.Abs(expected[i] - actual[i]);
            if (d > max) max = d;
            if (expected[i] == actual[i]) exact++;
        }
        return (max, (double)exact / expected.Length);
    }
}
