using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Xunit;

namespace QwenVL.Tests.Clients;

/// <summary>
/// Microsoft.Extensions.AI over the OpenAI SDK against the live server: typed responses (json_schema from a C# type)
/// and automatic function invocation with a required function, whose tool turn goes back to the server.
/// </summary>
public class ExtensionsAiTests(LiveClientServer live) : IClassFixture<LiveClientServer>
{
    public sealed record CityWeather(string City, int Celsius);

    private readonly ConcurrentQueue<RecordedExchange> _exchanges = new();

    private IChatClient Client() => live.ChatClient(_exchanges).AsIChatClient();

    [Fact]
    public async Task Typed_response_sends_the_types_schema_and_deserializes()
    {
        var response = await Client().GetResponseAsync<CityWeather>("Weather in Paris?", new ChatOptions { MaxOutputTokens = 200 });
        var sent = Assert.Single(_exchanges);
        Assert.Equal(200, sent.Status);
        Assert.Contains("\"json_schema\"", sent.RequestBody, StringComparison.Ordinal);
        Assert.True(response.TryGetResult(out var weather), response.Text);
        Assert.NotNull(weather!.City);
    }

    [Fact]
    public async Task Required_function_is_invoked_and_its_result_goes_back_in_a_tool_turn()
    {
        int invoked = 0;
        string? city = null;
        var getWeather = AIFunctionFactory.Create((string name) =>
        {
            Interlocked.Increment(ref invoked);
            city = name;
            return "22 C and sunny";
        }, "get_weather", "The weather of a city");
        // After the forced round the function-invoking client drops the tool mode and the OpenAI client then sends
        // tool_choice "auto", which the server refuses (Qwen2-VL has no free-form call format): the step under it asks
        // for "none", a plain answer, instead.
        using var client = new ChatClientBuilder(Client())
            .UseFunctionInvocation()
            .ConfigureOptions(o => o.ToolMode = o.ToolMode is null or AutoChatToolMode ? ChatToolMode.None : o.ToolMode)
            .Build();
        var options = new ChatOptions { Tools = [getWeather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), MaxOutputTokens = 60 };

        var response = await client.GetResponseAsync("Weather in Paris?", options);

        var exchanges = _exchanges.ToArray();
        Assert.True(exchanges.Length >= 2, $"{exchanges.Length} request(s)");
        Assert.All(exchanges, e => Assert.Equal(200, e.Status));
        Assert.Contains("\"tool_choice\"", exchanges[0].RequestBody, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"tool\"", exchanges[1].RequestBody, StringComparison.Ordinal);
        Assert.Contains("\"tool_choice\":\"none\"", exchanges[1].RequestBody, StringComparison.Ordinal);
        Assert.Contains(response.Messages, m => m.Contents.OfType<FunctionResultContent>().Any());
        Assert.Equal(1, invoked);
        Assert.NotNull(city);
    }
}
