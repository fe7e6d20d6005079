namespace QwenVL.Runtime.Generation;

/// <summary>Why a sequence stopped, in OpenAI's words (see <see cref="FinishReasons.ToOpenAi"/>).</summary>
public enum FinishReason { Stop, Length, Abort, Error }

public static class FinishReasons
{
    public static string ToOpenAi(this FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.Abort => "abort",
        _ => "error",
    };
}
