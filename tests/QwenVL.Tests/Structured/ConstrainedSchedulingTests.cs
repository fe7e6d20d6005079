using System.Text.Json;
using Json.Schema;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Scheduling;
using QwenVL.Tests.Text;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Structured;

/// <summary>
/// Constraints and logit bias as the scheduler carries them: beside unconstrained sequences in one batch, through
/// preemption by recompute, and refused where they cannot be honoured.
/// </summary>
public class ConstrainedSchedulingTests(ITestOutputHelper output)
{
    private static readonly string Person = RandomWalkSchemas.All.Single(s => s.Name == "person").Schema;
    private static readonly string TenProperties = RandomWalkSchemas.TenProperties;

    private static PromptInput Prompt => ConstrainedGeneration.Prompt.Prompt;

    [Fact]
    public void A_bias_of_100_at_temperature_0_makes_its_token_come_out()
    {
        const int favoured = 9707;
        var p = new SamplingParams { Temperature = 0, MaxTokens = 3, LogitBias = [new LogitBiasEntry(favoured, 100)] };
        using var executor = TinyModel.NewExecutor(blocks: 16);
        var choice = ConstrainedGeneration.Loop(executor, 16).Run(ConstrainedGeneration.Prompt, p).Choices.Single();
        Assert.Equal([favoured, favoured, favoured], choice.TokenIds);
    }

    [Fact]
    public void A_bias_of_minus_100_bans_the_greedy_token_and_leaves_logprobs_raw()
    {
        int greedy = TinyReference.Instance.Chat("text_hello").GreedyTokens[0];
        var plain = new SamplingParams { Temperature = 0, MaxTokens = 1, Logprobs = true, TopLogprobs = 2 };
        using var executor = TinyModel.NewExecutor(blocks: 16);
        var loop = ConstrainedGeneration.Loop(executor, 16);
        var unbiased = loop.Run(ConstrainedGeneration.Prompt, plain).Choices.Single().Samples[0];
        var banned = loop.Run(ConstrainedGeneration.Prompt, plain with { LogitBias = [new LogitBiasEntry(greedy, -100)] }).Choices.Single().Samples[0];
        Assert.Equal(greedy, unbiased.TokenId);
        Assert.NotEqual(greedy, banned.TokenId);
        // The runner-up comes out, with the logprob it has in the raw distribution.
        Assert.Equal(unbiased.TopLogprobs![1].TokenId, banned.TokenId);
        Assert.Equal(unbiased.TopLogprobs![1].Logprob, banned.Logprob, 1e-5);
    }

    [Fact]
    public void Unconstrained_sequences_batched_with_constrained_ones_match_their_outputs_alone()
    {
        var grammar = StructuredKit.Outputs.Compile(GrammarSpec.JsonSchema(Person));
        var constrained = new SamplingParams { Temperature = 1.0, MaxTokens = 60, Seed = 3, Constraint = grammar.Spec };
        using var executor = TinyModel.NewExecutor(blocks: 64);
        var scheduler = FixturePrompts.NewScheduler(executor, 64, budget: 32);
        Add(scheduler, FixturePrompts.Request(1, Prompt, [], FixturePrompts.Greedy12));
        Add(scheduler, FixturePrompts.Request(2, Prompt, [], constrained, seed: 3) with { Grammar = grammar });
        Add(scheduler, FixturePrompts.Request(3, Prompt, [], constrained with { Temperature = 0 }) with { Grammar = grammar });
        Add(scheduler, FixturePrompts.Request(4, Prompt, [], FixturePrompts.Greedy12 with { MaxTokens = 20, MinTokens = 20 }));

        var log = StepLoop.Run(scheduler, executor.Execute);
        Assert.Equal(FixturePrompts.Alone(Prompt, [], FixturePrompts.Greedy12), log.TokensOf(1));
        Assert.Equal(FixturePrompts.Alone(Prompt, [], FixturePrompts.Greedy12 with { MaxTokens = 20, MinTokens = 20 }), log.TokensOf(4));
        foreach (var id in new[] { 2L, 3L }) AssertValid(Person, log.TokensOf(id));
    }

    [Fact]
    public void Preempted_constrained_sequences_resume_where_their_grammar_was()
    {
        var grammar = StructuredKit.Outputs.Compile(GrammarSpec.JsonSchema(TenProperties));
        var p = new SamplingParams { Temperature = 1.0, MaxTokens = 200, Constraint = grammar.Spec };
        RunLog Run(int blocks, out SchedulerStats stats)
        {
            using var executor = TinyModel.NewExecutor(blocks);
            var scheduler = FixturePrompts.NewScheduler(executor, blocks, budget: 64);
            for (int i = 0; i < 4; i++) Add(scheduler, FixturePrompts.Request(i, Prompt, [], p, seed: (ulong)(100 + i)) with { Grammar = grammar });
            var log = StepLoop.Run(scheduler, executor.Execute);
            stats = scheduler.Stats;
            return log;
        }
        var roomy = Run(80, out var roomyStats);
        var tight = Run(18, out var tightStats);
        output.WriteLine($"roomy: {roomyStats}\ntight: {tightStats}");
        Assert.Equal(0, roomyStats.Preemptions);
        Assert.True(tightStats.Preemptions > 0, "the small pool should force preemption");
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(roomy.TokensOf(i), tight.TokensOf(i));
            AssertValid(TenProperties, tight.TokensOf(i));
        }
    }

    [Fact]
    public void A_constraint_that_cannot_be_compiled_refuses_the_request_naming_the_keyword()
    {
        var p = new SamplingParams { MaxTokens = 4, Constraint = GrammarSpec.JsonSchema("""{"type":"object","properties":{"a":{"not":{}}}}""") };
        using var executor = TinyModel.NewExecutor(blocks: 16);
        var refused = Assert.Throws<ArgumentException>(() => ConstrainedGeneration.Loop(executor, 16).Run(ConstrainedGeneration.Prompt, p));
        Assert.Contains("not", refused.Message);
        Assert.Contains("#/properties/a", refused.Message);
        Assert.IsType<StructuredOutputException>(refused.InnerException);
    }

    [Fact]
    public void Ignore_eos_with_a_constraint_is_refused()
    {
        var p = new SamplingParams { IgnoreEos = true, Constraint = GrammarSpec.JsonObject() };
        Assert.Equal("ignore_eos", Assert.Throws<SamplingParamsException>(p.Validate).Field);
    }

    [Fact]
    public void Min_tokens_yields_to_a_complete_output_that_only_end_of_sequence_may_follow()
    {
        var p = new SamplingParams { Temperature = 0, MaxTokens = 20, MinTokens = 10, Constraint = GrammarSpec.Choice(["yes", "no"]) };
        using var executor = TinyModel.NewExecutor(blocks: 16);
        var choice = ConstrainedGeneration.Loop(executor, 16).Run(ConstrainedGeneration.Prompt, p).Choices.Single();
        Assert.Contains(choice.Text, new[] { "yes", "no" });
        Assert.Equal(FinishReason.Stop, choice.Reason);
    }

    private static void Add(Scheduler scheduler, SequenceRequest request) => Assert.Equal(AddOutcome.Accepted, scheduler.Add(request));

    private static void AssertValid(string schema, int[] tokens)
    {
        var ids = tokens.Where(t => Array.IndexOf(FixturePrompts.Eos, t) < 0).ToArray();
        var text = SharedTokenizer.Instance.Decode(ids, skipSpecialTokens: true);
        using var document = JsonDocument.Parse(text);
        var result = JsonSchema.FromText(schema).Evaluate(document.RootElement, new EvaluationOptions { RequireFormatValidation = true });
        Assert.True(result.IsValid, text);
    }
}
