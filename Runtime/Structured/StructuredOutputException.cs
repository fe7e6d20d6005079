namespace QwenVL.Runtime.Structured;

/// <summary>
/// A structured-output request the engine cannot honour exactly: an unsupported keyword, a malformed
/// pattern, a schema no value satisfies, or one whose automaton would be too large. The message names
/// the keyword and its JSON path so the server can answer 400 with it.
/// </summary>
public sealed class StructuredOutputException : Exception
{
    public StructuredOutputException(string message, string path = "", string? keyword = null)
        : base(path.Length == 0 ? message : $"{message} (at {path})")
    {
        Path = path;
        Keyword = keyword;
    }

    /// <summary>JSON path of the schema node at fault, e.g. <c>#/properties/name</c>; empty when not about a schema.</summary>
    public string Path { get; }

    /// <summary>The keyword refused, when the failure is about one.</summary>
    public string? Keyword { get; }
}
