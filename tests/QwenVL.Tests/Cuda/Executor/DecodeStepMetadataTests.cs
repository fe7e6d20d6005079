using System.Runtime.InteropServices;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class DecodeStepMetadataTests
{
    private const int BlockSize = 4;
    private const int Scratch = 16;
    private static readonly SamplingContext Greedy = new(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty,
        ReadOnlyMemory<int>.Empty, 1, ReadOnlyMemory<int>.Empty);

    private static StepMetadata Packer() =>
        new(StepLimits.For(maxTokens: 32, maxSequences: 8, maxModelLength: 64, BlockSize), BlockSize, vocabSize: 1000, hidden: 8, tileQueries: 3);

    private static SequenceStep Decode(long id, int token, int position, int[] table, SamplingContext? sampling = null) =>
        new(id, [token], [position, position + 1, position + 2], table, position, sampling ?? Greedy);

    private static int[] Ints(byte[] buffer, int offset, int count) => MemoryMarshal.Cast<byte, int>(buffer.AsSpan(offset, 4 * count)).ToArray();

    [Fact]
    public void Every_bucket_layout_fits_the_buffer_and_puts_the_block_tables_last()
    {
        var packer = Packer();
        for (int bucket = 1; bucket <= 8; bucket++)
        {
            var layout = packer.DecodeLayout(bucket);
            Assert.True(layout.Bytes <= packer.CapacityBytes, $"bucket {bucket}: {layout.Bytes} > {packer.CapacityBytes}");
            Assert.Equal(bucket, layout.SampleRowCount);
            Assert.Equal(bucket * packer.Limits.MaxBlocksPerSequence, layout.BlockTableEntries);
            int[] others = [layout.ImageSources, layout.TokenIds, layout.Positions, layout.Slots, layout.Sequences, layout.Tiles, layout.SampleRows];
            Assert.All(others, offset => Assert.True(offset < layout.BlockTables));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => packer.DecodeLayout(9));
    }

    [Fact]
    public void A_padded_decode_step_keeps_the_real_rows_and_sends_the_padding_to_the_scratch_block()
    {
        var packer = Packer();
        var buffer = new byte[packer.CapacityBytes];
        var batch = new StepBatch([Decode(5, 42, 9, [3, 7, 1]), Decode(6, 43, 2, [11])]);
        var step = packer.PackDecode(batch, bucket: 4, numBlocks: Scratch, scratchBlock: Scratch, buffer);
        var layout = packer.DecodeLayout(4);

        Assert.Equal(2, step.SampleRowCount);
        Assert.Equal(layout with { SampleRowCount = 2, Bytes = step.Bytes }, step);
        Assert.Equal([42, 43, 0, 0], Ints(buffer, step.TokenIds, 4));
        Assert.Equal([9, 2, 0, 0, 10, 3, 0, 0, 11, 4, 0, 0], Ints(buffer, step.Positions, 12));
        Assert.Equal([1 * BlockSize + 1, 11 * BlockSize + 2, Scratch * BlockSize, Scratch * BlockSize], Ints(buffer, step.Slots, 4));
        // row, one token, context, table start: sequence 5 covers positions 0..9 (3 blocks), 6 covers 0..2 (1)
        Assert.Equal([0, 1, 9, 0, 1, 1, 2, 3, 2, 1, 0, 4, 3, 1, 0, 5], Ints(buffer, step.Sequences, 16));
        Assert.Equal([3, 7, 1, 11, Scratch, Scratch], Ints(buffer, step.BlockTables, 6));
        Assert.Equal([0, 1, 2, 3], Ints(buffer, step.SampleRows, 4));
        Assert.Equal((step.BlockTables + 6 * 4 + 15) / 16 * 16, step.Bytes);
        Assert.Equal([0, 1], packer.SampledSequences(step).ToArray());
        Assert.All(MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan(step.ImageSources, 32)).ToArray(), source => Assert.Equal(0UL, source));
    }

    [Fact]
    public void Only_one_token_steps_without_images_whose_rows_all_sample_are_decode_steps()
    {
        var decode = Decode(1, 5, 3, [0]);
        Assert.True(StepMetadata.IsDecodeStep(new StepBatch([decode, Decode(2, 6, 4, [1])]), sampledOnly: true));
        Assert.False(StepMetadata.IsDecodeStep(new StepBatch([]), sampledOnly: true));
        var chunk = new SequenceStep(3, [1, 2], [0, 1, 0, 1, 0, 1], [2], 0, Greedy);
        Assert.False(StepMetadata.IsDecodeStep(new StepBatch([decode, chunk]), sampledOnly: true));
        var silent = new SequenceStep(4, [7], [3, 3, 3], [3], 3, null);
        Assert.False(StepMetadata.IsDecodeStep(new StepBatch([decode, silent]), sampledOnly: true));
        Assert.True(StepMetadata.IsDecodeStep(new StepBatch([decode, silent]), sampledOnly: false));
        var image = new SequenceStep(5, [9], [3, 3, 3], [4], 3, Greedy, [new ImageSlice(0, new ImageKey("x"), 0, 1)]);
        Assert.False(StepMetadata.IsDecodeStep(new StepBatch([image]), sampledOnly: true));
    }

    [Fact]
    public void Packing_a_decode_step_checks_what_the_kernels_would_read_out_of_bounds()
    {
        var packer = Packer();
        var buffer = new byte[packer.CapacityBytes];
        var tooMany = new StepBatch(Enumerable.Range(0, 3).Select(i => Decode(i, 1, 0, [i])).ToArray());
        Assert.Throws<ArgumentException>(() => packer.PackDecode(tooMany, bucket: 2, Scratch, Scratch, buffer));
        var outside = new StepBatch([Decode(1, 1, 0, [Scratch])]);
        Assert.Contains("outside the cache", Assert.Throws<ArgumentException>(() => packer.PackDecode(outside, 1, Scratch, Scratch, buffer)).Message);
        var badToken = new StepBatch([Decode(1, 1000, 0, [0])]);
        Assert.Throws<ArgumentException>(() => packer.PackDecode(badToken, 1, Scratch, Scratch, buffer));
    }
}
