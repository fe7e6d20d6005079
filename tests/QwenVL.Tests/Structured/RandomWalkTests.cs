using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using QwenVL.Runtime.Structured;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Structured;

/// <summary>
/// Random generation through the masks alone: each step picks a uniformly random allowed token (taking
/// end-of-sequence half the time once it is allowed). Every finished output must parse and validate
/// against the schema with an independent validator.
/// </summary>
public class RandomWalkTests(ITestOutputHelper output)
{
    private const int MaxTokens = 400;
    private const int WalksPerSchema = 20;

    public static TheoryData<string> SchemaNames => new(RandomWalkSchemas.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void Every_finished_output_validates(string name)
    {
        var schemaText = RandomWalkSchemas.All.Single(s => s.Name == name).Schema;
        var grammar = StructuredKit.Schema(schemaText);
        var validator = JsonSchema.FromText(schemaText);
        var options = new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
        var (free, budgeted) = (0, 0);
        for (var seed = 0; seed < WalksPerSchema; seed++)
        {
            foreach (var finishInBudget in new[] { false, true })
            {
                var text = Walk(grammar, new Random(seed), finishInBudget);
                if (text == null)
                {
                    Assert.False(finishInBudget, $"{name}: a budgeted walk must finish within {MaxTokens} tokens");
                    continue;
                }
                if (finishInBudget) budgeted++; else free++;
                using var document = JsonDocument.Parse(text);
                var result = validator.Evaluate(document.RootElement, options);
                Assert.True(result.IsValid, $"{name}: {text}\n{string.Join("\n", (result.Details ?? []).Where(d => d.Errors != null).SelectMany(d => d.Errors!.Values))}");
            }
        }
        output.WriteLine($"{name}: finished within {MaxTokens} tokens: free {free}/{WalksPerSchema}, budgeted {budgeted}/{WalksPerSchema}");
    }

    [Theory]
    [InlineData(@"\d{1,3}(\.\d{1,3}){3}")]
    [InlineData(@"(yes|no|maybe)!?")]
    [InlineData(@"[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8}){0,2}")]
    [InlineData(@"0x[0-9a-fA-F]{4,8}")]
    [InlineData(@"[^,\n]{1,20},[^,\n]{1,20}")]
    public void Regex_outputs_fully_match(string pattern)
    {
        var grammar = StructuredKit.Compile(GrammarSpec.Regex(pattern));
        var dotnet = new Regex($"^(?:{pattern})$");
        for (var seed = 0; seed < 10; seed++)
        {
            var text = Walk(grammar, new Random(seed), finishInBudget: true);
            Assert.NotNull(text);
            Assert.Matches(dotnet, text);
        }
    }

    [Fact]
    public void Choice_outputs_are_one_of_the_choices()
    {
        string[] choices = ["positive", "negative", "neutral", "n/a", "ünïcödé"];
        var grammar = StructuredKit.Compile(GrammarSpec.Choice(choices));
        for (var seed = 0; seed < 20; seed++) Assert.Contains(Walk(grammar, new Random(seed), finishInBudget: true), choices);
    }

    [Fact]
    public void Json_object_outputs_are_objects()
    {
        var grammar = StructuredKit.Compile(GrammarSpec.JsonObject());
        var finished = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var text = Walk(grammar, new Random(seed), finishInBudget: seed % 2 == 1);
            if (text == null) continue;
            finished++;
            using var document = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
        output.WriteLine($"json_object: {finished}/10 finished (odd seeds budgeted); automaton states {grammar.AutomatonStates}, NFA {grammar.NfaStates}");
    }

    /// <summary>
    /// One random output, or null if it did not end within <see cref="MaxTokens"/>. With
    /// <paramref name="finishInBudget"/>, a sampled token that would leave more to close than tokens remain is
    /// replaced by one from the finishing mask, which the budget then always allows to complete.
    /// </summary>
    internal static string? Walk(CompiledGrammar grammar, Random random, bool finishInBudget)
    {
        var endOfSequence = StructuredKit.ImEnd;
        var matcher = new GrammarMatcher(grammar, [endOfSequence]);
        var mask = new ulong[StructuredKit.Vocabulary.MaskWords];
        var bytes = new List<byte>();
        for (var step = 0; step < MaxTokens; step++)
        {
            var left = MaxTokens - step;
            matcher.FillAllowed(mask);
            var token = matcher.IsAccepting && random.Next(2) == 0 ? endOfSequence : MaskTiming.PickAllowed(mask, random);
            if (finishInBudget && matcher.MinBytesToCompleteAfter(token) > left - 2)
            {
                matcher.FillFinishing(mask);
                token = MaskTiming.PickAllowed(mask, random);
            }
            Assert.True(StructuredKit.IsSet(mask, token));
            Assert.True(matcher.TryAccept(token));
            if (matcher.IsTerminated) return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            bytes.AddRange(StructuredKit.Vocabulary.Bytes(token));
        }
        return null;
    }
}
