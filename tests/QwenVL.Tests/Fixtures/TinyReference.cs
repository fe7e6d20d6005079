using System.Text.Json;
using QwenVL.Runtime.Checkpoint;

namespace QwenVL.Tests.Fixtures;

/// <summary>What Hugging Face computed from the tiny fixture: reference.json and reference.safetensors.</summary>
public sealed class TinyReference : IDisposable
{
    private static readonly Lazy<TinyReference> Shared = new(() => new TinyReference(FixturePaths.TinyModel));
    private readonly SafetensorsFile _tensors;

    public static TinyReference Instance => Shared.Value;

    public JsonElement Json { get; }
    public IReadOnlyList<TokenizerCase> TokenizerCases { get; }
    public IReadOnlyList<ChatCase> Chats { get; }

    private TinyReference(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "reference.json")));
        Json = doc.RootElement.Clone();
        TokenizerCases = Json.GetProperty("tokenizer").EnumerateArray()
            .Select(e => new TokenizerCase(e.GetProperty("text").GetString()!, Ints(e.GetProperty("ids")),
                e.GetProperty("decoded").GetString()!))
            .ToArray();
        Chats = Json.GetProperty("chats").EnumerateArray().Select(ParseChat).ToArray();
        _tensors = SafetensorsFile.Open(Path.Combine(dir, "reference.safetensors"));
    }

    public ChatCase Chat(string name) => Chats.Single(c => c.Name == name);

    public float[] Floats(string name)
    {
        var info = _tensors.Tensors[name];
        var result = new float[info.ElementCount];
        _tensors.ReadFloat32(info, result);
        return result;
    }

    public int[] Int32s(string name)
    {
        var info = _tensors.Tensors[name];
        var result = new int[info.ElementCount];
        _tensors.ReadInt32(info, result);
        return result;
    }

    public long[] Shape(string name) => _tensors.Tensors[name].Shape;

    private static ChatCase ParseChat(JsonElement e) => new(
        e.GetProperty("name").GetString()!,
        e.GetProperty("messages").Clone(),
        e.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToArray(),
        e.GetProperty("prompt_text").GetString()!,
        Ints(e.GetProperty("input_ids")),
        Ints(e.GetProperty("greedy_tokens")),
        e.GetProperty("greedy_top2_margins").EnumerateArray().Select(x => x.GetDouble()).ToArray(),
        e.GetProperty("greedy_text").GetString()!,
        e.TryGetProperty("image_grid_thw", out var g)
            ? g.EnumerateArray().Select(Ints).ToArray()
            : [],
        Ints(e.GetProperty("rope_deltas")));

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public void Dispose() => _tensors.Dispose();
}

public sealed record TokenizerCase(string Text, int[] Ids, string Decoded)
{
    public override string ToString() => JsonSerializer.Serialize(Text);
}

public sealed record ChatCase(
    string Name,
    JsonElement Messages,
    string[] Images,
    string PromptText,
    int[] InputIds,
    int[] GreedyTokens,
    double[] GreedyTop2Margins,
    string GreedyText,
    int[][] ImageGridThw,
    int[] RopeDeltas)
{
    public override string ToString() => Name;
}
