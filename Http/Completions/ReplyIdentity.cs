namespace QwenVL.Http.Completions;

/// <summary>What every object of one answer repeats: its id, the model name the request used, and when it was created.</summary>
public sealed record ReplyIdentity(string Id, string Model, long Created);
