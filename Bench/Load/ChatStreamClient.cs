using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace QwenVL.Bench.Load;

/// <summary>
/// Sends one benchmark request and reads its stream through a <see cref="ChatStreamMeter"/>, timing from just before
/// the request is sent. Whatever goes wrong — no connection, an HTTP error, a broken stream, the per-request timeout —
/// becomes a failed <see cref="RequestOutcome"/> with the reason in words; only cancelling the whole run throws.
/// </summary>
public sealed class ChatStreamClient(HttpClient http, Uri endpoint, string? apiKey, TimeSpan timeout)
{
    private const int ErrorBodyLimit = 4096;

    public async Task<RequestOutcome> SendAsync(BenchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(request.Body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (apiKey != null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            if (!response.IsSuccessStatusCode)
                return RequestOutcome.Failed(request.Index, await HttpErrorAsync(response, limit.Token), Seconds(start));
            var meter = new ChatStreamMeter(request.Index);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
            await foreach (var data in ServerSentEvents.ReadDataAsync(reader, limit.Token))
            {
                meter.Accept(data, Seconds(start));
                if (meter.IsDone) break;
                // Leaving the loop closes the stream, which aborts a request the server is still working on.
                if (meter.HasFailed) break;
            }
            var outcome = meter.Finish(Seconds(start));
            if (meter.IsDone) await DrainAsync(reader, limit.Token);
            return outcome;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RequestOutcome.Failed(request.Index, $"no answer within the timeout of {timeout.TotalSeconds:0.###} s", Seconds(start));
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return RequestOutcome.Failed(request.Index, $"cannot reach {endpoint}: {Reason(e)}", Seconds(start));
        }
        catch (HttpRequestException e)
        {
            return RequestOutcome.Failed(request.Index, $"the request to {endpoint} failed: {Reason(e)}", Seconds(start));
        }
        catch (IOException e)
        {
            return RequestOutcome.Failed(request.Index, $"the stream broke off: {Reason(e)}", Seconds(start));
        }
    }

    /// <summary>
    /// Reads what follows [DONE] (normally only the end of the response), so the connection goes back to the pool
    /// for the next request instead of being closed, as aiohttp's does in benchmark_serving. The outcome is already
    /// settled: a server that keeps the stream open after [DONE] costs time here, not a failure.
    /// </summary>
    private static async Task DrainAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await reader.ReadToEndAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
        }
    }

    private static double Seconds(long start) => Stopwatch.GetElapsedTime(start).TotalSeconds;

    /// <summary>The messages down the exception's inner chain, each once: HttpClient's outer ones are often generic.</summary>
    private static string Reason(Exception e)
    {
        var messages = new List<string>();
        for (Exception? inner = e; inner != null; inner = inner.InnerException)
            if (!messages.Contains(inner.Message)) messages.Add(inner.Message);
        return string.Join(": ", messages);
    }

    /// <summary><c>HTTP 503 Service Unavailable: the waiting queue is full</c>: the status and OpenAI's error message when the body has one.</summary>
    private static async Task<string> HttpErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return status;
        }
        if (body.Length > ErrorBodyLimit) body = body[..ErrorBodyLimit];
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
                return $"{status}: {ChatStreamMeter.ErrorMessage(error)}";
        }
        catch (JsonException)
        {
        }
        return body.Trim().Length == 0 ? status : $"{status}: {ChatStreamMeter.Shorten(body.Trim())}";
    }
}
