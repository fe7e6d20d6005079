using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;
using Xunit;

namespace QwenVL.Tests.Checkpoint;

public class ModelDirectoryErrorTests
{
    private const string ValidConfig = """{"model_type": "qwen2_vl"}""";

    [Fact]
    public void Missing_directory_is_named()
    {
        using var tmp = new TempDirectory();
        string missing = Path.Combine(tmp.Path, "no-such-model");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(missing));

        Assert.Contains("not found", e.Message);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Missing_config_json_is_named()
    {
        using var tmp = new TempDirectory();

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("config.json", e.Message);
        Assert.Contains(tmp.Path, e.Message);
    }

    [Theory]
    [InlineData("config.json")]
    [InlineData("generation_config.json")]
    [InlineData("preprocessor_config.json")]
    public void Invalid_json_names_the_file_and_position(string file)
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", ValidConfig);
        tmp.Write(file, "{\n  \"a\": 1,\n  \"b\": }\n");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains(tmp.File(file), e.Message);
        Assert.Contains("line 3, byte 8", e.Message);
    }

    [Fact]
    public void Unsupported_architecture_names_what_was_found_and_what_is_supported()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"architectures": ["Qwen2_5_VLForConditionalGeneration"], "model_type": "qwen2_5_vl"}""");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("Qwen2_5_VLForConditionalGeneration", e.Message);
        Assert.Contains("qwen2_5_vl", e.Message);
        Assert.Contains("supported: Qwen2VLForConditionalGeneration", e.Message);
    }

    [Fact]
    public void Value_of_the_wrong_kind_names_the_key_path()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl", "text_config": {"hidden_size": "big"}}""");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("'text_config.hidden_size' must be an integer", e.Message);
        Assert.Contains("\"big\"", e.Message);
    }

    [Fact]
    public void Scaled_rope_is_rejected_by_name()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl", "rope_scaling": {"rope_type": "yarn", "factor": 4.0}}""");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("'rope_scaling.rope_type' is 'yarn'", e.Message);
    }

    [Fact]
    public void Mrope_sections_that_do_not_cover_the_head_are_rejected()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl", "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 16]}}""");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("'rope_scaling.mrope_section' is [16, 24, 16]", e.Message);
        Assert.Contains("head_dim / 2 = 64", e.Message);
    }

    [Fact]
    public void Heads_that_do_not_share_kv_heads_evenly_are_rejected()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl", "num_attention_heads": 12, "num_key_value_heads": 5}""");

        var e = Assert.Throws<CheckpointException>(() => ModelDirectory.Open(tmp.Path));

        Assert.Contains("num_key_value_heads 5", e.Message);
    }
}
