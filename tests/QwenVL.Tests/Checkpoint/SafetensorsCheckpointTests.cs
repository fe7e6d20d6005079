using QwenVL.Runtime.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Checkpoint;

public class SafetensorsCheckpointTests
{
    [Fact]
    public void Fixture_checkpoint_has_canonical_names_and_a_tied_head()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.TinyModel);

        Assert.Contains("model.embed_tokens.weight", checkpoint.Names);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", checkpoint.Names);
        Assert.Contains("visual.merger.mlp.2.weight", checkpoint.Names);
        Assert.Equal("model.embed_tokens.weight", checkpoint.LmHeadName);
        Assert.Equal(new long[] { 64, 3, 2, 14, 14 }, checkpoint.Info("visual.patch_embed.proj.weight").Shape);
        Assert.Equal(TensorDType.BF16, checkpoint.Info("model.norm.weight").DType);
        Assert.Equal(128, checkpoint.ReadFloat32("model.norm.weight", 128).Length);
    }

    [Fact]
    public void Sharded_checkpoint_reads_the_same_values_as_one_file()
    {
        using var fixture = SafetensorsCheckpoint.Open(FixturePaths.TinyModel);
        // Everything but the 39 MB embedding, copied byte for byte, in two layouts.
        var tensors = fixture.Names.Where(n => n != "model.embed_tokens.weight")
            .Select(n => new TestTensor(n, fixture.Info(n).DType.ToString(), fixture.Info(n).Shape, fixture.RawBytes(n).ToArray()))
            .ToList();
        using var single = new TempDirectory();
        SafetensorsTestWriter.Write(single.File("model.safetensors"), tensors);
        using var sharded = new TempDirectory();
        var first = tensors.Where((_, i) => i % 2 == 0).ToList();
        var second = tensors.Where((_, i) => i % 2 == 1).ToList();
        SafetensorsTestWriter.Write(sharded.File("model-00001-of-00002.safetensors"), first);
        SafetensorsTestWriter.Write(sharded.File("model-00002-of-00002.safetensors"), second);
        SafetensorsTestWriter.WriteIndex(sharded.File("model.safetensors.index.json"),
            first.Select(t => (t.Name, "model-00001-of-00002.safetensors"))
                .Concat(second.Select(t => (t.Name, "model-00002-of-00002.safetensors"))));

        using var one = SafetensorsCheckpoint.Open(single.Path);
        using var shards = SafetensorsCheckpoint.Open(sharded.Path);

        Assert.Equal(tensors.Count, shards.Names.Count);
        Assert.Equal(one.Names, shards.Names);
        foreach (var name in one.Names)
        {
            var shape = one.Info(name).Shape;
            var expected = fixture.ReadFloat32(name, shape);
            Assert.Equal(expected, one.ReadFloat32(name, shape));
            Assert.Equal(expected, shards.ReadFloat32(name, shape));
        }
    }

    [Fact]
    public void Without_model_safetensors_or_an_index_every_safetensors_file_is_read()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("a.safetensors"), [TestTensor.F32("model.norm.weight", [2], 1, 2)]);
        SafetensorsTestWriter.Write(tmp.File("b.safetensors"), [TestTensor.F32("lm_head.weight", [1, 2], 3, 4)]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal(new[] { "lm_head.weight", "model.norm.weight" }, checkpoint.Names);
        Assert.Equal(new[] { 3f, 4f }, checkpoint.ReadFloat32("lm_head.weight", 1, 2));
    }

    [Theory]
    [InlineData("model.language_model.", "model.visual.", "lm_head.")]
    [InlineData("language_model.model.", "visual.", "language_model.lm_head.")]
    public void Newer_tensor_names_resolve_to_canonical_names(string decoder, string vision, string head)
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"),
        [
            TestTensor.F32(decoder + "embed_tokens.weight", [2, 2], 1, 2, 3, 4),
            TestTensor.F32(decoder + "layers.0.input_layernorm.weight", [2], 5, 6),
            TestTensor.F32(vision + "blocks.0.norm1.weight", [2], 7, 8),
            TestTensor.F32(head + "weight", [2, 2], 9, 10, 11, 12),
        ]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal(new[]
        {
            "lm_head.weight", "model.embed_tokens.weight", "model.layers.0.input_layernorm.weight", "visual.blocks.0.norm1.weight",
        }, checkpoint.Names);
        Assert.Equal(new[] { 5f, 6f }, checkpoint.ReadFloat32("model.layers.0.input_layernorm.weight", 2));
        Assert.Equal(new[] { 7f, 8f }, checkpoint.ReadFloat32("visual.blocks.0.norm1.weight", 2));
        Assert.Equal("lm_head.weight", checkpoint.LmHeadName);
        Assert.Equal(new[] { 9f, 10f, 11f, 12f }, checkpoint.ReadFloat32(checkpoint.LmHeadName, 2, 2));
        Assert.Equal("model.embed_tokens.weight", checkpoint.Info("model.embed_tokens.weight").Name);
    }

    private static readonly float[] Exact = [1f, -2f, 0.5f, 3.140625f, 1024f, -0.015625f];

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Floating_point_dtypes_read_as_float32(string dtype)
    {
        var tensor = dtype switch
        {
            "F32" => TestTensor.F32("t", [2, 3], Exact),
            "F16" => TestTensor.F16("t", [2, 3], Exact),
            _ => TestTensor.BF16("t", [2, 3], Exact),
        };
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"), [tensor]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal(Exact, checkpoint.ReadFloat32("t", 2, 3));
        var span = new float[6];
        checkpoint.ReadFloat32("t", [2, 3], span);
        Assert.Equal(Exact, span);
    }

    [Fact]
    public void Half_precision_bit_patterns_widen_to_the_right_floats()
    {
        // Written as raw bits, independent of the writer's conversions: 1.0, -2.0, 0.5 in each format.
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"),
        [
            new TestTensor("bf16", "BF16", [3], [0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F]),
            new TestTensor("f16", "F16", [3], [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38]),
        ]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal(new[] { 1f, -2f, 0.5f }, checkpoint.ReadFloat32("bf16", 3));
        Assert.Equal(new[] { 1f, -2f, 0.5f }, checkpoint.ReadFloat32("f16", 3));
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F }, checkpoint.RawBytes("bf16").ToArray());
    }

    [Fact]
    public void Lm_head_is_its_own_tensor_when_stored()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"),
        [
            TestTensor.F32("model.embed_tokens.weight", [1], 1),
            TestTensor.F32("lm_head.weight", [1], 2),
        ]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal("lm_head.weight", checkpoint.LmHeadName);
    }

    [Fact]
    public void Lm_head_is_the_embedding_when_tied()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"), [TestTensor.F32("model.embed_tokens.weight", [1], 1)]);

        using var checkpoint = SafetensorsCheckpoint.Open(tmp.Path);

        Assert.Equal("model.embed_tokens.weight", checkpoint.LmHeadName);
        Assert.False(checkpoint.Contains("lm_head.weight"));
    }
}
