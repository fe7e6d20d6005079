using QwenVL.Cuda.Memory;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class DeviceArenaTests
{
    [Fact]
    public void Offsets_are_aligned_and_do_not_overlap()
    {
        var arena = new DeviceArena(4096);
        Assert.Equal(0, arena.Allocate(10));
        Assert.Equal(256, arena.Allocate(1));
        Assert.Equal(272, arena.Allocate(16, alignment: 16));
        Assert.Equal(512, arena.Allocate(100));
        Assert.Equal(612, arena.Used);
        Assert.Equal(4096 - 612, arena.Remaining);
    }

    [Fact]
    public void Running_out_is_false_from_try_and_an_error_naming_sizes_from_allocate()
    {
        var arena = new DeviceArena(1024);
        arena.Allocate(600);
        Assert.False(arena.TryAllocate(300, out var offset)); // would start at 768 and end at 1068
        Assert.Equal(-1, offset);
        Assert.Equal(600, arena.Used);
        var e = Assert.Throws<InvalidOperationException>(() => arena.Allocate(300));
        Assert.Contains("1024", e.Message);
        Assert.Contains("300", e.Message);
        Assert.Contains("600 in use", e.Message);
        Assert.True(arena.TryAllocate(256, out offset));
        Assert.Equal(768, offset);
        Assert.Equal(1024, arena.Used);
        Assert.False(arena.TryAllocate(1, out _, alignment: 1));
    }

    [Fact]
    public void An_exact_fit_and_an_empty_allocation_are_allowed()
    {
        var arena = new DeviceArena(512);
        Assert.Equal(0, arena.Allocate(512));
        Assert.Equal(0, arena.Remaining);
        Assert.True(arena.TryAllocate(0, out var end));
        Assert.Equal(512, end);
        Assert.False(arena.TryAllocate(1, out _));
    }

    [Fact]
    public void Reset_starts_again_from_zero()
    {
        var arena = new DeviceArena(1 << 20);
        arena.Allocate(1000);
        arena.Reset();
        Assert.Equal(0, arena.Used);
        Assert.Equal(0, arena.Allocate(8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(48)]
    public void Alignment_must_be_a_positive_power_of_two(int alignment)
    {
        var arena = new DeviceArena(1024);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Allocate(8, alignment));
    }

    [Fact]
    public void Sizes_beyond_two_gigabytes_work()
    {
        var arena = new DeviceArena(80L << 30);
        Assert.Equal(0, arena.Allocate(3L << 30));
        Assert.Equal(3L << 30, arena.Allocate(5L << 30, alignment: 1 << 21));
        Assert.Equal(72L << 30, arena.Remaining);
    }
}
