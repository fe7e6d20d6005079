namespace QwenVL.Http.Protocol;

/// <summary>The answer of GET /version.</summary>
public sealed record VersionResponse(string Version);
