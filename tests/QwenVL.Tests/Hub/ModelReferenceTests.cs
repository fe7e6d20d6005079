using QwenVL.Runtime.Hub;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>--model is a local directory when one exists, else a repo id, else an error that says both.</summary>
public class ModelReferenceTests
{
    [Fact]
    public void An_existing_directory_is_local()
    {
        var reference = ModelReference.Parse(FixturePaths.TinyModel);

        Assert.Equal(Path.GetFullPath(FixturePaths.TinyModel), reference.LocalDirectory);
        Assert.Null(reference.Repo);
    }

    [Fact]
    public void Owner_slash_name_is_a_repo_id()
    {
        var reference = ModelReference.Parse("Qwen/Qwen2-VL-2B-Instruct");

        Assert.Null(reference.LocalDirectory);
        Assert.Equal(new RepoId("Qwen", "Qwen2-VL-2B-Instruct"), reference.Repo);
        Assert.Equal("models--Qwen--Qwen2-VL-2B-Instruct", reference.Repo!.CacheFolderName);
    }

    [Theory]
    [InlineData("Qwen2-VL-2B-Instruct")]
    [InlineData("./models/qwen")]
    [InlineData("/no/such/dir")]
    [InlineData("a/b/c")]
    [InlineData("owner/na--me")]
    [InlineData("owner/name.git")]
    [InlineData("-owner/name")]
    public void Neither_a_directory_nor_a_repo_id_is_an_error_naming_both(string text)
    {
        var e = Assert.Throws<HubException>(() => ModelReference.Parse(text));

        Assert.Equal(HubFailure.NotAModel, e.Failure);
        Assert.Contains("neither a directory", e.Message, StringComparison.Ordinal);
        Assert.Contains("repo id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_is_refused_with_what_to_give_instead()
    {
        var e = Assert.Throws<HubException>(() => ModelReference.Parse(Path.Combine(FixturePaths.TinyModel, "config.json")));

        Assert.Contains("is a file", e.Message, StringComparison.Ordinal);
    }
}
