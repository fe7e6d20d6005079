using System.Text.Json;
using System.Text;

namespace QwenVL.Bench.Load;

/// <summary>
/// The requests of a benchmark, all built before the clock starts so that making them never delays an arrival.
/// Each is a streamed chat completion that must generate exactly <see cref="BenchServeOptions.OutputLen"/> tokens
/// (max_tokens = min_tokens, ignore_eos, as benchmark_serving asks with --ignore-eos) at temperature 0, with the usage
/// chunk at the end. Request i draws from its own seed (the run's seed and i), so the set is the same whatever order or
/// parallelism builds it.
/// </summary>
public static class BenchPrompts
{
    /// <summary>The question of the image workload: "what is in the picture?", as in the Qwen2-VL examples.</summary>
    public const string ImageQuestion = "图片中有什么?";

    // Common short English words: each is one or two tokens in Qwen2's vocabulary, so --input-len words is a
    // predictable prompt length without a tokenizer on the client.
    private static readonly string[] Words =
    [
        "time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child", "world", "school", "state", "family",
        "student", "group", "country", "problem", "hand", "part", "place", "case", "week", "company", "system", "program",
        "question", "work", "government", "number", "night", "point", "home", "water", "room", "mother", "area", "money",
        "story", "fact", "month", "lot", "right", "study", "book", "eye", "job", "word", "business", "issue", "side", "kind",
        "head", "house", "service", "friend", "father", "power", "hour", "game", "line", "end", "member", "law", "car", "city",
        "name", "team", "minute", "idea", "kid", "body", "back", "parent", "face", "others", "level", "office", "door",
        "health", "person", "art", "war", "history", "party", "result", "change", "morning", "reason", "research", "girl",
        "guy", "moment", "air", "teacher", "force", "education", "river", "green", "quick", "bright", "small", "old", "new",
        "good", "high", "long", "great", "little", "early", "young", "important", "large", "open", "red", "blue", "cold",
        "warm", "runs", "reads", "builds", "carries", "finds", "keeps", "moves", "opens", "sings", "writes", "walks",
    ];

    public static IReadOnlyList<BenchRequest> Build(BenchServeOptions options, string model)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        var requests = new BenchRequest[options.NumPrompts];
        // Encoding hundreds of images takes a while on one core; every request depends only on its own seed.
        Parallel.For(0, requests.Length, i => requests[i] = BuildOne(options, model, i));
        return requests;
    }

    public static BenchRequest BuildOne(BenchServeOptions options, string model, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        int seed = RequestSeed(options.Seed, index);
        var random = new Random(seed);
        bool image = options.Workload switch
        {
            ServeWorkload.Image => true,
            ServeWorkload.Text => false,
            _ => random.Next(2) == 0,
        };
        var body = image
            ? Body(model, options.OutputLen, SyntheticImage.DataUrl(seed, options.ImageFormat), ImageQuestion)
            : Body(model, options.OutputLen, null, RandomWords(random, options.InputLen));
        return new BenchRequest(index, image, body);
    }

    /// <summary><paramref name="count"/> words drawn with replacement, separated by spaces.</summary>
    public static string RandomWords(Random random, int count)
    {
        ArgumentNullException.ThrowIfNull(random);
        var text = new StringBuilder(count * 7);
        for (int i = 0; i < count; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(Words[random.Next(Words.Length)]);
        }
        return text.ToString();
    }

    /// <summary>A distinct 32-bit seed per request (a multiplicative hash of the run's seed and the index).</summary>
    internal static int RequestSeed(long runSeed, int index)
    {
        ulong mixed = unchecked((ulong)runSeed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL);
        mixed ^= mixed >> 31;
        return PoissonArrivals.SeedOf(unchecked((long)mixed));
    }

    internal static byte[] Body(string model, int outputLen, string? imageUrl, string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            if (imageUrl == null)
            {
                json.WriteString("content", text);
            }
            else
            {
                json.WriteStartArray("content");
                json.WriteStartObject();
                json.WriteString("type", "image_url");
                json.WriteStartObject("image_url");
                json.WriteString("url", imageUrl);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", text);
                json.WriteEndObject();
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("max_tokens", outputLen);
            json.WriteNumber("min_tokens", outputLen);
            json.WriteBoolean("ignore_eos", true);
            json.WriteNumber("temperature", 0.0);
            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
