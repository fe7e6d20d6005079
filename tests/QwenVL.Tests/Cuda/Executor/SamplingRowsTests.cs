using System.Runtime.InteropServices;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class SamplingRowsTests
{
    [Fact]
    public void Rows_pack_parameters_stops_while_short_and_distinct_history_with_output_counts()
    {
        Assert.Equal(SamplingRows.RowBytes, Marshal.SizeOf<DeviceSampleRow>());
        var pen = new SamplingParams { Temperature = 0.7, TopK = 20, TopP = 0.8, MinP = 0.1, RepetitionPenalty = 1.05, FrequencyPenalty = 0.5, MinTokens = 4, Logprobs = true, TopLogprobs = 4 };
        var greedy = new SamplingParams { Temperature = 0 };
        SamplingContext[] rows =
        [
            new(pen, new[] { 5, 7, 5 }, new[] { 7, 9, 9 }, 42, new[] { 1, 2 }),
            new(greedy, new[] { 3 }, new[] { 4 }, 1, new[] { 1 }),
        ];
        var buffer = new byte[SamplingRows.BytesFor(rows)];
        var packed = new SamplingRows(16).Pack(rows, buffer);
        var r = MemoryMarshal.Cast<byte, DeviceSampleRow>(buffer.AsSpan(packed.RowsOffset, 2 * SamplingRows.RowBytes));
        Assert.Equal(DeviceSampleRow.SuppressStopsFlag | DeviceSampleRow.RepetitionFlag | DeviceSampleRow.FrequencyPresenceFlag, r[0].Flags);
        Assert.Equal((20, 4, 3, 42UL, 0.7, 0.8), (r[0].TopK, r[0].TopN, r[0].Step, r[0].Seed, r[0].Temperature, r[0].TopP));
        Assert.Equal(Math.Log(0.1), r[0].LogRatio);
        Assert.Equal(DeviceSampleRow.GreedyFlag, r[1].Flags);
        Assert.Equal(-87.0, r[1].LogRatio);
        Assert.Equal((0, 2), (r[0].StopStart, r[0].StopCount));
        Assert.Equal(0, r[1].StopCount);
        Assert.Equal(new[] { 1, 2 }, MemoryMarshal.Cast<byte, int>(buffer.AsSpan(packed.StopsOffset, 8)).ToArray());
        var history = MemoryMarshal.Cast<byte, int>(buffer.AsSpan(packed.HistoryOffset, 8 * packed.HistoryCount)).ToArray();
        // Prompt ∪ output, each token once: 5 (0 in the output), 7 (1), 9 (2).
        Assert.Equal((0, 3, 0), (r[0].HistoryStart, r[0].HistoryCount, r[1].HistoryCount));
        Assert.Equal(new[] { 5, 0, 7, 1, 9, 2 }, history);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_rejected()
    {
        var p = new SamplingParams { RepetitionPenalty = 1.1 };
        SamplingContext[] rows = [new(p, new[] { 16 }, Array.Empty<int>(), 0, Array.Empty<int>())];
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingRows(16).Pack(rows, new byte[SamplingRows.BytesFor(rows)]));
    }
}
