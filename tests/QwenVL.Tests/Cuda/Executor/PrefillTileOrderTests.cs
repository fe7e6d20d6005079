using System.Runtime.InteropServices;
using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class PrefillTileOrderTests
{
    [Fact]
    public void Tiles_ordered_by_work_list_the_tile_with_the_most_visible_keys_first()
    {
        var limits = StepLimits.For(maxTokens: 256, maxSequences: 4, maxModelLength: 1024, blockSize: 16);
        var packer = new StepMetadata(limits, 16, vocabSize: 1000, hidden: 8, PagedPrefillAttentionKernel.QueriesPerTile, orderTilesByWork: true);
        var buffer = new byte[packer.CapacityBytes];
        var longPrompt = new SequenceStep(1, new int[100], MRopePositions.ForText(0, 100), Enumerable.Range(0, 7).ToArray(), 0, null);
        var laterChunk = new SequenceStep(2, new int[10], MRopePositions.ForText(500, 10), Enumerable.Range(7, 33).ToArray(), 500, null);
        var step = packer.Pack(new StepBatch([longPrompt, laterChunk]), sampledOnly: false, numBlocks: 64, _ => default, buffer);

        Assert.Equal(3, step.TileCount);
        var tiles = MemoryMarshal.Cast<byte, int>(buffer.AsSpan(step.Tiles, 8 * step.TileCount)).ToArray();
        // the later chunk sees 510 keys, the prompt's second tile 100, its first 64
        Assert.Equal([1, 0, 0, 64, 0, 0], tiles);
    }

    [Fact]
    public void Ordering_by_work_needs_the_prefill_kernels_tile_size() =>
        Assert.Throws<ArgumentException>(() => new StepMetadata(StepLimits.For(64, 4, 128, 16), 16, 1000, 8, tileQueries: 5, orderTilesByWork: true));
}
