using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Structured;

public class SchemaRefusalTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"number","multipleOf":2}}}""", "multipleOf", "#/properties/a")]
    [InlineData("""{"type":"object","minProperties":1}""", "minProperties", "#")]
    [InlineData("""{"type":"array","items":{"type":"string"},"uniqueItems":true}""", "uniqueItems", "#")]
    [InlineData("""{"not":{"type":"string"}}""", "not", "#")]
    [InlineData("""{"if":{},"then":{}}""", "if", "#")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties", "#")]
    [InlineData("""{"$defs":{"x":{"type":"string","contentEncoding":"base64"}},"$ref":"#/$defs/x"}""", "contentEncoding", "#/$defs/x")]
    [InlineData("""{"type":"string","format":"uri"}""", "format", "#")]
    [InlineData("""{"type":"number","minimum":0.5}""", "minimum", "#")]
    [InlineData("""{"type":"string","pattern":"(?=x)"}""", "pattern", "#")]
    [InlineData("""{"type":"string","pattern":"a","maxLength":3}""", "pattern", "#")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":2}]}""", "allOf", "#")]
    [InlineData("""{"type":"string","anyOf":[{"maxLength":2}]}""", "anyOf", "#")]
    [InlineData("""{"$ref":"other.json#/x"}""", "$ref", "#")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "$ref", "#")]
    [InlineData("""{"type":"array","items":[{"type":"string"}]}""", "items", "#")]
    [InlineData("""{"type":"text"}""", "type", "#")]
    public void Names_the_keyword_and_its_path(string schema, string keyword, string path)
    {
        var error = Assert.Throws<StructuredOutputException>(() => StructuredKit.Schema(schema));
        Assert.Equal(keyword, error.Keyword);
        Assert.Equal(path, error.Path);
        Assert.Contains(keyword, error.Message);
    }

    [Fact]
    public void Invalid_json_is_refused() => Assert.Throws<StructuredOutputException>(() => GrammarSpec.JsonSchema("{\"type\":"));

    [Fact]
    public void A_grammar_past_the_state_budget_is_refused()
    {
        var error = Assert.Throws<StructuredOutputException>(() =>
            StructuredKit.Schema("""{"type":"string","maxLength":5000}""", GrammarOptions.Default with { MaxNfaStates = 10_000 }));
        Assert.Contains("states", error.Message);
    }
}
