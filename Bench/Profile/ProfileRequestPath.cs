using System.Globalization;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Load;
using QwenVL.Bench.Workloads;
using QwenVL.Http.Configuration;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Bench.Profile;

/// <summary>
/// Times what a request costs besides its steps: the whole server (HTTP edge, actors, the model's executor) on a
/// loopback port, one streamed probe at a time with max_tokens 1, timed at the client as `bench serve` times TTFT,
/// while one long request keeps decoding in the background — a server under load, as the simulations model it (an
/// idle server's first step pays wake-up costs a busy one does not: on the H100 an image's TTFT was 0.6 ms lower under
/// load than alone). A probe waits for the background's step in flight (half of one, on average), then its first
/// token comes from one step — its prefill and its images beside the background's decode; both are modelled with the
/// step costs already fitted and taken off, and the rest is fitted as a fixed cost per request and a cost per image
/// picture size (<see cref="RequestCost"/>). Prefix caching is off so that no repeat is cheaper.
/// </summary>
public static class ProfileRequestPath
{
    private const string ModelName = "profile";

    /// <summary>Where the background sequence's context is taken to be in the model of a probe's step: it grows through the run.</summary>
    private const int BackgroundContext = 1024;

    /// <param name="buildServer">Builds the whole server (edge and replica) for the options given; the probes talk to it.</param>
    public static async Task<StepCostProfile> MeasureAsync(Func<ServeOptions, WebApplication> buildServer, ServeOptions serve, ModelSpec spec,
        PreprocessorConfig preprocessor, StepCostProfile steps, RequestPathPlan plan, TextWriter progress, CancellationToken cancellationToken)
    {
        var options = serve with { Host = "127.0.0.1", Port = 0, ServedModelNames = [ModelName], EnablePrefixCaching = false };
        await using var app = buildServer(options);
        await app.StartAsync(cancellationToken);
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var client = new ChatStreamClient(http, new Uri(new Uri(app.Urls.First()), "v1/chat/completions"), null, TimeSpan.FromMinutes(5));
            using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var background = KeepDecodingAsync(client, Math.Min(2048, spec.MaxModelLength - 64), stopBackground.Token);
            var measurements = new List<RequestMeasurement>();
            var kinds = plan.TextWords.Select(w => (Label: $"text {w} words", Words: w, Size: 0))
                .Concat(plan.ImageSizes.Select(s => (Label: $"image {s}x{s}", Words: 0, Size: s)));
            int seed = 1;
            foreach (var (label, words, size) in kinds)
            {
                var ttfts = new List<double>();
                int promptTokens = 0;
                for (int i = 0; i < plan.Warmup + plan.Repeats; i++)
                {
                    var outcome = await client.SendAsync(Request(words, size, seed++), cancellationToken);
                    if (!outcome.Success) throw new InvalidOperationException($"request path, {label}: {outcome.Error}");
                    promptTokens = outcome.PromptTokens;
                    if (i >= plan.Warmup) ttfts.Add(outcome.TtftSeconds * 1000);
                }
                long patches = size > 0 ? Patches(preprocessor, size) : 0;
                var m = new RequestMeasurement(label, promptTokens, (long)size * size, Median.Of(ttfts), ModelledWaitAndStep(steps, promptTokens, patches));
                measurements.Add(m);
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile: request {label}: TTFT {m.TtftMs:F3} ms, in steps {m.FirstStepMs:F3} ms"));
            }
            await stopBackground.CancelAsync();
            await background;
            return Fit(steps, measurements);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// <paramref name="steps"/> with the request costs taken from <paramref name="measurements"/>: the overhead is the
    /// mean of what the text requests took beyond their steps, each picture's cost what its request took beyond that.
    /// Neither goes below zero.
    /// </summary>
    public static StepCostProfile Fit(StepCostProfile steps, IReadOnlyList<RequestMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(measurements);
        if (measurements.Count == 0) throw new ArgumentException("there is nothing to fit: no requests", nameof(measurements));
        var text = measurements.Where(m => m.ImagePixels == 0).ToArray();
        double overhead = text.Length > 0 ? Math.Max(0, text.Average(m => m.PathMs)) : 0;
        var images = measurements.Where(m => m.ImagePixels > 0).GroupBy(m => m.ImagePixels).OrderBy(g => g.Key)
            .Select(g => new ImageCost(g.Key, Math.Max(0, g.Average(m => m.PathMs) - overhead))).ToArray();
        var profile = steps with { RequestOverheadMs = overhead, ImageCosts = images };
        var fitted = measurements.Select(m => m with { ModelledMs = RequestCost.Milliseconds(profile, m.ImagePixels) }).ToArray();
        return profile with { RequestPath = new RequestPathFit { Measurements = fitted } };
    }

    /// <summary>
    /// A probe's modelled time in steps: half a background decode step's wait, then its whole prompt as one chunk from
    /// position 0 with its images encoded, beside the background's decode.
    /// </summary>
    public static double ModelledWaitAndStep(StepCostProfile steps, int promptTokens, long patches)
    {
        var decode = new StepShape(1, 0, 0, 1, (BackgroundContext + 1) / 1000.0, 0);
        var first = new StepShape(1, promptTokens, promptTokens * (promptTokens - 1.0) / 2 / 1000, 1,
            (promptTokens + BackgroundContext + 1) / 1000.0, patches);
        return StepCost.Milliseconds(steps, decode) / 2 + StepCost.Milliseconds(steps, first);
    }

    /// <summary>One long generation after another until stopped, so that every probe meets a busy engine.</summary>
    private static async Task KeepDecodingAsync(ChatStreamClient client, int maxTokens, CancellationToken stop)
    {
        var body = BenchPrompts.Body(ModelName, Math.Max(1, maxTokens), null, "Tell a long story.");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await client.SendAsync(new BenchRequest(0, false, body), stop);
                if (!outcome.Success && !stop.IsCancellationRequested) throw new InvalidOperationException($"request path, background decode: {outcome.Error}");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static BenchRequest Request(int words, int imageSize, int seed)
    {
        var text = imageSize > 0 ? BenchPrompts.ImageQuestion : BenchPrompts.RandomWords(new Random(seed), words);
        string? image = imageSize > 0 ? SyntheticImage.DataUrl(seed, BenchImageFormat.Png, imageSize) : null;
        return new BenchRequest(seed, image != null, BenchPrompts.Body(ModelName, 1, image, text));
    }

    private static long Patches(PreprocessorConfig config, int size)
    {
        var (height, width) = SmartResize.Compute(size, size, config.PatchSize * config.MergeSize, config.MinPixels, config.MaxPixels);
        return (long)(height / config.PatchSize) * (width / config.PatchSize);
    }
}
