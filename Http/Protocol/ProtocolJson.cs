using System.Text.Encodings.Web;
using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>The protocol's serializer settings: source-generated types, UTF-8 text written as is.</summary>
public static class ProtocolJson
{
    /// <summary>Non-ASCII text stays readable (as vLLM's responses are); HTML-significant characters need no escaping in JSON bodies.</summary>
    public static ProtocolJsonContext Context { get; } = new(new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
