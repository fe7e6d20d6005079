using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class VisionWeightManifestTests
{
    [Fact]
    public void Every_tensor_is_in_the_tiny_checkpoint_with_the_listed_shape()
    {
        var config = TinyModel.Directory.Config.Vision;
        var manifest = VisionWeightManifest.For(config);
        Assert.Equal(1 + 12 * config.Depth + 6, manifest.Count);
        Assert.Equal(manifest.Count, manifest.Select(t => t.Name).Distinct().Count());
        using var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.TinyModel);
        foreach (var tensor in manifest)
        {
            var info = checkpoint.Info(tensor.Name);
            Assert.Equal(tensor.Shape, info.Shape);
            Assert.Equal(tensor.IsMatrix, info.Shape.Length > 1);
        }
        // Everything under visual. is uploaded.
        Assert.Equal(checkpoint.Names.Count(n => n.StartsWith("visual.", StringComparison.Ordinal)), manifest.Count);
    }

    [Fact]
    public void Matrices_take_two_bytes_per_value_and_vectors_four()
    {
        var patch = new VisionWeightTensor(VisionWeightManifest.PatchEmbed, [1280, 3, 2, 14, 14], IsMatrix: true);
        Assert.Equal(1280L * 1176 * 2, patch.DeviceBytes);
        Assert.Equal(1280L * 4, new VisionWeightTensor("b", [1280], IsMatrix: false).DeviceBytes);
    }
}
