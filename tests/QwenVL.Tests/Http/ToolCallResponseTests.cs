using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>
/// Forced tool calls answered in OpenAI's shapes, whole and streamed, from scripted model text (no engine involved),
/// and what the edge hands the replica: the constraint, the tools in the system turn, the logit biases.
/// </summary>
public class ToolCallResponseTests
{
    private const string Weather = """{"type":"function","function":{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";
    private const string Time = """{"type":"function","function":{"name":"get_time"}}""";
    private const string Named = """ "tools":[""" + Weather + "," + Time + """],"tool_choice":{"type":"function","function":{"name":"get_weather"}}""";
    private const string Required = """ "tools":[""" + Weather + "," + Time + """],"tool_choice":"required" """;

    private static string Body(string fields) => """{"messages":[{"role":"user","content":"Weather in Paris?"}],""" + fields + "}";

    /// <summary>The model's text in <paramref name="pieces"/>, ending with <paramref name="reason"/>.</summary>
    private static FakeCompletionService Writing(FinishReason reason, params string[] pieces) =>
        FakeCompletionService.Replying(
        [
            new PromptAccepted(7),
            .. pieces.Select(p => EdgeFixtures.Delta(0, p)),
            new ChoiceFinished(0, reason, pieces.Length),
            new CompletionFinished(7, pieces.Length, 0),
        ]);

    private static async Task<JsonElement> PostAsync(EdgeServer server, string body)
    {
        using var response = await server.PostJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("choices")[0];
    }

    private static async Task<List<JsonElement>> StreamAsync(EdgeServer server, string body)
    {
        using var response = await server.PostStreamingAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices")[0]).ToList();
    }

    private static void AssertCall(JsonElement choice, string name, string arguments, string finishReason)
    {
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray().ToArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal(name, call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(arguments, call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(finishReason, choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Named_function_answers_tool_calls_and_sends_its_schema_and_the_tools_to_the_replica()
    {
        var fake = Writing(FinishReason.Stop, """{"city":""", """ "Paris"}""");
        await using var server = await EdgeServer.StartAsync(fake);
        AssertCall(await PostAsync(server, Body(Named)), "get_weather", """{"city": "Paris"}""", "tool_calls");

        var request = Assert.Single(fake.Requests);
        Assert.Equal(GrammarSpec.JsonSchema("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), request.Sampling.Constraint);
        var system = ((ChatPrompt)request.Prompt).Messages[0];
        Assert.Equal("system", system.Role);
        var text = string.Concat(system.Content.OfType<TextPart>().Select(p => p.Text));
        Assert.StartsWith(ChatTemplate.DefaultSystemPrompt + "\n\n# Tools", text);
        Assert.Contains("""{"type": "function", "function": {"name": "get_weather", "description": "Weather of a city", "parameters": """, text);
    }

    [Fact]
    public async Task Named_function_cut_by_max_tokens_keeps_its_partial_arguments_and_finishes_with_length()
    {
        await using var server = await EdgeServer.StartAsync(Writing(FinishReason.Length, """{"city":""", """ "Par"""));
        AssertCall(await PostAsync(server, Body(Named)), "get_weather", """{"city": "Par""", "length");
    }

    [Fact]
    public async Task Required_answers_the_named_tool_with_its_arguments_and_constrains_to_any_tool()
    {
        var fake = Writing(FinishReason.Stop, "{\"name\": \"get_", "weather\", \"arguments\": {\"city\"", ": \"Paris\"}}");
        await using var server = await EdgeServer.StartAsync(fake);
        AssertCall(await PostAsync(server, Body(Required)), "get_weather", """{"city": "Paris"}""", "tool_calls");

        var constraint = Assert.Single(fake.Requests).Sampling.Constraint!;
        using var schema = JsonDocument.Parse(constraint.Source);
        var branches = schema.RootElement.GetProperty("anyOf");
        Assert.Equal(2, branches.GetArrayLength());
        Assert.Equal("get_time", branches[1].GetProperty("properties").GetProperty("name").GetProperty("const").GetString());
    }

    [Fact]
    public async Task Required_output_that_is_no_call_stays_content()
    {
        await using var server = await EdgeServer.StartAsync(Writing(FinishReason.Stop, "Sunny", " today"));
        var choice = await PostAsync(server, Body(Required));
        Assert.Equal("Sunny today", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Named_function_streams_the_call_header_then_argument_fragments()
    {
        await using var server = await EdgeServer.StartAsync(Writing(FinishReason.Stop, """{"city":""", """ "Paris"}"""));
        var chunks = await StreamAsync(server, Body(Named + """, "stream":true"""));

        Assert.Equal("assistant", chunks[0].GetProperty("delta").GetProperty("role").GetString());
        var header = chunks[1].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal(0, header.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", header.GetProperty("id").GetString());
        Assert.Equal("function", header.GetProperty("type").GetString());
        Assert.Equal("get_weather", header.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", header.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(new[] { """{"city":""", """ "Paris"}""" }, ArgumentPieces(chunks.Skip(2)));
        Assert.Equal("tool_calls", chunks[^1].GetProperty("finish_reason").GetString());
        Assert.All(chunks, c => Assert.False(c.GetProperty("delta").TryGetProperty("content", out var content) && content.GetString()?.Length > 0));
    }

    [Fact]
    public async Task Required_streams_nothing_until_the_name_is_known_and_never_the_outer_closing()
    {
        await using var server = await EdgeServer.StartAsync(
            Writing(FinishReason.Stop, "{\"name\": \"get_", "weather\", \"arguments\": {\"city\"", ": \"Paris\"}", "}"));
        var chunks = await StreamAsync(server, Body(Required + """, "stream":true"""));

        var calls = chunks.Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _)).ToList();
        var header = calls[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", header.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", header.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("""{"city": "Paris"}""", string.Concat(ArgumentPieces(calls.Skip(1))));
        Assert.Equal("tool_calls", chunks[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Tool_choice_none_answers_content_without_tools_in_the_prompt_or_a_constraint()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        var choice = await PostAsync(server, Body(""" "tools":[""" + Weather + """],"tool_choice":"none" """));
        Assert.Equal("Hello world", choice.GetProperty("message").GetProperty("content").GetString());
        var request = Assert.Single(fake.Requests);
        Assert.Null(request.Sampling.Constraint);
        Assert.Equal("user", ((ChatPrompt)request.Prompt).Messages[0].Role);
    }

    [Fact]
    public async Task Response_format_guided_fields_and_logit_bias_reach_the_replica_and_unknown_fields_are_warned_once()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        await PostAsync(server, Body(""" "response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,"schema":{"type":"object","properties":{"c":{"type":"integer"}},"required":["c"],"additionalProperties":false}}},"logit_bias":{"42":-100,"7":2.5},"frobnicate":1,"colour":"blue" """));
        await PostAsync(server, Body(""" "guided_choice":["yes","no"] """));
        await PostAsync(server, Body(""" "structured_outputs":{"regex":"[0-9]+"} """));
        await PostAsync(server, Body(""" "response_format":{"type":"json_object"} """));

        var requests = fake.Requests.ToArray();
        Assert.Equal(GrammarKind.JsonSchema, requests[0].Sampling.Constraint!.Kind);
        Assert.Equal(new LogitBiasEntry[] { new(42, -100), new(7, 2.5) }, requests[0].Sampling.LogitBias);
        Assert.Equal(GrammarSpec.Choice(["yes", "no"]), requests[1].Sampling.Constraint);
        Assert.Equal(GrammarSpec.Regex("[0-9]+"), requests[2].Sampling.Constraint);
        Assert.Equal(GrammarSpec.JsonObject(), requests[3].Sampling.Constraint);
        var warning = Assert.Single(server.Log, line => line.Contains("unknown request fields", StringComparison.Ordinal));
        Assert.Contains("colour, frobnicate", warning);
    }

    [Fact]
    public async Task A_conversation_with_an_assistant_call_and_the_tool_result_is_accepted_and_rendered()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        var body = """
            {"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"22 C"}],
             "tools":[
            """ + Weather + "]}";
        var choice = await PostAsync(server, body);
        Assert.Equal("Hello world", choice.GetProperty("message").GetProperty("content").GetString());

        var prompt = ChatTemplate.Render(((ChatPrompt)Assert.Single(fake.Requests).Prompt).Messages);
        Assert.EndsWith(
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n22 C\n</tool_response><|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    private static List<string> ArgumentPieces(IEnumerable<JsonElement> chunks) =>
        chunks.Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!)
            .ToList();
}
