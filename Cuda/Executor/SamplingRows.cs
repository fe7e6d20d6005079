using System.Runtime.InteropServices;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.Executor;

/// <summary>One row's sampling parameters as sampling.cu's <c>SampleRow</c> reads them (80 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DeviceSampleRow
{
    public const int GreedyFlag = 1, SuppressStopsFlag = 2, RepetitionFlag = 4, FrequencyPresenceFlag = 8;

    public int Flags;
    public int TopK;
    public int TopN;
    public int Step;
    public int StopStart, StopCount;
    public int HistoryStart, HistoryCount;
    public float Repetition, Frequency, Presence, TemperatureF;
    public double Temperature, LogRatio, TopP;
    public ulong Seed;
}

/// <summary>Where <see cref="SamplingRows.Pack"/> put each section (byte offsets from the buffer's start).</summary>
public readonly record struct PackedSampling(int Rows, int Bytes, int RowsOffset, int StopsOffset, int HistoryOffset, int StopCount, int HistoryCount);

/// <summary>
/// Packs per-row sampling parameters for sampling.cu into one buffer: the rows, then the stop ids each row
/// suppresses (only while its output is shorter than min_tokens), then its history as (token id, count in
/// the output) pairs, one per distinct token of prompt ∪ output (only when a penalty is on). Deduplicating on
/// the host lets the kernel apply every penalty in parallel with no token touched twice, in the host
/// Sampler's order per token: repetition, then frequency, then presence.
/// </summary>
public sealed class SamplingRows
{
    private const int Alignment = 16;
    public const int RowBytes = 80;
    public const int OutBytes = 168;

    // Negligible-weight floor of the host Sampler: ln of the smallest normal float.
    private const double NegligibleLogRatio = -87.0;

    private readonly int _vocabSize;
    private readonly int[] _seenAt;
    private readonly int[] _slot;
    private int _stamp;

    public SamplingRows(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _vocabSize = vocabSize;
        _seenAt = new int[vocabSize];
        _slot = new int[vocabSize];
    }

    /// <summary>An upper bound on the bytes <see cref="Pack"/> writes for these rows.</summary>
    public static long BytesFor(ReadOnlySpan<SamplingContext> rows)
    {
        long stops = 0, history = 0;
        foreach (var c in rows)
        {
            stops += c.StopTokenIds.Length;
            history += c.PromptTokens.Length + c.OutputTokens.Length;
        }
        return Align(RowBytes * (long)rows.Length) + Align(4 * stops) + 8 * history + Alignment;
    }

    public PackedSampling Pack(ReadOnlySpan<SamplingContext> rows, Span<byte> destination)
    {
        long bound = BytesFor(rows);
        if (bound > destination.Length) throw new ArgumentException($"sampling rows need up to {bound} bytes; the buffer holds {destination.Length}");
        int rowsOffset = 0;
        int stopsOffset = (int)Align(RowBytes * (long)rows.Length);
        long stopTotal = 0;
        foreach (var c in rows) stopTotal += c.StopTokenIds.Length;
        int historyOffset = (int)Align(stopsOffset + 4 * stopTotal);

        var packed = MemoryMarshal.Cast<byte, DeviceSampleRow>(destination.Slice(rowsOffset, RowBytes * rows.Length));
        var stops = MemoryMarshal.Cast<byte, int>(destination[stopsOffset..historyOffset]);
        var history = MemoryMarshal.Cast<byte, int>(destination[historyOffset..]);
        int stopCount = 0, historyCount = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            var c = rows[r];
            var p = c.Params;
            var output = c.OutputTokens.Span;
            var row = new DeviceSampleRow
            {
                TopK = p.TopK > 0 ? p.TopK : 0,
                TopN = p.Logprobs ? Math.Min(p.TopLogprobs, SamplingParams.MaxTopLogprobs) : 0,
                Step = output.Length,
                Repetition = (float)p.RepetitionPenalty,
                Frequency = (float)p.FrequencyPenalty,
                Presence = (float)p.PresencePenalty,
                TemperatureF = (float)p.Temperature,
                Temperature = p.Temperature,
                LogRatio = p.MinP > 0 ? Math.Max(Math.Log(p.MinP), NegligibleLogRatio) : NegligibleLogRatio,
                TopP = p.TopP,
                Seed = c.Seed,
                StopStart = stopCount,
                HistoryStart = historyCount,
            };
            if (p.IsGreedy) row.Flags |= DeviceSampleRow.GreedyFlag;
            if (output.Length < p.MinTokens)
            {
                row.Flags |= DeviceSampleRow.SuppressStopsFlag;
                foreach (int id in c.StopTokenIds.Span) stops[stopCount++] = Checked(id);
            }
            bool repetition = p.RepetitionPenalty != 1.0;
            bool frequencyPresence = p.FrequencyPenalty != 0.0 || p.PresencePenalty != 0.0;
            if (repetition) row.Flags |= DeviceSampleRow.RepetitionFlag;
            if (frequencyPresence) row.Flags |= DeviceSampleRow.FrequencyPresenceFlag;
            if (repetition || frequencyPresence)
            {
                int stamp = NextStamp();
                int first = historyCount;
                if (repetition)
                    foreach (int id in c.PromptTokens.Span) Add(id, 0, stamp, history, ref historyCount);
                foreach (int id in output) Add(id, 1, stamp, history, ref historyCount);
                row.HistoryCount = historyCount - first;
            }
            row.StopCount = stopCount - row.StopStart;
            packed[r] = row;
        }
        int bytes = historyOffset + 8 * historyCount;
        return new PackedSampling(rows.Length, bytes, rowsOffset, stopsOffset, historyOffset, stopCount, historyCount);
    }

    private void Add(int id, int occurrences, int stamp, Span<int> history, ref int count)
    {
        Checked(id);
        if (_seenAt[id] != stamp)
        {
            _seenAt[id] = stamp;
            _slot[id] = count;
            history[2 * count] = id;
            history[2 * count + 1] = 0;
            count++;
        }
        history[2 * _slot[id] + 1] += occurrences;
    }

    private int Checked(int id)
    {
        if ((uint)id >= (uint)_vocabSize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {_vocabSize}");
        return id;
    }

    private int NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seenAt);
            _stamp = 1;
        }
        return _stamp;
    }

    private static long Align(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);
}
