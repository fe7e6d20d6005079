using QwenVL.Runtime.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Checkpoint;

public class SafetensorsCheckpointErrorTests
{
    private static SafetensorsCheckpoint OpenSingle(TempDirectory tmp, params TestTensor[] tensors)
    {
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"), tensors);
        return SafetensorsCheckpoint.Open(tmp.Path);
    }

    [Fact]
    public void Missing_directory_is_named()
    {
        using var tmp = new TempDirectory();
        string missing = Path.Combine(tmp.Path, "gone");

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(missing));

        Assert.Contains($"checkpoint directory not found: {missing}", e.Message);
    }

    [Fact]
    public void Directory_without_safetensors_files_says_it_has_no_weights()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", "{}");

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains($"checkpoint {tmp.Path} has no weights", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void Shard_listed_in_the_index_but_missing_is_named()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model-00001-of-00002.safetensors"), [TestTensor.F32("a", [1], 1)]);
        SafetensorsTestWriter.WriteIndex(tmp.File("model.safetensors.index.json"),
            [("a", "model-00001-of-00002.safetensors"), ("b", "model-00002-of-00002.safetensors")]);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains("shard 'model-00002-of-00002.safetensors'", e.Message);
        Assert.Contains("tensor 'b'", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Index_placing_a_tensor_in_the_wrong_shard_is_an_error()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("one.safetensors"), [TestTensor.F32("a", [1], 1)]);
        SafetensorsTestWriter.Write(tmp.File("two.safetensors"), [TestTensor.F32("b", [1], 2)]);
        SafetensorsTestWriter.WriteIndex(tmp.File("model.safetensors.index.json"),
            [("a", "two.safetensors"), ("b", "two.safetensors")]);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains("places tensor 'a' in two.safetensors, which has no such tensor", e.Message);
    }

    [Fact]
    public void Invalid_index_json_names_the_file_and_position()
    {
        using var tmp = new TempDirectory();
        tmp.Write("model.safetensors.index.json", "{\"weight_map\": {\"a\": }}");

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains(tmp.File("model.safetensors.index.json"), e.Message);
        Assert.Contains("line 1, byte 22", e.Message);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        using var tmp = new TempDirectory();
        using var checkpoint = OpenSingle(tmp, TestTensor.F32("model.norm.weight", [1], 1));

        var e = Assert.Throws<CheckpointException>(() => checkpoint.ReadFloat32("model.layers.7.mlp.up_proj.weight", 1));

        Assert.Equal($"checkpoint {tmp.Path} has no tensor 'model.layers.7.mlp.up_proj.weight'", e.Message);
        Assert.Throws<CheckpointException>(() => checkpoint.Info("lm_head.weight"));
        Assert.Throws<CheckpointException>(() => checkpoint.RawBytes("lm_head.weight").Length);
    }

    [Fact]
    public void Wrong_shape_names_the_tensor_and_both_shapes()
    {
        using var tmp = new TempDirectory();
        using var checkpoint = OpenSingle(tmp, TestTensor.F32("w", [2, 3], 1, 2, 3, 4, 5, 6));

        var e = Assert.Throws<CheckpointException>(() => checkpoint.ReadFloat32("w", 3, 2));
        Assert.Contains("tensor 'w' has shape [2, 3], expected [3, 2]", e.Message);

        var span = Assert.Throws<CheckpointException>(() => checkpoint.ReadFloat32("w", [6], new float[6]));
        Assert.Contains("tensor 'w' has shape [2, 3], expected [6]", span.Message);
    }

    [Fact]
    public void Dtype_that_is_not_floating_point_is_named_when_read()
    {
        using var tmp = new TempDirectory();
        using var checkpoint = OpenSingle(tmp, new TestTensor("steps", "F64", [1], new byte[8]));

        var e = Assert.Throws<CheckpointException>(() => checkpoint.ReadFloat32("steps", 1));

        Assert.Contains("tensor 'steps' has dtype F64", e.Message);
        Assert.Contains("supported: BF16, F16, F32", e.Message);
        Assert.Equal(8, checkpoint.RawBytes("steps").Length);
    }

    [Fact]
    public void Unknown_dtype_is_named_when_opened()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"), [new TestTensor("q", "Q4_K", [2], new byte[1])]);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains("tensor 'q' has unsupported dtype Q4_K", e.Message);
        Assert.Contains(tmp.File("model.safetensors"), e.Message);
    }

    [Fact]
    public void Truncated_data_names_the_file_and_the_tensor()
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("model.safetensors");
        SafetensorsTestWriter.Write(path, [TestTensor.F32("a", [2], 1, 2), TestTensor.F32("b", [4], 1, 2, 3, 4)]);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(file.Length - 4);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("tensor 'b'", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public void Truncated_header_names_the_file(int keptBytes)
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("model.safetensors");
        SafetensorsTestWriter.Write(path, [TestTensor.F32("a", [2], 1, 2)]);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(keptBytes);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Two_stored_names_for_one_canonical_name_are_both_named()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("model.safetensors"),
        [
            TestTensor.F32("model.layers.0.input_layernorm.weight", [1], 1),
            TestTensor.F32("model.language_model.layers.0.input_layernorm.weight", [1], 2),
        ]);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains("'model.layers.0.input_layernorm.weight'", e.Message);
        Assert.Contains("'model.language_model.layers.0.input_layernorm.weight'", e.Message);
    }

    [Fact]
    public void One_tensor_in_two_files_names_both_files()
    {
        using var tmp = new TempDirectory();
        SafetensorsTestWriter.Write(tmp.File("a.safetensors"), [TestTensor.F32("x", [1], 1)]);
        SafetensorsTestWriter.Write(tmp.File("b.safetensors"), [TestTensor.F32("x", [1], 2)]);

        var e = Assert.Throws<CheckpointException>(() => SafetensorsCheckpoint.Open(tmp.Path));

        Assert.Contains("tensor 'x' is stored twice", e.Message);
        Assert.Contains(tmp.File("a.safetensors"), e.Message);
        Assert.Contains(tmp.File("b.safetensors"), e.Message);
    }
}
