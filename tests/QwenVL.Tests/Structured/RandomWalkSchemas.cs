namespace QwenVL.Tests.Structured;

/// <summary>Thirty schemas that between them use every supported keyword, for random generation checks.</summary>
internal static class RandomWalkSchemas
{
    public sealed record Case(string Name, string Schema);

    public static readonly Case[] All =
    [
        new("bool", """{"type":"boolean"}"""),
        new("null-or-int", """{"type":["integer","null"]}"""),
        new("bounded-int", """{"type":"integer","minimum":-50,"maximum":1200}"""),
        new("exclusive-int", """{"type":"integer","exclusiveMinimum":3,"exclusiveMaximum":9}"""),
        new("number", """{"type":"number"}"""),
        new("bounded-number", """{"type":"number","minimum":-1,"exclusiveMaximum":2}"""),
        new("short-string", """{"type":"string","minLength":3,"maxLength":12}"""),
        new("pattern", """{"type":"string","pattern":"^[A-Z]{2}-\\d{3,5}$"}"""),
        new("date", """{"type":"string","format":"date"}"""),
        new("date-time", """{"type":"string","format":"date-time"}"""),
        new("uuid", """{"type":"string","format":"uuid"}"""),
        new("email", """{"type":"string","format":"email"}"""),
        new("enum", """{"enum":["red","green","blue",7,null,{"a":1}]}"""),
        new("const", """{"const":"fixed \"value\""}"""),
        new("typed-enum", """{"type":"integer","enum":[1,"2",3.5,4],"minimum":2}"""),
        new("person", """{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer","minimum":0,"maximum":150},"email":{"type":"string","format":"email"}},"required":["name","age"],"additionalProperties":false}"""),
        new("optional-only", """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"type":"integer","maximum":9}}}"""),
        new("int-list", """{"type":"array","items":{"type":"integer","minimum":0,"maximum":99},"minItems":2,"maxItems":5}"""),
        new("tuple", """{"type":"array","prefixItems":[{"type":"string","maxLength":5},{"type":"boolean"}],"items":false,"minItems":1}"""),
        new("tuple-tail", """{"type":"array","prefixItems":[{"const":"head"}],"items":{"type":"number","minimum":0,"maximum":1},"maxItems":4}"""),
        new("map", """{"type":"object","additionalProperties":{"type":"integer","minimum":0,"maximum":9}}"""),
        new("any-of", """{"anyOf":[{"type":"string","maxLength":6},{"type":"integer","minimum":100,"maximum":999},{"type":"null"}]}"""),
        new("one-of", """{"oneOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number","minimum":0,"maximum":10}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"integer","minimum":1,"maximum":10}},"required":["kind","side"]}]}"""),
        new("defs", """{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","maximum":99,"minimum":-99},"y":{"type":"integer","maximum":99,"minimum":-99}},"required":["x","y"]}},"type":"array","items":{"$ref":"#/$defs/point"},"maxItems":3}"""),
        new("definitions", """{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"flag":{"type":"boolean"}},"type":"object","properties":{"on":{"$ref":"#/definitions/flag"},"off":{"allOf":[{"$ref":"#/definitions/flag"}]}},"required":["on","off"]}"""),
        new("recursive", """{"type":"object","properties":{"value":{"type":"integer","minimum":0,"maximum":9},"children":{"type":"array","items":{"$ref":"#"},"maxItems":2}},"required":["value"]}"""),
        new("free-value", """{"type":"object","properties":{"meta":{},"tags":{"type":"array","maxItems":3}},"required":["meta"]}"""),
        new("annotated", """{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"D","type":"object","properties":{"id":{"type":"string","format":"uuid","description":"id","examples":["x"]},"ok":{"type":"boolean","default":true}},"required":["id","ok"]}"""),
        new("nested", """{"type":"object","properties":{"user":{"type":"object","properties":{"first":{"type":"string","maxLength":10},"tags":{"type":"array","items":{"enum":["a","b","c"]},"maxItems":3}},"required":["first","tags"]},"score":{"type":["number","null"],"minimum":0,"maximum":100}},"required":["user","score"]}"""),
        new("ten-properties", TenProperties),
    ];

    /// <summary>A ten-property object like a typical extraction schema, also used for mask timings.</summary>
    public const string TenProperties = """
        {"type":"object","properties":{
          "id":{"type":"integer","minimum":1,"maximum":100000},
          "title":{"type":"string","maxLength":40},
          "status":{"enum":["open","closed","pending"]},
          "priority":{"type":"integer","minimum":1,"maximum":5},
          "created":{"type":"string","format":"date"},
          "owner":{"type":"string","format":"email"},
          "estimate":{"type":"number","minimum":0,"maximum":1000},
          "done":{"type":"boolean"},
          "labels":{"type":"array","items":{"type":"string","maxLength":10},"maxItems":4},
          "parent":{"type":["integer","null"]}},
         "required":["id","title","status","priority","created","owner","estimate","done","labels","parent"]}
        """;
}
