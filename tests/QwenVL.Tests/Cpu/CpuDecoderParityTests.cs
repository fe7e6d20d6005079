using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cpu;

/// <summary>The CPU decoder against what transformers computed from the tiny fixture.</summary>
public class CpuDecoderParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-3;

    public static TheoryData<string> TextCases => new() { "text_hello", "text_multiturn" };

    [Theory]
    [MemberData(nameof(TextCases))]
    public void Text_positions_equal_reference(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        Assert.Equal(TinyReference.Instance.Int32s(name + ".position_ids"), MRopePositions.ForText(0, chat.InputIds.Length));
    }

    [Theory]
    [MemberData(nameof(TextCases))]
    public void Hidden_states_and_logits_match_reference(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        using var executor = TinyModel.NewExecutor();
        var trace = new List<float[]>();
        var step = new SequenceStep(0, chat.InputIds, MRopePositions.ForText(0, chat.InputIds.Length), Table(0, 8), 0, null);
        var logits = executor.LastTokenLogits(new StepBatch([step]), sampledOnly: false, out _, trace);

        var hidden = TinyReference.Instance.Floats(name + ".last_hidden_per_layer");
        int h = TinyModel.Directory.Config.Text.HiddenSize;
        Assert.Equal(hidden.Length / h, trace.Count);
        for (int layer = 0; layer < trace.Count; layer++)
        {
            double err = ParityMath.MaxAbsDiff(trace[layer], hidden.AsSpan(layer * h, h));
            output.WriteLine($"{name} hidden[{layer}] max abs error {err:E3}");
            Assert.True(err < Tolerance, $"hidden state {layer} differs by {err}");
        }
        double logitErr = ParityMath.MaxAbsDiff(logits, TinyReference.Instance.Floats(name + ".last_logits"));
        output.WriteLine($"{name} last logits max abs error {logitErr:E3}");
        Assert.True(logitErr < Tolerance, $"logits differ by {logitErr}");
    }

    internal static int[] Table(int first, int count) => Enumerable.Range(first, count).ToArray();
}
