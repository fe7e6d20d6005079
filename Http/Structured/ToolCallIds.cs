namespace QwenVL.Http.Structured;

/// <summary>Ids of the calls an answer carries, in OpenAI's form: "call_" and 24 random characters.</summary>
public static class ToolCallIds
{
    public static string New() => "call_" + Guid.NewGuid().ToString("N")[..24];
}
