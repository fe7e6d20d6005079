using System.Text.Json;
using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>
/// The body of POST /v1/chat/completions, as OpenAI and vLLM accept it. Unknown fields are ignored, as vLLM ignores
/// them, but kept in <see cref="UnknownFields"/> so the server can warn about them.
/// </summary>
public sealed class ChatCompletionRequest : SamplingRequest
{
    public List<ChatMessageDto>? Messages { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    /// <summary>vLLM's per-request arguments for the multimodal processor; Qwen2-VL's image pixel bounds.</summary>
    public MmProcessorKwargsDto? MmProcessorKwargs { get; set; }

    /// <summary>OpenAI's {"type": "text" | "json_object" | "json_schema", "json_schema"?: {...}}.</summary>
    public ResponseFormatDto? ResponseFormat { get; set; }
    public List<ToolDto>? Tools { get; set; }
    /// <summary>"none", "auto", "required", or {"type": "function", "function": {"name": ...}}.</summary>
    public JsonElement? ToolChoice { get; set; }
    /// <summary>Accepted and moot: a forced choice yields exactly one call.</summary>
    public bool? ParallelToolCalls { get; set; }

    /// <summary>vLLM's structured_outputs: one of json, regex, choice (grammar is refused).</summary>
    public StructuredOutputsDto? StructuredOutputs { get; set; }
    /// <summary>vLLM's older spellings of the same constraints: a schema (object or JSON text), a regex, a list of strings.</summary>
    public JsonElement? GuidedJson { get; set; }
    public JsonElement? GuidedRegex { get; set; }
    public JsonElement? GuidedChoice { get; set; }
    public JsonElement? GuidedGrammar { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }
}

/// <summary>One message; content is a string, null, or an array of typed parts.</summary>
public sealed class ChatMessageDto
{
    public string? Role { get; set; }
    public JsonElement? Content { get; set; }
    /// <summary>An assistant turn's function calls, sent back with the conversation.</summary>
    public List<ToolCallDto>? ToolCalls { get; set; }
    /// <summary>Which call a "tool" message answers.</summary>
    public JsonElement? ToolCallId { get; set; }
}

public sealed class ResponseFormatDto
{
    public string? Type { get; set; }
    public JsonSchemaFormatDto? JsonSchema { get; set; }
}

public sealed class JsonSchemaFormatDto
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Schema { get; set; }
    /// <summary>Accepted either way: outputs always follow the schema exactly.</summary>
    public bool? Strict { get; set; }
}

/// <summary>An offered tool: {"type": "function", "function": {"name", "description"?, "parameters"?, "strict"?}}.</summary>
public sealed class ToolDto
{
    public string? Type { get; set; }
    public FunctionDefinitionDto? Function { get; set; }
}

public sealed class FunctionDefinitionDto
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Parameters { get; set; }
    public bool? Strict { get; set; }
}

/// <summary>A function call in a request's assistant message: {"id", "type": "function", "function": {"name", "arguments"}}.</summary>
public sealed class ToolCallDto
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public FunctionCallDto? Function { get; set; }
}

public sealed class FunctionCallDto
{
    public string? Name { get; set; }
    /// <summary>The arguments as JSON text (OpenAI's form); an object is taken too.</summary>
    public JsonElement? Arguments { get; set; }
}

/// <summary>vLLM's structured_outputs object.</summary>
public sealed class StructuredOutputsDto
{
    public JsonElement? Json { get; set; }
    public string? Regex { get; set; }
    public List<string>? Choice { get; set; }
    public JsonElement? Grammar { get; set; }
    public bool? JsonObject { get; set; }
}
