namespace QwenVL.Runtime.Text;

/// <summary>
/// An entry of tokenizer.json's added_tokens: text matched whole before BPE runs.
/// <paramref name="Special"/> marks the control tokens that skip_special_tokens drops.
/// </summary>
internal sealed record AddedToken(int Id, string Content, bool Special);
