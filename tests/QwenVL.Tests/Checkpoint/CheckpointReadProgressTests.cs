using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Progress;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Checkpoint;

/// <summary>Loading the weights counts the bytes it reads, so a slow load can show progress.</summary>
public class CheckpointReadProgressTests
{
    [Fact]
    public void Loading_weights_counts_the_bytes_read_and_finishes_the_counter()
    {
        var board = new ProgressBoard();
        var directory = ModelDirectory.Open(FixturePaths.TinyModel);
        ByteCounter counter;
        using (var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.TinyModel, board))
        {
            counter = Assert.Single(board.Counters);
            Assert.Equal(SafetensorsCheckpoint.ProgressLabel, counter.Label);
            Assert.Equal(SafetensorsCheckpoint.ProgressShowAfter, counter.ShowAfter);
            CpuWeights.Load(checkpoint, directory.Config.Text);
            Assert.InRange(counter.Done, 1, counter.Total);
            Assert.False(counter.IsFinished);
        }

        Assert.True(counter.IsFinished);
        Assert.Equal(counter.Total, counter.Done);
        Assert.True(counter.Total > new FileInfo(Path.Combine(FixturePaths.TinyModel, "model.safetensors")).Length * 9 / 10);
    }
}
