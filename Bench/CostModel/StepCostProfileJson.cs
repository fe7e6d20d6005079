using System.Text.Json.Serialization;
using System.Text.Json;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// Reads and writes <see cref="StepCostProfile"/> files. Reading checks the profile: a missing file, text that is not
/// JSON, a missing or misspelt field and a value out of range each fail with a <see cref="StepCostProfileException"/>
/// that names the file and the field.
/// </summary>
public static class StepCostProfileJson
{
    public static StepCostProfile Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StepCostProfileException($"step cost profile not found: {Path.GetFullPath(path)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StepCostProfileException($"{path}: cannot read the step cost profile ({e.Message})", e);
        }
        return Parse(json, path);
    }

    /// <summary>The profile in <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static StepCostProfile Parse(string json, string source = "step cost profile")
    {
        StepCostProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, StepCostProfileJsonContext.Default.StepCostProfile);
        }
        catch (JsonException e)
        {
            // LineNumber is zero-based; editors count from one.
            string where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            if (e.LineNumber is long line) where += $" (line {line + 1})";
            throw new StepCostProfileException($"{source}: invalid JSON{where}: {Reason(e)}", e);
        }
        if (profile == null) throw new StepCostProfileException($"{source}: expected a JSON object, found null");
        try
        {
            profile.Validate();
        }
        catch (StepCostProfileException e)
        {
            throw new StepCostProfileException($"{source}: {e.Message}", e);
        }
        return profile;
    }

    public static string ToJson(StepCostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        return JsonSerializer.Serialize(profile, StepCostProfileJsonContext.Default.StepCostProfile);
    }

    public static void Save(StepCostProfile profile, string path) => File.WriteAllText(path, ToJson(profile) + "\n");

    // The parser appends " Path: $.x | LineNumber: n | BytePositionInLine: m." to its message; the path is already stated.
    private static string Reason(JsonException e)
    {
        int cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = e.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? e.Message[..cut] : e.Message;
    }
}

/// <summary>The profile's JSON, generated at build time: indented, nulls left out, unknown fields refused (they are typos).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(StepCostProfile))]
internal sealed partial class StepCostProfileJsonContext : JsonSerializerContext;
