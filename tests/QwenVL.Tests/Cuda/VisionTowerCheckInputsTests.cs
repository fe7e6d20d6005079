using QwenVL.Cuda.Diagnostics;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Cuda;

/// <summary>The vision check's inputs, prepared here as the GPU machine prepares them.</summary>
public class VisionTowerCheckInputsTests
{
    [Fact]
    public void Fixture_cases_are_read_with_their_images_preprocessed_to_the_reference_grids()
    {
        var cases = VisionTowerCheck.ReadCases(FixturePaths.TinyModel, new ImageProcessor(TinyModel.Directory.Preprocessor));
        Assert.Equal(["image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png"], cases.Select(c => c.Name));
        Assert.Equal(2, cases[1].Patches.Length);
        foreach (var c in cases)
        {
            Assert.Equal(c.Grids, c.Patches.Select(p => new[] { p.GridT, p.GridH, p.GridW }).ToArray());
            Assert.Equal(
                TinyReference.Instance.Shape(c.Name + ".image_embeds")[0],
                c.Patches.Sum(p => p.TokenCount(2)));
        }
    }

    [Fact]
    public void The_timing_image_is_448_pixels_square_so_1024_patches()
    {
        var processor = new ImageProcessor(TinyModel.Directory.Preprocessor);
        var big = processor.Preprocess(VisionTowerCheck.SyntheticImage(448, 448, seed: 7));
        var small = processor.Preprocess(VisionTowerCheck.SyntheticImage(112, 112, seed: 8));
        Assert.Equal((1, 32, 32), (big.GridT, big.GridH, big.GridW));
        Assert.Equal(64, small.PatchCount);
    }
}
