using System.Globalization;
using QwenVL.Http.Composition;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Simulation;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Bench;

/// <summary>
/// Times what a request costs besides its steps: the whole server (HTTP edge, actors, the model's executor) on a
/// loopback port, one streamed request at a time with max_tokens 1, timed at the client as `bench serve` times TTFT.
/// Alone on an idle server a request's first token comes from exactly one step — its prefill, its images encoded —
/// whose modelled duration (from the step costs already fitted) is taken off; the rest is fitted as a fixed cost per
/// request and a cost per image pixel (<see cref="RequestCost"/>). Prefix caching is off so that no repeat is cheaper.
/// </summary>
public static class ProfileRequestPath
{
    private const string ModelName = "profile";

    public static async Task<StepCostProfile> MeasureAsync(LoadedModel model, ServeOptions serve, StepCostProfile steps, RequestPathPlan plan,
        TextWriter progress, CancellationToken cancellationToken)
    {
        var options = serve with { Host = "127.0.0.1", Port = 0, ServedModelNames = [ModelName], EnablePrefixCaching = false };
        await using var app = ServerApplication.Build(options, ServedModel.Create(model, options), services => services.AddReplica(model, options),
            logging => { ServerLogging.ConfigureStandardError(logging); logging.SetMinimumLevel(LogLevel.Warning); });
        await app.StartAsync(cancellationToken);
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var client = new ChatStreamClient(http, new Uri(new Uri(app.Urls.First()), "v1/chat/completions"), null, TimeSpan.FromMinutes(5));
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
                long patches = size > 0 ? Patches(model.Directory.Preprocessor, size) : 0;
                var m = new RequestMeasurement(label, promptTokens, (long)size * size, Median(ttfts), StepCost.Milliseconds(steps, FirstStep(promptTokens, patches)));
                measurements.Add(m);
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile: request {label}: TTFT {m.TtftMs:F3} ms, first step {m.FirstStepMs:F3} ms"));
            }
            return Fit(steps, measurements);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    /// <summary><paramref name="steps"/> with the request costs fitted to <paramref name="measurements"/> (least squares, never negative).</summary>
    public static StepCostProfile Fit(StepCostProfile steps, IReadOnlyList<RequestMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(measurements);
        if (measurements.Count == 0) throw new ArgumentException("there is nothing to fit: no requests", nameof(measurements));
        var a = new double[measurements.Count, 2];
        var b = new double[measurements.Count];
        for (int i = 0; i < measurements.Count; i++)
        {
            a[i, 0] = 1;
            a[i, 1] = measurements[i].ImagePixels / 1e6;
            b[i] = measurements[i].PathMs;
        }
        var x = NonNegativeLeastSquares.Solve(a, b);
        var profile = steps with { RequestOverheadMs = x[0], ImageMsPerMegapixel = x[1] };
        var fitted = measurements.Select(m => m with { ModelledMs = RequestCost.Milliseconds(profile, m.ImagePixels) }).ToArray();
        return profile with { RequestPath = new RequestPathFit { Measurements = fitted } };
    }

    /// <summary>The step that answers a request alone: its whole prompt as one chunk from position 0, its images encoded.</summary>
    public static StepShape FirstStep(int promptTokens, long patches) =>
        new(1, promptTokens, promptTokens * (promptTokens - 1.0) / 2 / 1000, 0, promptTokens / 1000.0, patches);

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

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
