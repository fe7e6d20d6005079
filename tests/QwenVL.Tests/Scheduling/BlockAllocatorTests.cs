using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class BlockAllocatorTests
{
    private static BlockHash Hash(BlockHash? previous, params int[] tokens) => BlockHash.Of(previous, tokens, []);

    [Fact]
    public void Running_out_is_an_answer_and_acting_anyway_throws()
    {
        var blocks = new BlockAllocator(4, 16);
        var table = new List<int>();
        Assert.True(blocks.CanAllocate(4));
        Assert.False(blocks.CanAllocate(5));
        blocks.Allocate(3, table);
        Assert.Equal([0, 1, 2], table);
        Assert.False(blocks.CanAllocate(2));
        Assert.Throws<InvalidOperationException>(() => blocks.Allocate(2, table));
        Assert.Equal(3, table.Count);
        blocks.Free(table);
        Assert.Empty(table);
        Assert.Equal(4, blocks.FreeCount);
    }

    [Fact]
    public void Freed_cached_blocks_stay_findable_until_evicted_least_recently_freed_first()
    {
        var blocks = new BlockAllocator(4, 2);
        var a = new List<int>();
        blocks.Allocate(2, a);                       // blocks 0 and 1
        var h0 = Hash(null, 1, 2);
        var h1 = Hash(h0, 3, 4);
        blocks.Register(a[0], h0);
        blocks.Register(a[1], h1);
        blocks.Free(a);                              // free queue: 2, 3, then 1 before 0 (a table is freed from its end)
        Assert.Equal(4, blocks.FreeCount);

        var hits = new List<int>();
        blocks.FindCached([h0, h1], 2, hits);
        Assert.Equal([0, 1], hits);

        var b = new List<int>();
        blocks.Allocate(3, b);                       // 2, 3, and evicts 1
        Assert.Equal([2, 3, 1], b);
        hits.Clear();
        blocks.FindCached([h0, h1], 2, hits);
        Assert.Equal([0], hits);
        Assert.Equal(1, blocks.CachedCount);
    }

    [Fact]
    public void Sharing_a_cached_block_counts_a_reference_and_takes_it_out_of_the_free_queue()
    {
        var blocks = new BlockAllocator(3, 2);
        var a = new List<int>();
        blocks.Allocate(1, a);
        var h = Hash(null, 5, 6);
        blocks.Register(a[0], h);
        var hits = new List<int>();
        blocks.FindCached([h], 1, hits);
        Assert.Equal(0, blocks.CountFree(hits));     // still held by a
        var b = new List<int>();
        blocks.Share(hits, b);
        Assert.Equal(2, blocks.RefCount(0));
        blocks.Free(a);
        Assert.Equal(1, blocks.RefCount(0));
        Assert.Equal(2, blocks.FreeCount);
        blocks.Free(b);
        Assert.Equal(0, blocks.RefCount(0));
        Assert.Equal(3, blocks.FreeCount);
        Assert.Equal(1, blocks.CountFree(hits));     // free but cached: sharing it now takes a free block
        var c = new List<int>();
        blocks.Share(hits, c);
        Assert.Equal(2, blocks.FreeCount);
        blocks.Free(c);
        Assert.Throws<InvalidOperationException>(() => blocks.Free([0]));
    }

    [Fact]
    public void A_hash_names_one_block_only()
    {
        var blocks = new BlockAllocator(2, 2);
        var table = new List<int>();
        blocks.Allocate(2, table);
        var h = Hash(null, 1, 1);
        blocks.Register(table[0], h);
        blocks.Register(table[1], h);
        var hits = new List<int>();
        blocks.FindCached([h], 1, hits);
        Assert.Equal([table[0]], hits);
        Assert.Equal(1, blocks.CachedCount);
    }

    [Fact]
    public void Block_hashes_chain_and_tell_images_apart()
    {
        var h0 = Hash(null, 1, 2);
        Assert.Equal(h0, Hash(null, 1, 2));
        Assert.NotEqual(h0, Hash(null, 2, 1));
        Assert.NotEqual(Hash(h0, 3, 4), Hash(Hash(null, 9, 9), 3, 4));
        Assert.NotEqual(Hash(null, 3, 4), Hash(h0, 3, 4));
        int[] pads = [151655, 151655];
        Assert.NotEqual(BlockHash.Of(null, pads, [new ImageKey("a")]), BlockHash.Of(null, pads, [new ImageKey("b")]));
        Assert.Equal(BlockHash.Of(null, pads, [new ImageKey("a")]), BlockHash.Of(null, pads, [new ImageKey("a")]));
    }
}
