using System.Diagnostics;
using System.Text.Json;
using QwenVL.Bench.Load;
using QwenVL.Runtime.Structured;

namespace QwenVL.Bench.Workloads;

/// <summary>What a constrained workload's outputs say beyond its timings.</summary>
/// <param name="ValidFraction">outputs that parse as JSON objects</param>
/// <param name="MaskMicrosecondsP50">median host cost of one token's mask, in microseconds (see <see cref="ConstrainedOutputFigures"/>)</param>
/// <param name="MaskMicrosecondsP99">99th percentile of the same</param>
/// <param name="MaskedTokens">tokens timed</param>
public sealed record ConstrainedOutputResult(double ValidFraction, double MaskMicrosecondsP50, double MaskMicrosecondsP99, int MaskedTokens);

/// <summary>
/// Checks a constrained workload's outputs after the run and measures what its constraint costs the host per token:
/// each request's output tokens are replayed through a fresh <see cref="GrammarMatcher"/> of its grammar, compiled
/// anew here, timing <see cref="GrammarMatcher.FillAllowed"/> + <see cref="GrammarMatcher.TryAccept"/> per token.
/// The first visit of an automaton state computes its mask, as it does in the server, so those misses are included.
/// </summary>
public static class ConstrainedOutputFigures
{
    /// <summary>What the JSON report says of how the mask figures were taken.</summary>
    public const string MaskTimingNote =
        "FillAllowed + TryAccept per output token, replayed after the run through a fresh matcher of each request's freshly compiled grammar; first-visit mask computations included";

    public static ConstrainedOutputResult Measure(BenchWorkload workload, IReadOnlyList<RequestOutput> outputs, TokenVocabulary vocabulary,
        IReadOnlyList<int> endOfSequenceTokenIds)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(endOfSequenceTokenIds);
        if (outputs.Count != workload.Requests.Count) throw new ArgumentException($"{outputs.Count} outputs for {workload.Requests.Count} requests", nameof(outputs));
        var cache = new GrammarCache(vocabulary, capacity: Math.Max(1, workload.Requests.Count));
        var eos = endOfSequenceTokenIds.ToArray();
        var mask = new ulong[vocabulary.MaskWords];
        var microseconds = new List<double>();
        int valid = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            var spec = workload.Requests[i].Sampling.Constraint
                ?? throw new ArgumentException($"{workload.Requests[i].RequestId} carries no constraint", nameof(workload));
            var matcher = new GrammarMatcher(cache.GetOrCompile(spec), eos);
            foreach (var token in outputs[i].TokenIds)
            {
                long started = Stopwatch.GetTimestamp();
                matcher.FillAllowed(mask);
                bool accepted = matcher.TryAccept(token);
                microseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                if (!accepted) throw new BenchRunException($"{workload.Requests[i].RequestId}: its grammar refuses output token {token}");
            }
            if (IsJsonObject(outputs[i].Text)) valid++;
        }
        microseconds.Sort();
        return new ConstrainedOutputResult(
            valid / (double)outputs.Count,
            microseconds.Count == 0 ? 0 : LatencySummary.Percentile(microseconds, 50),
            microseconds.Count == 0 ? 0 : LatencySummary.Percentile(microseconds, 99),
            microseconds.Count);
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
