using QwenVL.Http.Protocol;

namespace QwenVL.Http.Completions;

/// <summary>stream_options belongs to streaming requests only; vLLM refuses it otherwise, in these words.</summary>
internal static class StreamOptionsCheck
{
    public static void Ensure(SamplingRequest request)
    {
        if (request.StreamOptions != null && request.Stream != true)
            throw new InvalidRequestException("Stream options can only be defined when `stream=True`.", "stream_options");
    }
}
