using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Structured;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Structured;

/// <summary>
/// Every output of a constrained request is valid: 20 seeded choices at temperature 1 with 400 tokens each, for the
/// thirty schemas that between them use every supported keyword, and for a regex, a choice list and json_object.
/// </summary>
public class ConstrainedGenerationTests(ITestOutputHelper output)
{
    private const int Choices = 20;

    public static TheoryData<string> SchemaNames => new(RandomWalkSchemas.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void Every_output_validates_against_its_schema(string name)
    {
        var schemaText = RandomWalkSchemas.All.Single(s => s.Name == name).Schema;
        var spec = GrammarSpec.JsonSchema(schemaText);
        var validator = JsonSchema.FromText(schemaText);
        var options = new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
        var choices = Generate(name, spec);
        foreach (var choice in choices)
        {
            using var document = JsonDocument.Parse(choice.Text);
            var result = validator.Evaluate(document.RootElement, options);
            Assert.True(result.IsValid, $"{name}: {choice.Text}\n{string.Join("\n", (result.Details ?? []).Where(d => d.Errors != null).SelectMany(d => d.Errors!.Values))}");
        }
    }

    [Fact]
    public void Json_object_outputs_are_objects()
    {
        foreach (var choice in Generate("json_object", GrammarSpec.JsonObject()))
        {
            using var document = JsonDocument.Parse(choice.Text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Theory]
    [InlineData(@"\d{1,3}(\.\d{1,3}){3}")]
    [InlineData(@"[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8}){0,2}")]
    [InlineData(@"[^,\n]{1,20},[a-z ]{0,12}")]
    public void Regex_outputs_fully_match(string pattern)
    {
        var dotnet = new Regex($"^(?:{pattern})$");
        foreach (var choice in Generate(pattern, GrammarSpec.Regex(pattern))) Assert.Matches(dotnet, choice.Text);
    }

    [Fact]
    public void Choice_outputs_are_one_of_the_choices()
    {
        string[] allowed = ["positive", "negative", "neutral", "n/a", "ünïcödé"];
        foreach (var choice in Generate("choice", GrammarSpec.Choice(allowed))) Assert.Contains(choice.Text, allowed);
    }

    private IReadOnlyList<GeneratedChoice> Generate(string name, GrammarSpec spec)
    {
        var grammar = StructuredKit.Outputs.Compile(spec);
        long start = Stopwatch.GetTimestamp();
        var choices = ConstrainedGeneration.Sample(spec, Choices);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Assert.Equal(Choices, choices.Count);
        int stopped = choices.Count(c => c.Reason == FinishReason.Stop);
        output.WriteLine($"{name}: {elapsed.TotalSeconds:0.00} s, {stopped}/{Choices} stopped, lengths {choices.Min(c => c.TokenIds.Length)}..{choices.Max(c => c.TokenIds.Length)}, " +
            $"largest opening token {choices.Max(c => ConstrainedGeneration.LargestOpening(grammar, c.TokenIds))}");
        return choices;
    }
}
