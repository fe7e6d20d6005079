namespace QwenVL.Tests.Fixtures;

/// <summary>Where the shared reference data lives: $QWENVL_FIXTURES, else ../shared/fixtures beside the repo.</summary>
public static class FixturePaths
{
    public static string Root { get; } = FindRoot();

    public static string TinyModel => Path.Combine(Root, "qwen2vl-tiny");

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("QWENVL_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QwenVL.Actors.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
        }
        throw new DirectoryNotFoundException("cannot find the repository root (QwenVL.Actors.sln) above " + AppContext.BaseDirectory);
    }
}
