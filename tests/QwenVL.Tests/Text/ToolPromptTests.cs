using QwenVL.Runtime.Text;
using Xunit;

namespace QwenVL.Tests.Text;

/// <summary>Tools, assistant calls and tool results in the prompt, exactly as Qwen2.5's published chat template writes them.</summary>
public class ToolPromptTests
{
    private const string WeatherTool =
        """{"type":"function","function":{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"Ville, \"quoted\""}},"required":["city"]}}}""";

    private const string ToolsBlock =
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
        """{"type": "function", "function": {"name": "get_weather", "description": "Weather of a city", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Ville, \"quoted\""}}, "required": ["city"]}}}""" +
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
        "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";

    [Fact]
    public void Tools_follow_the_default_system_prompt_when_the_conversation_has_none()
    {
        var messages = ToolPrompt.WithTools([ChatMessage.FromText("user", "Weather in Paris?")], [WeatherTool]);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant." + ToolsBlock + "<|im_end|>\n" +
            "<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Render(messages));
    }

    [Fact]
    public void Tools_follow_the_conversations_own_system_prompt()
    {
        var messages = ToolPrompt.WithTools([ChatMessage.FromText("system", "Be brief."), ChatMessage.FromText("user", "Hi")], [WeatherTool]);
        Assert.Equal(2, messages.Count);
        Assert.StartsWith("<|im_start|>system\nBe brief." + ToolsBlock + "<|im_end|>\n<|im_start|>user\nHi", ChatTemplate.Render(messages));
    }

    [Fact]
    public void Assistant_calls_and_consecutive_tool_results_render_as_in_qwen25()
    {
        var calls = ToolPrompt.ToolCalls(
            [new ToolCallText("get_weather", """{"city":"Paris"}"""), new ToolCallText("get_weather", """{"city": "Lyon"}""")], afterContent: true);
        ChatMessage[] messages =
        [
            ChatMessage.FromText("user", "Paris and Lyon?"),
            new("assistant", [new TextPart("Checking both."), new TextPart(calls)]),
            ChatMessage.FromText("tool", "22 C"),
            ChatMessage.FromText("tool", "19 C"),
            ChatMessage.FromText("user", "Thanks"),
        ];
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nParis and Lyon?<|im_end|>\n" +
            "<|im_start|>assistant\nChecking both.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n" +
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lyon\"}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n22 C\n</tool_response>\n<tool_response>\n19 C\n</tool_response><|im_end|>\n" +
            "<|im_start|>user\nThanks<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Render(messages));
    }

    [Fact]
    public void A_call_without_content_opens_the_assistant_turn()
    {
        var calls = ToolPrompt.ToolCalls([new ToolCallText("get_time", "{}")], afterContent: false);
        Assert.Equal("<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>", calls);
    }

    [Theory]
    [InlineData("""{"a":[1,2.50,{"b":null}],"c":"é\n"}""", """{"a": [1, 2.50, {"b": null}], "c": "é\n"}""")]
    [InlineData("not json", "\"not json\"")]
    public void Json_is_written_as_pythons_json_dumps_writes_it(string json, string dumped) =>
        Assert.Equal(dumped, PythonJson.DumpsText(json));
}
