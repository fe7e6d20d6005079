using System.Collections.Concurrent;
using System.Text.Json;
using OpenAI.Chat;
using Xunit;

namespace QwenVL.Tests.Clients;

/// <summary>
/// The OpenAI .NET SDK (package OpenAI) against the live server: a strict json_schema response format and a named
/// function choice. With random weights only the constraint makes the output valid, so these assert what the grammar
/// guarantees: JSON that matches the schema.
/// </summary>
public class OpenAiSdkTests(LiveClientServer live) : IClassFixture<LiveClientServer>
{
    public const string WeatherSchema =
        """{"type":"object","properties":{"city":{"type":"string","maxLength":12},"celsius":{"type":"integer","minimum":-50,"maximum":50}},"required":["city","celsius"],"additionalProperties":false}""";

    private readonly ConcurrentQueue<RecordedExchange> _exchanges = new();

    private static void AssertMatchesWeatherSchema(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(2, root.EnumerateObject().Count());
        Assert.True(root.GetProperty("city").GetString()!.Length <= 12);
        Assert.InRange(root.GetProperty("celsius").GetInt32(), -50, 50);
    }

    private static ChatTool WeatherTool() =>
        ChatTool.CreateFunctionTool("get_weather", "The weather of a city", BinaryData.FromString(WeatherSchema), functionSchemaIsStrict: true);

    [Fact]
    public async Task Strict_json_schema_response_format_gives_json_matching_the_schema()
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(WeatherSchema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 120,
        };
        ChatCompletion completion = await live.ChatClient(_exchanges).CompleteChatAsync([new UserChatMessage("Weather in Paris as JSON?")], options);
        Assert.Contains("\"json_schema\"", Assert.Single(_exchanges).RequestBody, StringComparison.Ordinal);
        AssertMatchesWeatherSchema(completion.Content[0].Text);
    }

    [Fact]
    public async Task Named_function_choice_gives_one_tool_call_of_that_function()
    {
        var options = new ChatCompletionOptions { Tools = { WeatherTool() }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = 120 };
        ChatCompletion completion = await live.ChatClient(_exchanges).CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        Assert.True(completion.Content.Count == 0 || completion.Content.All(p => string.IsNullOrEmpty(p.Text)));
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.ToolCalls, ChatFinishReason.Length });
    }

    [Fact]
    public async Task Named_function_choice_arguments_match_the_functions_schema()
    {
        var options = new ChatCompletionOptions { Tools = { WeatherTool() }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = 120 };
        ChatCompletion completion = await live.ChatClient(_exchanges).CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        AssertMatchesWeatherSchema(Assert.Single(completion.ToolCalls).FunctionArguments.ToString());
    }

    [Fact]
    public async Task Named_function_choice_streams_as_tool_call_updates_the_sdk_assembles()
    {
        var options = new ChatCompletionOptions { Tools = { WeatherTool() }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = 60 };
        string? name = null, id = null;
        var arguments = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in live.ChatClient(_exchanges).CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                name ??= call.FunctionName;
                id ??= call.ToolCallId;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }
        Assert.Equal("get_weather", name);
        Assert.StartsWith("call_", id, StringComparison.Ordinal);
        Assert.NotNull(finish);
        Assert.True(arguments.Length > 0);
    }
}
