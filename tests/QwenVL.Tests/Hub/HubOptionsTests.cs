using QwenVL.Runtime.Hub;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>The environment is read as huggingface_hub reads it.</summary>
public class HubOptionsTests
{
    private static HubOptions FromEnvironment(Dictionary<string, string> environment, string? token = null, string? cacheDirectory = null) =>
        HubOptions.FromEnvironment(name => environment.GetValueOrDefault(name), token, cacheDirectory);

    [Fact]
    public void Defaults_are_the_public_hub_and_the_cache_under_home()
    {
        var o = FromEnvironment(new() { ["HOME"] = "/home/ann" });

        Assert.Equal("https://huggingface.co", o.Endpoint);
        Assert.Equal("/home/ann/.cache/huggingface/hub", o.CacheDirectory);
        Assert.Null(o.Token);
        Assert.False(o.Offline);
    }

    [Theory]
    [InlineData("HF_HUB_CACHE", "/data/hub", "/data/hub")]
    [InlineData("HUGGINGFACE_HUB_CACHE", "/legacy/hub", "/legacy/hub")]
    [InlineData("HF_HOME", "/data/hf", "/data/hf/hub")]
    [InlineData("XDG_CACHE_HOME", "/xdg", "/xdg/huggingface/hub")]
    public void The_cache_follows_the_first_variable_set(string variable, string value, string expected) =>
        Assert.Equal(expected, FromEnvironment(new() { ["HOME"] = "/home/ann", [variable] = value }).CacheDirectory);

    [Fact]
    public void HF_HUB_CACHE_wins_over_HF_HOME_and_download_dir_wins_over_both()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/ann", ["HF_HOME"] = "/data/hf", ["HF_HUB_CACHE"] = "/data/hub" };

        Assert.Equal("/data/hub", FromEnvironment(environment).CacheDirectory);
        Assert.Equal("/models", FromEnvironment(environment, cacheDirectory: "/models").CacheDirectory);
    }

    [Fact]
    public void A_tilde_is_the_home_folder() =>
        Assert.Equal("/home/ann/hf/hub", FromEnvironment(new() { ["HOME"] = "/home/ann", ["HF_HOME"] = "~/hf" }).CacheDirectory);

    [Fact]
    public void Endpoint_comes_from_HF_ENDPOINT_without_its_trailing_slash() =>
        Assert.Equal("https://hf-mirror.com", FromEnvironment(new() { ["HOME"] = "/h", ["HF_ENDPOINT"] = "https://hf-mirror.com/" }).Endpoint);

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void HF_HUB_OFFLINE_takes_huggingface_hubs_truthy_values(string value, bool offline) =>
        Assert.Equal(offline, FromEnvironment(new() { ["HOME"] = "/h", ["HF_HUB_OFFLINE"] = value }).Offline);

    [Fact]
    public void TRANSFORMERS_OFFLINE_also_means_offline() =>
        Assert.True(FromEnvironment(new() { ["HOME"] = "/h", ["TRANSFORMERS_OFFLINE"] = "1" }).Offline);

    [Fact]
    public void The_token_is_the_flag_else_HF_TOKEN_else_the_saved_login()
    {
        using var home = new TempDirectory();
        File.WriteAllText(home.File("token"), "hf_saved\n");
        var environment = new Dictionary<string, string> { ["HOME"] = "/h", ["HF_HOME"] = home.Path };

        Assert.Equal("hf_saved", FromEnvironment(environment).Token);
        environment["HF_TOKEN"] = "hf_env";
        Assert.Equal("hf_env", FromEnvironment(environment).Token);
        Assert.Equal("hf_flag", FromEnvironment(environment, token: "hf_flag").Token);
    }

    [Fact]
    public void HF_TOKEN_PATH_names_the_saved_token_file()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("my-token"), "hf_elsewhere");

        Assert.Equal("hf_elsewhere", FromEnvironment(new() { ["HOME"] = "/h", ["HF_TOKEN_PATH"] = folder.File("my-token") }).Token);
    }
}
