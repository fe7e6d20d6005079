using System.Text;
using System.Text.Json;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Checkpoint;

public class ModelDirectoryTests
{
    [Fact]
    public void Fixture_directory_opens_with_the_flat_layout_values()
    {
        var dir = ModelDirectory.Open(FixturePaths.TinyModel);
        var c = dir.Config;

        Assert.Equal("Qwen2VLForConditionalGeneration", c.Architecture);
        Assert.Equal("qwen2_vl", c.ModelType);
        Assert.Equal(128, c.Text.HiddenSize);
        Assert.Equal(256, c.Text.IntermediateSize);
        Assert.Equal(2, c.Text.NumLayers);
        Assert.Equal(2, c.Text.NumHeads);
        Assert.Equal(1, c.Text.NumKvHeads);
        Assert.Equal(64, c.Text.HeadDim);
        Assert.Equal(151936, c.Text.VocabSize);
        Assert.Equal(1e6, c.Text.RopeTheta);
        Assert.Equal(new[] { 8, 12, 12 }, c.Text.MropeSection);
        Assert.True(c.Text.TieWordEmbeddings);
        Assert.Equal(new VisionConfig(Depth: 2, EmbedDim: 64, NumHeads: 2, MlpRatio: 2, InChannels: 3,
            OutHiddenSize: 128, PatchSize: 14, SpatialMergeSize: 2, TemporalPatchSize: 2), c.Vision);
        Assert.Equal(new SpecialTokens(151643, 151645, 151655, 151656, 151652, 151653), c.Tokens);

        Assert.Equal(new[] { 151645, 151643 }, dir.Generation.EosTokenIds);
        Assert.Equal(0.01, dir.Generation.Temperature);
        Assert.Equal(1, dir.Generation.TopK);
        Assert.Equal(151643, dir.Generation.PadTokenId);

        Assert.Equal(3136, dir.Preprocessor.MinPixels);
        Assert.Equal(12845056, dir.Preprocessor.MaxPixels);
        Assert.Equal(0.48145466f, dir.Preprocessor.ImageMean[0]);
    }

    public static TheoryData<string, string> NestedLayouts => new()
    {
        // transformers 4.5x: rope settings in text_config.rope_scaling, Qwen2-VL vision naming.
        { """ "rope_theta": 1000000.0, "rope_scaling": {"type": "mrope", "rope_type": "default", "mrope_section": [8, 12, 12]} """,
          """ "depth": 2, "embed_dim": 64, "hidden_size": 128, "mlp_ratio": 2, "num_heads": 2, "in_channels": 3, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2 """ },
        // transformers v5: rope_parameters holds theta and sections; rope_scaling written as null.
        { """ "rope_scaling": null, "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [8, 12, 12]} """,
          """ "depth": 2, "embed_dim": 64, "hidden_size": 128, "mlp_ratio": 2, "num_heads": 2 """ },
        // The later vision naming: hidden_size is the tower width, out_hidden_size the output, intermediate_size the MLP.
        { """ "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [8, 12, 12]} """,
          """ "depth": 2, "hidden_size": 64, "out_hidden_size": 128, "intermediate_size": 128, "num_heads": 2 """ },
    };

    [Theory]
    [MemberData(nameof(NestedLayouts))]
    public void Nested_layout_gives_the_same_config_as_the_flat_fixture(string rope, string vision)
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", $$"""
            {
              "architectures": ["Qwen2VLForConditionalGeneration"],
              "model_type": "qwen2_vl",
              "image_token_id": 151655, "video_token_id": 151656,
              "vision_start_token_id": 151652, "vision_end_token_id": 151653,
              "text_config": {
                "model_type": "qwen2_vl_text",
                "bos_token_id": 151643, "eos_token_id": 151645,
                "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
                "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 151936,
                "rms_norm_eps": 1e-06, "max_position_embeddings": 32768, "tie_word_embeddings": true,
                {{rope}}
              },
              "vision_config": { {{vision}} }
            }
            """);

        var nested = ModelDirectory.Open(tmp.Path).Config;
        var flat = ModelDirectory.Open(FixturePaths.TinyModel).Config;

        // Records with array members compare arrays by reference; their JSON compares every value.
        Assert.Equal(JsonSerializer.Serialize(flat), JsonSerializer.Serialize(nested));
    }

    [Fact]
    public void Text_config_keys_win_over_top_level_keys()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """
            {"model_type": "qwen2_vl", "hidden_size": 999, "rope_theta": 5.0,
             "text_config": {"hidden_size": 128, "num_attention_heads": 2, "num_key_value_heads": 1,
                             "rope_parameters": {"rope_theta": 1000000.0, "mrope_section": [8, 12, 12]}}}
            """);

        var text = ModelDirectory.Open(tmp.Path).Config.Text;

        Assert.Equal(128, text.HiddenSize);
        Assert.Equal(1e6, text.RopeTheta);
    }

    [Fact]
    public void Missing_fields_and_files_take_the_2B_defaults()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"architectures": ["Qwen2VLForConditionalGeneration"]}""");

        var dir = ModelDirectory.Open(tmp.Path);

        Assert.Equal(1536, dir.Config.Text.HiddenSize);
        Assert.Equal(28, dir.Config.Text.NumLayers);
        Assert.Equal(12, dir.Config.Text.NumHeads);
        Assert.Equal(2, dir.Config.Text.NumKvHeads);
        Assert.Equal(new[] { 16, 24, 24 }, dir.Config.Text.MropeSection);
        Assert.Equal(new VisionConfig(32, 1280, 16, 4, 3, 1536, 14, 2, 2), dir.Config.Vision);
        Assert.Same(GenerationConfig.Empty, dir.Generation);
        Assert.Equal(3136, dir.Preprocessor.MinPixels);
        Assert.Equal(12845056, dir.Preprocessor.MaxPixels);
        Assert.Equal(new[] { 0.26862954f, 0.26130258f, 0.27577711f }, dir.Preprocessor.ImageStd);
    }

    [Fact]
    public void Model_type_alone_identifies_the_model()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl"}""");

        Assert.Equal("Qwen2VLForConditionalGeneration", ModelDirectory.Open(tmp.Path).Config.Architecture);
    }

    [Fact]
    public void Config_with_a_utf8_byte_order_mark_is_read()
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("config.json"), """{"model_type": "qwen2_vl", "num_hidden_layers": 3}""", new UTF8Encoding(true));

        Assert.Equal(3, ModelDirectory.Open(tmp.Path).Config.Text.NumLayers);
    }

    [Fact]
    public void Generation_eos_may_be_a_single_id()
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl"}""");
        tmp.Write("generation_config.json", """{"eos_token_id": 151645, "top_k": null}""");

        var generation = ModelDirectory.Open(tmp.Path).Generation;

        Assert.Equal(new[] { 151645 }, generation.EosTokenIds);
        Assert.Null(generation.TopK);
    }

    [Theory]
    [InlineData("""{"size": {"shortest_edge": 1000, "longest_edge": 2000}}""", 1000, 2000)]
    [InlineData("""{"size": {"min_pixels": 1000, "max_pixels": 2000}}""", 1000, 2000)]
    [InlineData("""{"min_pixels": 500, "max_pixels": 900, "size": {"shortest_edge": 1000, "longest_edge": 2000}}""", 500, 900)]
    public void Preprocessor_pixel_bounds_are_read_in_every_spelling(string json, int min, int max)
    {
        using var tmp = new TempDirectory();
        tmp.Write("config.json", """{"model_type": "qwen2_vl"}""");
        tmp.Write("preprocessor_config.json", json);

        var p = ModelDirectory.Open(tmp.Path).Preprocessor;

        Assert.Equal((min, max), (p.MinPixels, p.MaxPixels));
        Assert.Equal(14, p.PatchSize);
    }

    [Fact]
    public void Opening_the_weights_gives_the_fixture_checkpoint()
    {
        using var checkpoint = ModelDirectory.Open(FixturePaths.TinyModel).OpenCheckpoint();

        Assert.Contains("model.norm.weight", checkpoint.Names);
    }
}
