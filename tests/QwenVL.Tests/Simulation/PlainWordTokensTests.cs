using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.Bench.Simulation;

namespace QwenVL.Tests.Simulation;

/// <summary>The simulated executor's vocabulary: whole words from the real tokenizer, so its output reads as text.</summary>
public class PlainWordTokensTests
{
    private static readonly QwenTokenizer Tokenizer = QwenTokenizer.Load(FixturePaths.TinyModel);

    [Fact]
    public void Every_id_is_a_space_and_a_whole_word()
    {
        var ids = PlainWordTokens.From(Tokenizer);

        Assert.True(ids.Length >= 40, $"only {ids.Length} words");
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^ [A-Za-z]+$", Tokenizer.Decode([id])));
    }

    [Fact]
    public void Simulated_output_detokenizes_to_words()
    {
        var ids = PlainWordTokens.From(Tokenizer);
        using var executor = new SimulatedExecutor(SimulationProfiles.Spec(vocab: Tokenizer.VocabSize), SimulationProfiles.Known, 9, ids);
        executor.AllocateKvCache(4 * executor.KvCacheBytesPerBlock);
        var output = new List<int>();
        for (int position = 0; position < 30; position++)
        {
            var step = new SequenceStep(1, [0], MRopePositions.ForText(position, 1), [0, 1], position, SimulationProfiles.Greedy);
            output.Add(executor.Execute(new StepBatch([step])).Tokens[0]!.Value.TokenId);
        }
        Assert.Matches("^( [A-Za-z]+){30}$", Tokenizer.Decode(output.ToArray()));
    }
}
