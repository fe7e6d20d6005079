using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Cluster;

/// <summary>How one request of a load ended: its HTTP status, the answer's text, or the error it ended with.</summary>
public sealed record LoadOutcome(int Index, HttpStatusCode Status, string? Content, string? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Status == HttpStatusCode.OK && Error == null && Content != null;
}

/// <summary>
/// A load of chat requests at temperature 0: a handful of distinct prompts, some with the fixture's photo as a data URL,
/// sent with bounded concurrency; streamed ones are read event by event so that an error event is seen as one.
/// </summary>
public static class ClusterLoad
{
    private static readonly string[] Questions =
        ["Hello, who are you?", "Name three colours.", "What is two plus two?", "Write a haiku about snow.", "Describe the sea."];

    private static readonly Lazy<string> Photo = new(() =>
        "data:image/jpeg;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", "photo_200x150.jpg"))));

    /// <summary>Request <paramref name="index"/>'s body: question index % 5, the photo on every third.</summary>
    public static string Body(int index, int maxTokens, bool stream)
    {
        var question = Questions[index % Questions.Length];
        JsonNode content = index % 3 == 0
            ? new JsonArray(
                new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = Photo.Value } },
                new JsonObject { ["type"] = "text", ["text"] = question })
            : question;
        return new JsonObject
        {
            ["model"] = NodeProcess.ModelName,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["temperature"] = 0, ["max_tokens"] = maxTokens, ["stream"] = stream, ["ignore_eos"] = true,
        }.ToJsonString();
    }

    /// <summary>The distinct request kinds of a load (question × photo), for the single-node reference answers.</summary>
    public static int DistinctKinds => 15;

    public static async Task<LoadOutcome[]> RunAsync(HttpClient client, int count, int concurrency, int maxTokens, Func<int, bool> stream,
        Func<int, Task>? afterEach = null)
    {
        using var gate = new SemaphoreSlim(concurrency);
        int done = 0;
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await SendAsync(client, i, maxTokens, stream(i));
            }
            finally
            {
                gate.Release();
                if (afterEach != null) await afterEach(Interlocked.Increment(ref done));
            }
        }).ToArray();
        return await Task.WhenAll(tasks);
    }

    /// <summary>No request of a load may take longer: a stream that never ends fails the test instead of hanging it.</summary>
    public static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(90);

    public static async Task<LoadOutcome> SendAsync(HttpClient client, int index, int maxTokens, bool stream)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(RequestDeadline);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(Body(index, maxTokens, stream), Encoding.UTF8, "application/json"),
        };
        if (stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.StatusCode != HttpStatusCode.OK)
                return new LoadOutcome(index, response.StatusCode, null, await response.Content.ReadAsStringAsync(deadline.Token), clock.Elapsed);
            var (content, error) = stream ? await ReadStreamAsync(response, deadline.Token) : await ReadBodyAsync(response, deadline.Token);
            return new LoadOutcome(index, response.StatusCode, content, error, clock.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return new LoadOutcome(index, 0, null, $"{e.GetType().Name}: {e.Message}", clock.Elapsed);
        }
    }

    private static async Task<(string?, string?)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), null);
    }

    private static async Task<(string?, string?)> ReadStreamAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var text = new StringBuilder();
        bool done = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.TryGetProperty("error", out var error)) return (null, error.GetRawText());
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var piece)) text.Append(piece.GetString());
        }
        return done ? (text.ToString(), null) : (null, "the stream ended without [DONE]");
    }
}
