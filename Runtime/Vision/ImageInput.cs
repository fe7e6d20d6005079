namespace QwenVL.Runtime.Vision;

/// <summary>
/// One image of a request, ready to load: its URL, the pixel bounds it is resized under (null: the preprocessor
/// config's) and <see cref="Field"/>, where it appeared in the request (<c>messages[1].content[0]</c>), for errors.
/// </summary>
public sealed record ImageInput(string Url, string Field, int? MinPixels = null, int? MaxPixels = null);
