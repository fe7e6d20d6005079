using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class VisionPassesTests
{
    // The grouping and offsets read only the grids, so the pixel values can stay empty.
    private static PixelPatches Image(int t, int h, int w) => new([], t, h, w);

    private static List<Range> Group(int maxPatches, params PixelPatches[] images)
    {
        var passes = new List<Range>();
        VisionPasses.Group(images, maxPatches, passes);
        return passes;
    }

    [Fact]
    public void Images_that_fill_the_limit_exactly_share_a_pass_and_one_patch_more_opens_the_next()
    {
        // 256 + 1024 = 1280 fits exactly; the 96-patch image starts the second pass.
        var exact = Group(1280, Image(1, 16, 16), Image(1, 32, 32), Image(1, 8, 12));
        Assert.Equal([0..2, 2..3], exact);

        var over = Group(1279, Image(1, 16, 16), Image(1, 32, 32), Image(1, 8, 12));
        Assert.Equal([0..1, 1..3], over);
    }

    [Fact]
    public void Grouping_is_greedy_in_order_and_does_not_reorder_to_fill_gaps()
    {
        // After 1024 + 256 the 512 does not fit in 1536, so it opens a pass, even though the 256 after it would
        // have fitted in the first.
        var passes = Group(1536, Image(1, 32, 32), Image(1, 16, 16), Image(1, 16, 32), Image(1, 16, 16));
        Assert.Equal([0..2, 2..4], passes);
    }

    [Fact]
    public void Every_image_is_in_exactly_one_pass_and_no_pass_exceeds_the_limit()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int max = 4 * random.Next(16, 400);
            var images = Enumerable.Range(0, random.Next(0, 40))
                .Select(_ => Image(random.Next(1, 3), 2 * random.Next(1, 8), 2 * random.Next(1, 8)))
                .Where(i => i.PatchCount <= max)
                .ToArray();
            var passes = Group(max, images);
            int next = 0;
            foreach (var pass in passes)
            {
                Assert.Equal(next, pass.Start.Value);
                Assert.True(pass.End.Value > pass.Start.Value);
                Assert.True(images[pass].Sum(i => i.PatchCount) <= max);
                // Greedy: the pass's next image would not have fitted.
                if (pass.End.Value < images.Length)
                    Assert.True(images[pass].Sum(i => i.PatchCount) + images[pass.End.Value].PatchCount > max);
                next = pass.End.Value;
            }
            Assert.Equal(images.Length, next);
        }
    }

    [Fact]
    public void No_images_make_no_passes() => Assert.Empty(Group(1024));

    [Fact]
    public void An_image_larger_than_the_limit_is_an_error_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Group(1024, Image(1, 16, 16), Image(1, 32, 34)));
        Assert.Contains("image 1 has 1088 patches", e.Message);
        Assert.Contains("at most 1024", e.Message);
    }

    [Fact]
    public void Offsets_are_the_patches_and_tokens_of_the_images_before()
    {
        PixelPatches[] images = [Image(1, 16, 16), Image(2, 8, 12), Image(1, 32, 32), Image(1, 2, 2)];
        var patches = new int[4];
        Assert.Equal(256 + 192 + 1024 + 4, VisionPasses.PatchOffsets(images, patches));
        Assert.Equal([0, 256, 448, 1472], patches);

        var tokens = new int[4];
        Assert.Equal(64 + 48 + 256 + 1, VisionPasses.TokenOffsets(images, mergeSize: 2, tokens));
        Assert.Equal([0, 64, 112, 368], tokens);
    }

    [Fact]
    public void Token_offsets_refuse_an_image_of_part_windows()
    {
        var tokens = new int[2];
        var e = Assert.Throws<ArgumentException>(() => VisionPasses.TokenOffsets([Image(1, 2, 2), Image(1, 3, 2)], mergeSize: 2, tokens));
        Assert.Contains("image 1 has 6 patches", e.Message);
    }

    [Fact]
    public void Segments_are_every_frame_of_every_image_in_order()
    {
        PixelPatches[] images = [Image(2, 4, 6), Image(1, 8, 8), Image(3, 2, 2)];
        Assert.Equal(6, VisionPasses.SegmentCount(images));
        var lengths = new int[8];
        Assert.Equal(6, VisionPasses.FrameSegments(images, lengths));
        Assert.Equal([24, 24, 64, 4, 4, 4], lengths[..6]);
        Assert.Throws<ArgumentException>(() => VisionPasses.FrameSegments(images, new int[5]));
    }

    [Fact]
    public void The_tile_table_of_two_images_keeps_each_patch_within_its_own_frame_of_its_own_image()
    {
        // 1x16x16 (one frame of 256) then 2x8x12 (two frames of 96): segments [0,256), [256,352), [352,448).
        PixelPatches[] images = [Image(1, 16, 16), Image(2, 8, 12)];
        var lengths = new int[VisionPasses.SegmentCount(images)];
        VisionPasses.FrameSegments(images, lengths);
        var table = new int[AttentionTiles.MaxCount(448, 4) * AttentionTiles.Stride];
        int count = AttentionTiles.Fill(lengths, table);

        Assert.Equal(4 + 2 + 2, count);
        int[] expected =
        [
            0, 0, 256, 64, 0, 256, 128, 0, 256, 192, 0, 256,
            256, 256, 352, 320, 256, 352,
            352, 352, 448, 416, 352, 448,
        ];
        Assert.Equal(expected, table[..(count * AttentionTiles.Stride)]);
    }
}
