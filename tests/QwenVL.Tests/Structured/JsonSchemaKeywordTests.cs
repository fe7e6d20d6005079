using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Structured;

/// <summary>Per keyword: outputs the automaton must accept and must reject, byte for byte. Cases are separated by " ‖ ".</summary>
public class JsonSchemaKeywordTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { """{"type":"string"}""", """ "" ‖ "abc" ‖ "é\n\"\\\u001f" ‖ "😀" ‖ "\t\b\f\r/" """, """abc ‖ "a ‖ "a"" ‖ "\x" ‖ "\/" ‖ "\u0041" ‖ "\ud83d\ude00" """ },
        { """{"type":"integer"}""", "0 ‖ -7 ‖ 123456789012345678", "01 ‖ -0 ‖ 1.0 ‖ 1e3 ‖ 1234567890123456789 ‖ +1" },
        { """{"type":"number"}""", "0 ‖ -0.5 ‖ 3.14 ‖ 1e10 ‖ 2.5E-3 ‖ -0", "01 ‖ .5 ‖ 1. ‖ 1e ‖ 1e123 ‖ NaN" },
        { """{"type":"boolean"}""", "true ‖ false", "True ‖ 1 ‖ null" },
        { """{"type":"null"}""", "null", "nul ‖ None" },
        { """{"type":["string","null"]}""", "\"a\" ‖ null", "1 ‖ true" },
        { """{"enum":["red","green",3,null]}""", "\"red\" ‖ \"green\" ‖ 3 ‖ null", "\"blue\" ‖ \"Red\" ‖ 3.0" },
        { """{"type":"string","enum":["a",1,"b"]}""", "\"a\" ‖ \"b\"", "1" },
        { """{"const":{"k":[1,"x"]}}""", """{"k":[1,"x"]}""", """{"k":[1,"y"]} ‖ {"k": [1,"x"]}""" },
        { """{"type":"string","minLength":2,"maxLength":3}""", "\"ab\" ‖ \"éé\" ‖ \"a\\nb\"", "\"a\" ‖ \"abcd\" ‖ \"\" ‖ \"e\u0301\" ‖ \"\\r\\n\"" },
        { """{"type":"string","pattern":"^[a-z]+\\d$"}""", "\"abc1\"", "\"abc\" ‖ \"Abc1\" ‖ \"abc12\"" },
        { """{"type":"string","pattern":"ab"}""", "\"ab\" ‖ \"xxabyy\" ‖ \"é ab\\n\"", "\"a b\" ‖ \"\"" },
        { """{"type":"string","format":"date"}""", "\"2024-01-31\" ‖ \"1999-02-28\" ‖ \"2000-04-30\"", "\"2024-02-30\" ‖ \"2024-04-31\" ‖ \"2024-13-01\" ‖ \"24-01-01\"" },
        { """{"type":"string","format":"date-time"}""", "\"2024-01-31T23:59:59Z\" ‖ \"2024-06-01T00:00:00.123+02:00\"", "\"2024-01-31T24:00:00Z\" ‖ \"2024-01-31 10:00:00Z\"" },
        { """{"type":"string","format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"", "\"123e4567e89b12d3a456426614174000\" ‖ \"123e4567-e89b-12d3-a456-42661417400g\"" },
        { """{"type":"string","format":"email"}""", "\"john.doe@example.com\" ‖ \"a+b@mail.co.uk\"", "\"john@\" ‖ \"@x.com\" ‖ \"a..b@x.com\" ‖ \"a@b\"" },
        { """{"type":"integer","minimum":-12,"maximum":345}""", "-12 ‖ -1 ‖ 0 ‖ 99 ‖ 345 ‖ 300", "-13 ‖ 346 ‖ 1000 ‖ -100" },
        { """{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}""", "1 ‖ 9", "0 ‖ 10 ‖ -1" },
        { """{"type":"integer","minimum":1000}""", "1000 ‖ 999999", "999 ‖ 0 ‖ -1000" },
        { """{"type":"number","minimum":0,"maximum":10}""", "0 ‖ 10 ‖ 9.99 ‖ 0.001 ‖ 5", "-0.5 ‖ 10.5 ‖ 10.0 ‖ 11 ‖ 1e1" },
        { """{"type":"number","exclusiveMinimum":-2,"maximum":-1}""", "-1 ‖ -1.5 ‖ -1.99", "-2 ‖ -0.5 ‖ -2.5" },
        { """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}""", "[1] ‖ [1,2,3] ‖ [ 1 , 2 ]", "[] ‖ [1,2,3,4] ‖ [1,] ‖ [\"a\"]" },
        { """{"type":"array","items":{"type":"boolean"}}""", "[] ‖ [true] ‖ [true,false,true,true]", "[true false] ‖ [,]" },
        { """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}""", "[] ‖ [\"a\"] ‖ [\"a\",1]", "[1] ‖ [\"a\",1,2]" },
        { """{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"null"},"minItems":2}""", "[\"a\",null] ‖ [\"a\",null,null]", "[\"a\"] ‖ [null,null]" },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]}""",
          """{"a":1} ‖ {"a":1,"b":"x"} ‖ { "a" : 1 , "b" : "x" }""", """{} ‖ {"b":"x"} ‖ {"b":"x","a":1} ‖ {"a":1,} ‖ {"a":1,"c":2}""" },
        { """{"type":"object","properties":{"a":{"type":"null"},"b":{"type":"null"}}}""", """{} ‖ {"a":null} ‖ {"b":null} ‖ {"a":null,"b":null}""", """{,"b":null} ‖ {"b":null,"a":null}""" },
        { """{"type":"object","additionalProperties":{"type":"integer"}}""", """{} ‖ {"x":1} ‖ {"x":1,"y":2}""", """{"x":"1"} ‖ {"x":1,}""" },
        { """{"type":"object","properties":{"a":{"type":"null"}},"additionalProperties":false,"required":["a"]}""", """{"a":null}""", """{"a":null,"b":1}""" },
        { """{"anyOf":[{"type":"integer"},{"type":"string","maxLength":1}]}""", "5 ‖ \"x\"", "\"xy\" ‖ null" },
        { """{"oneOf":[{"type":"boolean"},{"type":"null"}]}""", "true ‖ null", "1" },
        { """{"$defs":{"pos":{"type":"integer","minimum":1}},"type":"array","items":{"$ref":"#/$defs/pos"}}""", "[1,2]", "[0]" },
        { """{"definitions":{"n":{"type":"null"}},"allOf":[{"$ref":"#/definitions/n"}]}""", "null", "1" },
        { """{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}},"required":["v"]}""",
          """{"v":1} ‖ {"next":{"v":2},"v":1} ‖ {"next":{"next":{"v":3},"v":2},"v":1}""", """{"next":{},"v":1}""" },
        { """{"description":"d","title":"t","default":1,"$schema":"https://json-schema.org/draft/2020-12/schema","examples":[1],"type":"integer"}""", "1", "\"1\"" },
        { "true", "1 ‖ \"x\" ‖ {\"a\":[1,{\"b\":null}]}", "x" },
        { "{}", "[] ‖ {}", "[1,]" },
        { """{"properties":{"a":{"type":"integer"}},"required":["a"]}""", """{"a":1}""", "1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Accepts_and_rejects_byte_for_byte(string schema, string accepted, string rejected)
    {
        var grammar = StructuredKit.Schema(schema);
        foreach (var text in Split(accepted)) Assert.True(StructuredKit.Accepts(grammar, text), $"{schema} should accept {text}");
        foreach (var text in Split(rejected)) Assert.False(StructuredKit.Accepts(grammar, text), $"{schema} should reject {text}");
    }

    [Fact]
    public void Properties_come_in_schema_order_and_whitespace_is_bounded()
    {
        var grammar = StructuredKit.Schema("""{"type":"object","properties":{"z":{"type":"null"},"a":{"type":"null"}},"required":["z","a"]}""");
        Assert.True(StructuredKit.Accepts(grammar, """{"z":null,"a":null}"""));
        Assert.False(StructuredKit.Accepts(grammar, """{"a":null,"z":null}"""));
        Assert.True(StructuredKit.Accepts(grammar, "{\n \"z\":null,\n \"a\":null\n }"));
        Assert.False(StructuredKit.Accepts(grammar, "{\"z\":   null,\"a\":null}"));
    }

    [Fact]
    public void Json_object_accepts_nested_objects_up_to_the_depth_bound()
    {
        var grammar = StructuredKit.Compile(GrammarSpec.JsonObject(), GrammarOptions.Default with { JsonObjectDepth = 3 });
        Assert.True(StructuredKit.Accepts(grammar, """{"a":[{"b":1}],"c":"x","d":-1.5e3,"e":true,"f":null}"""));
        Assert.True(StructuredKit.Accepts(grammar, "{}"));
        Assert.False(StructuredKit.Accepts(grammar, """{"a":[{"b":[]}]}"""));
        Assert.False(StructuredKit.Accepts(grammar, "[]"));
        Assert.False(StructuredKit.Accepts(grammar, "\"x\""));
    }

    [Fact]
    public void A_schema_no_value_satisfies_is_refused() =>
        Assert.Throws<StructuredOutputException>(() => StructuredKit.Schema("""{"type":"integer","minimum":5,"maximum":3}"""));

    private static IEnumerable<string> Split(string cases) => cases.Split(" ‖ ").Select(c => c.Trim());
}
