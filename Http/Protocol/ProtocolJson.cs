using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
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

    /// <summary>
    /// Gives the server's own serializer options (what typed results and request binding use) the same settings
    /// as <see cref="Context"/>, with the generated metadata first, so bodies read and write the same either way.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.TypeInfoResolverChain.Insert(0, ProtocolJsonContext.Default);
    }
}
