using System.Text.RegularExpressions;

namespace QwenVL.Runtime.Hub;

/// <summary>A Hugging Face model repository id, <c>owner/name</c>, checked as huggingface_hub checks ids.</summary>
public sealed partial record RepoId(string Owner, string Name)
{
    private const int MaxLength = 96;

    public override string ToString() => $"{Owner}/{Name}";

    /// <summary>The repository's folder in the hub cache: <c>models--owner--name</c>.</summary>
    public string CacheFolderName => $"models--{Owner}--{Name}";

    /// <summary>
    /// Accepts <c>owner/name</c> where each part is letters, digits, '-', '_' and '.', neither starting nor ending
    /// with '-' or '.', with no "--" or ".." anywhere (the cache uses "--" as its separator) and no ".git" ending.
    /// </summary>
    public static bool TryParse(string text, out RepoId? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !IdPattern().IsMatch(text)) return false;
        if (text.Contains("--", StringComparison.Ordinal) || text.Contains("..", StringComparison.Ordinal)) return false;
        if (text.EndsWith(".git", StringComparison.Ordinal)) return false;
        int slash = text.IndexOf('/');
        id = new RepoId(text[..slash], text[(slash + 1)..]);
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex IdPattern();
}
