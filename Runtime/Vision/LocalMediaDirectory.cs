namespace QwenVL.Runtime.Vision;

/// <summary>
/// The one directory requests may read image files from (--allowed-local-media-path). A requested path counts as
/// inside it only after every symbolic link and ".." in it is resolved, so neither can lead out of the directory.
/// </summary>
internal sealed class LocalMediaDirectory
{
    // Linux's limit (MAXSYMLINKS) for one path resolution; past it the links form a loop.
    private const int MaxLinksFollowed = 40;

    /// <summary>The directory with its own links resolved.</summary>
    public string Root { get; }

    public LocalMediaDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new ArgumentException($"the allowed local media path {path} is not a directory", nameof(path));
        Root = Path.TrimEndingDirectorySeparator(RealPath(full));
    }

    /// <summary>The real path of <paramref name="requested"/> (absolute), refused unless it lies inside <see cref="Root"/>.</summary>
    public string Resolve(string requested)
    {
        string real = RealPath(Path.GetFullPath(requested));
        var relative = Path.GetRelativePath(Root, real);
        bool inside = relative != "." && relative != ".." && !Path.IsPathRooted(relative)
            && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (!inside)
            throw new ImageInputException($"The file path {requested} must be a subpath of `--allowed-local-media-path` {Root}.");
        return real;
    }

    /// <summary>
    /// What realpath(3) returns, except that missing components are kept as written: each component is checked for
    /// a link in turn, and a link's target (which may hold links and ".." itself) is walked before what follows.
    /// </summary>
    private static string RealPath(string fullPath)
    {
        string root = Path.GetPathRoot(fullPath) ?? throw new ArgumentException($"{fullPath} has no root");
        var pending = new Stack<string>();
        PushComponents(pending, fullPath[root.Length..]);
        string current = root;
        int linksFollowed = 0;
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name is "" or ".") continue;
            if (name == "..")
            {
                // current has no links left in it, so its textual parent is its real parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Join(current, name);
            string? target = new FileInfo(next).LinkTarget;
            if (target == null)
            {
                current = next;
                continue;
            }
            if (++linksFollowed > MaxLinksFollowed)
                throw new ImageInputException($"too many levels of symbolic links in {fullPath}");
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            PushComponents(pending, target);
        }
        return current;
    }

    private static void PushComponents(Stack<string> pending, string relativePath)
    {
        var parts = relativePath.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }
}
