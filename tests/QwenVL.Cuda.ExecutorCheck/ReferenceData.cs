using System.Text.Json;
using QwenVL.Runtime.Checkpoint;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>One chat case of reference.json: the prompt as HF built it and what HF's greedy decoding chose.</summary>
internal sealed record ReferenceChat(string Name, string[] Images, string PromptText, int[] InputIds, int[] GreedyTokens, double[] GreedyMargins);

/// <summary>reference.json and reference.safetensors as make_reference.py writes them beside the checkpoint.</summary>
internal sealed class ReferenceData : IDisposable
{
    private readonly SafetensorsFile _tensors;

    public ReferenceData(string directory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "reference.json")));
        Chats = doc.RootElement.GetProperty("chats").EnumerateArray().Select(e => new ReferenceChat(
            e.GetProperty("name").GetString()!,
            e.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToArray(),
            e.GetProperty("prompt_text").GetString()!,
            Ints(e.GetProperty("input_ids")),
            Ints(e.GetProperty("greedy_tokens")),
            e.GetProperty("greedy_top2_margins").EnumerateArray().Select(x => x.GetDouble()).ToArray())).ToArray();
        _tensors = SafetensorsFile.Open(Path.Combine(directory, "reference.safetensors"));
    }

    public IReadOnlyList<ReferenceChat> Chats { get; }

    public float[] Floats(string name)
    {
        var info = _tensors.Tensors[name];
        var result = new float[info.ElementCount];
        _tensors.ReadFloat32(info, result);
        return result;
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public void Dispose() => _tensors.Dispose();
}
