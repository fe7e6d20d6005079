using QwenVL.Cuda.Executor;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class RangeAllocatorTests
{
    [Fact]
    public void Ranges_are_aligned_first_fit_and_reused_after_free()
    {
        var a = new RangeAllocator(4096, alignment: 256);
        Assert.True(a.TryAllocate(100, out var first));
        Assert.True(a.TryAllocate(300, out var second));
        Assert.True(a.TryAllocate(256, out var third));
        Assert.Equal((0L, 256L, 768L), (first, second, third));
        Assert.Equal(1024, a.Used);
        a.Free(second);
        Assert.True(a.TryAllocate(200, out var reused));
        Assert.Equal(256, reused);
        Assert.True(a.TryAllocate(256, out var gap));
        Assert.Equal(512, gap);
    }

    [Fact]
    public void Freed_neighbours_merge_so_a_large_range_fits_again()
    {
        var a = new RangeAllocator(1024, alignment: 256);
        var offsets = new long[4];
        for (int i = 0; i < 4; i++) Assert.True(a.TryAllocate(256, out offsets[i]));
        Assert.False(a.TryAllocate(1, out _));
        a.Free(offsets[1]);
        a.Free(offsets[3]);
        a.Free(offsets[2]);
        Assert.Equal(768, a.LargestFree);
        Assert.True(a.TryAllocate(768, out var big));
        Assert.Equal(256, big);
        a.Free(offsets[0]);
        a.Free(big);
        Assert.Equal(0, a.Used);
        Assert.Equal(1024, a.LargestFree);
    }

    [Fact]
    public void Running_out_is_false_and_freeing_an_unknown_offset_is_an_error()
    {
        var a = new RangeAllocator(512, alignment: 256);
        Assert.False(a.TryAllocate(513, out var offset));
        Assert.Equal(-1, offset);
        Assert.Throws<ArgumentException>(() => a.Free(256));
    }
}
