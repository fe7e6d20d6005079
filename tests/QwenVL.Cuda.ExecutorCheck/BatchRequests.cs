using QwenVL.Runtime.Model;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>One request of the batch check: a name for the report and its prompt with its images.</summary>
internal sealed record BatchRequest(string Name, PreparedPrompt Prompt);

/// <summary>
/// The batch check's requests: the chats of reference.json when the model directory has one (the tiny fixture: two
/// text chats and four image chats with its own images), then generated chats until there are <see cref="Count"/>.
/// The generated ones mix text with pictures drawn here at several sizes, 448×448 among them (256 image tokens, the
/// picture tools/gpu/hf_reference_2b.py uses, though not the same pixels), and two requests show the same picture,
/// so one encoded image serves two sequences of a step.
/// </summary>
internal static class BatchRequests
{
    public const int Count = 8;

    public static IReadOnlyList<BatchRequest> Build(ModelDirectory model, Prompts prompts)
    {
        var requests = new List<BatchRequest>();
        if (File.Exists(Path.Combine(model.Path, "reference.json")))
        {
            using var reference = new ReferenceData(model.Path);
            requests.AddRange(reference.Chats.Take(Count).Select(chat => new BatchRequest(chat.Name, prompts.Build(chat))));
        }
        foreach (var (name, messages, images) in Generated())
        {
            if (requests.Count == Count) break;
            requests.Add(new BatchRequest(name, prompts.Build(messages, images)));
        }
        return requests;
    }

    /// <summary>Generated chats, the ones a model directory with its own reference most wants first.</summary>
    private static IEnumerable<(string Name, ChatMessage[] Messages, RgbImage[] Images)> Generated()
    {
        var shared = Picture(224, 224, seed: 3);
        yield return ("gen_image_224", [Ask("What colours do you see?", images: 1)], [shared]);
        yield return ("gen_image_224_again", [Ask("Is there a circle in this picture?", images: 1)], [shared]);
        yield return ("gen_image_448", [Ask("图片中有什么?", images: 1)], [Picture(448, 448, seed: 11)]);
        yield return ("gen_text_short", [Ask("Hello, who are you?")], []);
        yield return ("gen_image_two", [Ask("Compare the two pictures.", images: 2)], [Picture(112, 84, seed: 5), Picture(56, 56, seed: 6)]);
        yield return ("gen_image_336x168", [Ask("Describe the picture in one sentence.", images: 1)], [Picture(336, 168, seed: 7)]);
        yield return ("gen_text_multiturn",
        [
            ChatMessage.FromText("user", "Name three colours."),
            ChatMessage.FromText("assistant", "Red, green and blue."),
            ChatMessage.FromText("user", "Which of them is the sky?"),
        ], []);
        yield return ("gen_text_system",
        [
            ChatMessage.FromText("system", "You answer in French."),
            ChatMessage.FromText("user", "What is the capital of Italy?"),
        ], []);
    }

    private static ChatMessage Ask(string question, int images = 0) =>
        new("user", [.. Enumerable.Range(0, images).Select(_ => (ChatContentPart)new ImagePart()), new TextPart(question)]);

    /// <summary>Gradients, a diagonal wave and seeded noise with a disc in the middle: deterministic, unlike each other per seed.</summary>
    internal static RgbImage Picture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * RgbImage.Channels];
        double cx = width / 2.0, cy = height / 2.0, radius = Math.Min(width, height) / 4.0;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = (y * width + x) * RgbImage.Channels;
            bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
            pixels[i] = disc ? (byte)230 : (byte)Math.Clamp(x * 255 / Math.Max(width - 1, 1) + random.Next(-12, 13), 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(y * 255 / Math.Max(height - 1, 1) + random.Next(-12, 13), 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(127 + 120 * Math.Sin((x + y + seed) / 7.0) + random.Next(-12, 13), 0, 255);
        }
        return new RgbImage(width, height, pixels);
    }
}
