using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>Source-generated JSON for the OpenAI protocol types: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
