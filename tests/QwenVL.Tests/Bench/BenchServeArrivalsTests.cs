using System.Diagnostics;
using Xunit;
using QwenVL.Bench.Load;

namespace QwenVL.Tests.Bench;

/// <summary>Poisson arrival times and the load generator that sends at them.</summary>
public class BenchServeArrivalsTests
{
    [Fact]
    public void Poisson_gaps_have_mean_one_over_the_rate_and_an_exponential_spread()
    {
        const double rate = 4;
        var offsets = PoissonArrivals.Offsets(20_001, rate, seed: 7);
        var gaps = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToArray();
        double mean = gaps.Average();
        double std = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length);
        // The mean of 20,000 exponential gaps is within 3% of 1/rate with overwhelming odds (its deviation is 0.7%);
        // an exponential's deviation equals its mean, which evenly spaced or uniform gaps would not give.
        Assert.InRange(mean, 0.25 * 0.97, 0.25 * 1.03);
        Assert.InRange(std / mean, 0.95, 1.05);
        Assert.All(gaps, g => Assert.True(g > 0));
    }

    [Fact]
    public void Arrivals_start_at_zero_and_repeat_for_a_seed()
    {
        var first = PoissonArrivals.Offsets(100, 10, seed: 3);
        Assert.Equal(0, first[0]);
        Assert.Equal(first, PoissonArrivals.Offsets(100, 10, seed: 3));
        Assert.NotEqual(first, PoissonArrivals.Offsets(100, 10, seed: 4));
    }

    [Fact]
    public void Infinite_rate_sends_everything_at_once()
    {
        Assert.All(PoissonArrivals.Offsets(50, double.PositiveInfinity, seed: 0), t => Assert.Equal(0, t));
    }

    [Fact]
    public async Task Load_generator_never_has_more_than_max_concurrency_in_flight_and_keeps_request_order()
    {
        var requests = Enumerable.Range(0, 20).Select(i => new BenchRequest(i, false, [])).ToArray();
        int inFlight = 0, most = 0, completed = 0;
        var run = await LoadGenerator.RunAsync(requests, new double[requests.Length], maxConcurrency: 3, async (request, token) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(20, token);
            Interlocked.Decrement(ref inFlight);
            return new RequestOutcome(request.Index, true, null, 0.01, [], 0.02, 1, 1);
        }, _ => Interlocked.Increment(ref completed));

        Assert.Equal(3, most);
        Assert.Equal(20, completed);
        Assert.Equal(Enumerable.Range(0, 20), run.Outcomes.Select(o => o.Index));
        // Seven rounds of three 20 ms requests at the least.
        Assert.True(run.DurationSeconds >= 0.12, $"{run.DurationSeconds} s");
    }

    [Fact]
    public async Task Load_generator_sends_no_request_before_its_arrival_time()
    {
        double[] offsets = [0, 0.15, 0.3];
        var requests = offsets.Select((_, i) => new BenchRequest(i, false, [])).ToArray();
        var sent = new double[offsets.Length];
        var clock = Stopwatch.StartNew();
        var run = await LoadGenerator.RunAsync(requests, offsets, maxConcurrency: null, (request, _) =>
        {
            sent[request.Index] = clock.Elapsed.TotalSeconds;
            return Task.FromResult(new RequestOutcome(request.Index, true, null, 0, [], 0, 0, 0));
        });
        for (int i = 0; i < offsets.Length; i++) Assert.True(sent[i] >= offsets[i] - 0.002, $"request {i} sent at {sent[i]} s, due at {offsets[i]} s");
        Assert.True(run.DurationSeconds >= 0.3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
