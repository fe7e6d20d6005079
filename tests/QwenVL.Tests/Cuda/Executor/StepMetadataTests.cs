using System.Runtime.InteropServices;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class StepMetadataTests
{
    private const int BlockSize = 4;
    private const int Hidden = 8;
    private static readonly SamplingContext Greedy = new(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty,
        ReadOnlyMemory<int>.Empty, 1, ReadOnlyMemory<int>.Empty);
    private static readonly ImageKey Picture = new("picture");

    private static StepMetadata Packer(int tileQueries = 3) =>
        new(StepLimits.For(maxTokens: 32, maxSequences: 4, maxModelLength: 64, BlockSize), BlockSize, vocabSize: 1000, Hidden, tileQueries);

    private static DeviceImage Resolve(ImageKey key) =>
        key == Picture ? new DeviceImage(0x7000_0000, Tokens: 6) : throw new ArgumentException($"unknown image {key}");

    /// <summary>A prefill chunk of 7 tokens after 5 cached ones, 3 of them image rows 2..4; then a one-token decode.</summary>
    private static StepBatch MixedBatch()
    {
        var chunkPositions = new int[21];
        for (int i = 0; i < 7; i++)
        {
            chunkPositions[i] = 5 + i;
            chunkPositions[7 + i] = 100 + i;
            chunkPositions[14 + i] = 200 + i;
        }
        var chunk = new SequenceStep(7, [11, 12, 13, 14, 15, 16, 17], chunkPositions, [9, 2, 6, 0], 5, Greedy,
            [new ImageSlice(StepOffset: 1, Picture, FirstRow: 2, Rows: 3)]);
        var decode = new SequenceStep(8, [21], [40, 40, 40], [3, 1, 5, 7, 8, 10, 11, 12, 13, 14, 15], 9, null);
        var last = new SequenceStep(9, [31, 32], MRopePositions.ForText(0, 2), [4], 0, Greedy);
        return new StepBatch([chunk, decode, last]);
    }

    private static (PackedStep Step, byte[] Buffer) Pack(StepMetadata packer, StepBatch batch, bool sampledOnly = true)
    {
        var buffer = new byte[packer.CapacityBytes];
        return (packer.Pack(batch, sampledOnly, numBlocks: 16, Resolve, buffer), buffer);
    }

    private static int[] Ints(byte[] buffer, int offset, int count) => MemoryMarshal.Cast<byte, int>(buffer.AsSpan(offset, 4 * count)).ToArray();

    [Fact]
    public void Tokens_positions_and_slots_are_laid_out_for_the_whole_step()
    {
        var (step, buffer) = Pack(Packer(), MixedBatch());
        Assert.Equal((10, 3), (step.Tokens, step.SequenceCount));
        Assert.Equal([11, 12, 13, 14, 15, 16, 17, 21, 31, 32], Ints(buffer, step.TokenIds, 10));
        // plane-major over the step: all t ids, then all h ids, then all w ids
        Assert.Equal([5, 6, 7, 8, 9, 10, 11, 40, 0, 1, 100, 101, 102, 103, 104, 105, 106, 40, 0, 1, 200, 201, 202, 203, 204, 205, 206, 40, 0, 1],
            Ints(buffer, step.Positions, 30));
        // position p: block table[p / 4] * 4 + p % 4; chunk positions 5..11, decode position 9, last 0..1
        Assert.Equal([2 * 4 + 1, 2 * 4 + 2, 2 * 4 + 3, 6 * 4 + 0, 6 * 4 + 1, 6 * 4 + 2, 6 * 4 + 3, 5 * 4 + 1, 4 * 4 + 0, 4 * 4 + 1],
            Ints(buffer, step.Slots, 10));
    }

    [Fact]
    public void Slots_are_the_cpu_cache_slot_offsets_over_its_slot_width()
    {
        var cache = new CpuKvCache(layers: 1, numBlocks: 16, BlockSize, kvHeads: 2, headDim: 8);
        int[] table = [9, 2, 6, 0, 15];
        var packer = Packer();
        for (int p = 0; p < 20; p++) Assert.Equal(cache.SlotOffset(table, p) / cache.SlotWidth, packer.Slot(table, p));
    }

    [Fact]
    public void Image_rows_point_into_the_stored_embeddings_and_other_rows_are_zero()
    {
        var (step, buffer) = Pack(Packer(), MixedBatch());
        var sources = MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan(step.ImageSources, 8 * 10)).ToArray();
        ulong Row(int r) => 0x7000_0000UL + (ulong)(r * Hidden * sizeof(float));
        Assert.Equal([0, Row(2), Row(3), Row(4), 0, 0, 0, 0, 0, 0], sources);
    }

    [Fact]
    public void Sequences_tiles_and_block_tables_cover_each_context_after_the_step()
    {
        var (step, buffer) = Pack(Packer(tileQueries: 3), MixedBatch());
        // first row, tokens, context, block table start
        Assert.Equal([0, 7, 5, 0, 7, 1, 9, 3, 8, 2, 0, 6], Ints(buffer, step.Sequences, 12));
        // the 7-token chunk splits into tiles at 0, 3, 6; the others are one tile each
        Assert.Equal(5, step.TileCount);
        Assert.Equal([0, 0, 0, 3, 0, 6, 1, 0, 2, 0], Ints(buffer, step.Tiles, 10));
        // positions 0..11 need 3 blocks, 0..9 need 3, 0..1 need 1: tables are cut to what the step reads
        Assert.Equal(7, step.BlockTableEntries);
        Assert.Equal([9, 2, 6, 3, 1, 5, 4], Ints(buffer, step.BlockTables, 7));
    }

    [Fact]
    public void Only_sequences_that_sample_reach_the_lm_head_unless_all_are_asked_for()
    {
        var packer = Packer();
        var (step, buffer) = Pack(packer, MixedBatch());
        Assert.Equal(2, step.SampleRowCount);
        Assert.Equal([6, 9], Ints(buffer, step.SampleRows, 2));
        Assert.Equal([0, 2], packer.SampledSequences(step).ToArray());

        (step, buffer) = Pack(packer, MixedBatch(), sampledOnly: false);
        Assert.Equal([6, 7, 9], Ints(buffer, step.SampleRows, 3));
        Assert.Equal([0, 1, 2], packer.SampledSequences(step).ToArray());
    }

    [Fact]
    public void Sections_are_16_byte_aligned_and_fit_the_capacity()
    {
        var packer = Packer();
        var (step, _) = Pack(packer, MixedBatch());
        int[] offsets = [step.ImageSources, step.TokenIds, step.Positions, step.Slots, step.Sequences, step.Tiles, step.BlockTables, step.SampleRows];
        Assert.All(offsets, o => Assert.Equal(0, o % 16));
        Assert.Equal(offsets.Order(), offsets);
        Assert.True(step.Bytes <= packer.CapacityBytes);

        // the largest step: 4 sequences of 8 tokens each, reaching the last position the limits allow
        var full = Enumerable.Range(0, 4).Select(i => new SequenceStep(i, Enumerable.Repeat(1, 8).ToArray(),
            MRopePositions.ForText(56, 8), Enumerable.Range(0, 16).ToArray(), 56, Greedy)).ToArray();
        var (largest, _) = Pack(packer, new StepBatch(full));
        Assert.True(largest.Bytes <= packer.CapacityBytes, $"{largest.Bytes} > {packer.CapacityBytes}");
    }

    [Fact]
    public void What_the_kernels_would_read_out_of_bounds_is_rejected()
    {
        var packer = Packer();
        var buffer = new byte[packer.CapacityBytes];
        void Reject(SequenceStep s, string fragment)
        {
            var e = Assert.Throws<ArgumentException>(() => packer.Pack(new StepBatch([s]), true, 16, Resolve, buffer));
            Assert.Contains(fragment, e.Message);
        }
        Reject(new SequenceStep(1, [1000], [0, 0, 0], [0], 0, Greedy), "outside the vocabulary");
        Reject(new SequenceStep(1, [1, 2], [0, 1, 0, 1, 0, 1], [0], 3, Greedy), "past its block table");
        Reject(new SequenceStep(1, [1], [0, 0, 0], [16], 0, Greedy), "outside the cache of 16 blocks");
        Reject(new SequenceStep(1, [1], [0, 0], [0], 0, Greedy), "position ids");
        Reject(new SequenceStep(1, [], [], [0], 0, Greedy), "no tokens");
        Reject(new SequenceStep(1, [1, 2], [0, 1, 0, 1, 0, 1], [0], 0, Greedy, [new ImageSlice(1, Picture, 0, 2)]), "does not fit the step");
        Reject(new SequenceStep(1, [1, 2], [0, 1, 0, 1, 0, 1], [0], 0, Greedy, [new ImageSlice(0, Picture, 5, 2)]), "outside image");
        Reject(new SequenceStep(1, Enumerable.Repeat(1, 33).ToArray(), MRopePositions.ForText(0, 33), Enumerable.Range(0, 9).ToArray(), 0, Greedy),
            "at most 32 per step");
        Reject(new SequenceStep(1, [1], [64, 64, 64], Enumerable.Range(0, 16).Append(0).ToArray(), 64, Greedy), "past the 16 blocks");
    }
}
