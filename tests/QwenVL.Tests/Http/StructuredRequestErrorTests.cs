using System.Text.Json;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>
/// Structured outputs, tools and logit_bias refused as OpenAI refuses them: a 400 naming the field (and the schema
/// keyword), the completion service untouched. Independent of the engine: the edge compiles every constraint first.
/// </summary>
public class StructuredRequestErrorTests
{
    private const string Hi = """{"messages":[{"role":"user","content":"Hi"}],""";
    private const string Weather = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        // response_format
        { Hi + """ "response_format":{"type":"xml"}}""", "response_format.type", "'xml'" },
        { Hi + """ "response_format":{"type":"json_schema"}}""", "response_format.json_schema", "required" },
        { Hi + """ "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":"{not json"}}}""", "response_format.json_schema.schema", "not valid JSON" },
        { Hi + """ "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":[1,2]}}}""", "response_format.json_schema.schema", "JSON Schema object" },
        { Hi + """ "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string","not":{"const":"b"}}}}}}}""",
            "response_format.json_schema.schema", "'not'" },
        // vLLM's constraints
        { Hi + """ "guided_json":{"type":"object","patternProperties":{"^a":{"type":"string"}}}}""", "guided_json", "'patternProperties'" },
        { Hi + """ "guided_regex":"(unclosed"}""", "guided_regex", "guided_regex" },
        { Hi + """ "guided_choice":[]}""", "guided_choice", "at least one" },
        { Hi + """ "guided_choice":"yes"}""", "guided_choice", "array of strings" },
        { Hi + """ "structured_outputs":{"grammar":"root ::= \"a\""}}""", "structured_outputs.grammar", "not supported" },
        { Hi + """ "guided_grammar":"root ::= \"a\""}""", "guided_grammar", "not supported" },
        // two sources of one constraint
        { Hi + """ "response_format":{"type":"json_object"},"guided_regex":"a+"}""", "guided_regex", "response_format and guided_regex" },
        { Hi + """ "structured_outputs":{"regex":"a+","choice":["a"]}}""", "structured_outputs.choice", "structured_outputs.regex and structured_outputs.choice" },
        { Hi + """ "response_format":{"type":"json_object"},"tools":[""" + Weather + """],"tool_choice":"required"}""", "tool_choice", "response_format and tool_choice" },
        // tools and tool_choice
        { Hi + """ "tool_choice":"required"}""", "tool_choice", "only allowed when tools" },
        { Hi + """ "tools":[""" + Weather + """],"tool_choice":"auto"}""", "tool_choice", "--enable-auto-tool-choice" },
        { Hi + """ "tools":[""" + Weather + """],"tool_choice":{"type":"function","function":{"name":"get_time"}}}""", "tool_choice", "'get_time'" },
        { Hi + """ "tools":[""" + Weather + """],"tool_choice":"sometimes"}""", "tool_choice", "'sometimes'" },
        { Hi + """ "tools":[{"type":"retrieval","function":{"name":"a"}}],"tool_choice":"required"}""", "tools[0].type", "'function'" },
        { Hi + """ "tools":[{"type":"function","function":{"description":"no name"}}]}""", "tools[0].function.name", "letters" },
        { Hi + """ "tools":[{"type":"function","function":{"name":"has space"}}]}""", "tools[0].function.name", "letters" },
        { Hi + """ "tools":[{"type":"function","function":{"name":"a","parameters":"x"}}]}""", "tools[0].function.parameters", "object" },
        { Hi + """ "tools":[""" + Weather + "," + Weather + """]}""", "tools", "unique" },
        { Hi + """ "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"if":{}}}}}}],"tool_choice":"required"}""",
            "tools[0].function.parameters", "'if'" },
        // logit_bias
        { Hi + """ "logit_bias":{"151936":5}}""", "logit_bias", "out of the vocabulary" },
        { Hi + """ "logit_bias":{"100":101}}""", "logit_bias", "[-100, 100]" },
        { Hi + """ "logit_bias":{"100":-100.5}}""", "logit_bias", "[-100, 100]" },
        { Hi + """ "logit_bias":{"-3":1}}""", "logit_bias", "not a token id" },
        { Hi + """ "logit_bias":[1]}""", "logit_bias", "object" },
        // a conversation's tool turns
        { """{"messages":[{"role":"tool","content":"22"}]}""", "messages[0].tool_call_id", "tool_call_id" },
        { """{"messages":[{"role":"user","content":"Hi","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""",
            "messages[0].tool_calls", "assistant" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_structured_request_is_400_naming_the_field_and_never_reaches_the_service(string body, string param, string says)
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(400 == (int)response.StatusCode, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Empty(fake.Requests);
    }
}
