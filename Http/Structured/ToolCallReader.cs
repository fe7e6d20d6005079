using System.Text;
using System.Text.RegularExpressions;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Structured;

/// <summary>What one piece of output adds to a forced tool call: whether its name just became known, and more arguments.</summary>
public readonly record struct ToolCallProgress(bool NameFound, string Arguments);

/// <summary>
/// Reads one choice's output as the tool call it was forced to be, as it arrives. For a named function the output is
/// the arguments, passed on as they come. For "required" it is <c>{"name": ..., "arguments": ...}</c>: nothing is
/// passed on until the name is known, then the arguments follow, less any trailing <c>}</c> and whitespace held back
/// because they may be the closing of the outer object (released when more arguments come, dropped at a stop).
/// Output that never shows a known name (only possible when nothing constrained it) stays content: see
/// <see cref="Recognised"/>.
/// </summary>
public sealed partial class ToolCallReader(ForcedToolCall call)
{
    private readonly StringBuilder _text = new();
    private int _argumentsStart = call.IsNamed ? 0 : -1;
    private int _passed;

    public string? Name { get; private set; } = call.Function;

    /// <summary>Whether the output is a call: always for a named function; for "required" once a known name was read.</summary>
    public bool Recognised => Name != null;

    /// <summary>The whole output so far (the content, when it is not <see cref="Recognised"/>).</summary>
    public string Text => _text.ToString();

    /// <summary>The arguments passed on so far; after <see cref="Finish"/>, all of them.</summary>
    public string Arguments => _argumentsStart < 0 ? "" : Text.Substring(_argumentsStart, _passed);

    public ToolCallProgress Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        _text.Append(delta);
        bool nameFound = false;
        if (_argumentsStart < 0)
        {
            var header = Header().Match(Text);
            if (!header.Success || !call.ToolNames.Contains(header.Groups[1].Value, StringComparer.Ordinal)) return new(false, "");
            Name = header.Groups[1].Value;
            _argumentsStart = header.Length;
            nameFound = true;
        }
        string text = Text;
        int end = call.IsNamed ? text.Length : text.Length - MaybeClosing(text, _argumentsStart);
        return new(nameFound, Pass(text, end));
    }

    /// <summary>The rest of the arguments once the choice has finished: at a stop, the outer object's closing is dropped.</summary>
    public string Finish(FinishReason reason)
    {
        if (_argumentsStart < 0) return "";
        string text = Text;
        int end = text.Length;
        if (!call.IsNamed && reason == FinishReason.Stop)
        {
            end = TrimWhitespace(text, end);
            if (end > _argumentsStart && text[end - 1] == '}') end = TrimWhitespace(text, end - 1);
        }
        return Pass(text, Math.Max(end, _argumentsStart + _passed));
    }

    private string Pass(string text, int end)
    {
        int from = _argumentsStart + _passed;
        if (end <= from) return "";
        _passed = end - _argumentsStart;
        return text[from..end];
    }

    /// <summary>How many characters at the end are <c>}</c> or whitespace: they may close the outer object.</summary>
    private static int MaybeClosing(string text, int start)
    {
        int n = 0;
        while (text.Length - n > start && text[text.Length - n - 1] is '}' or ' ' or '\t' or '\n' or '\r') n++;
        return n;
    }

    private int TrimWhitespace(string text, int end)
    {
        while (end > _argumentsStart && text[end - 1] is ' ' or '\t' or '\n' or '\r') end--;
        return end;
    }

    /// <summary>The outer object up to the arguments' first character (what follows the name must have begun).</summary>
    [GeneratedRegex("""^[ \t\n\r]*\{[ \t\n\r]*"name"[ \t\n\r]*:[ \t\n\r]*"([A-Za-z0-9_-]{1,64})"[ \t\n\r]*,[ \t\n\r]*"arguments"[ \t\n\r]*:[ \t\n\r]*(?=[^ \t\n\r])""")]
    private static partial Regex Header();
}
