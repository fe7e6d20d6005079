namespace QwenVL.Runtime.Generation;

/// <summary>
/// How a request wants its choices' text written, beyond sampling: with or without special tokens
/// (skip_special_tokens), and whether a matched stop string stays at the end (include_stop_str_in_output).
/// </summary>
public sealed record OutputTextOptions(bool SkipSpecialTokens = true, bool IncludeStopStringInOutput = false)
{
    public static OutputTextOptions Default { get; } = new();
}
