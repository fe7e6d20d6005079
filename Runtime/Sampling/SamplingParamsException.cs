namespace QwenVL.Runtime.Sampling;

/// <summary>
/// A sampling parameter outside its allowed range. <see cref="Field"/> is the request field's
/// OpenAI (snake_case) name, so the HTTP edge can report it as the error's <c>param</c>.
/// </summary>
public sealed class SamplingParamsException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
