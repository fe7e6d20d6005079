using System.Text;
using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>Turns each kind of <see cref="GrammarSpec"/> into one byte-level automaton.</summary>
internal static class GrammarCompiler
{
    public static ByteNfa Compile(GrammarSpec spec, GrammarOptions options) => spec.Kind switch
    {
        GrammarKind.JsonSchema => CompileSchema(spec.Source, options),
        GrammarKind.JsonObject => Build(options, nfa => new JsonStructure(nfa, options).AnyObject(options.JsonObjectDepth)),
        GrammarKind.Regex => Build(options, nfa => CompileRegex(nfa, spec.Source)),
        GrammarKind.Choice => Build(options, nfa => CompileChoices(nfa, spec.Source)),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    private static ByteNfa CompileSchema(string schemaJson, GrammarOptions options)
    {
        using var document = JsonDocument.Parse(schemaJson);
        return JsonSchemaCompiler.Compile(document.RootElement, options);
    }

    private static ByteNfa Build(GrammarOptions options, Func<NfaBuilder, Fragment> compile)
    {
        var nfa = new NfaBuilder(options.MaxNfaStates);
        return nfa.Build(compile(nfa));
    }

    /// <summary>The whole output must match; <c>^</c> and <c>$</c> at the ends are redundant and accepted.</summary>
    private static Fragment CompileRegex(NfaBuilder nfa, string pattern)
    {
        var (node, _, _) = RegexParser.Parse(pattern);
        return node.Compile(nfa, set => Utf8Encoding.Encode(nfa, set));
    }

    private static Fragment CompileChoices(NfaBuilder nfa, string choicesJson)
    {
        var choices = JsonSerializer.Deserialize<string[]>(choicesJson) ?? [];
        if (choices.Length == 0) throw new StructuredOutputException("guided_choice needs at least one choice");
        return nfa.Choice(choices.Distinct().Select(choice => nfa.Literal(Encoding.UTF8.GetBytes(choice))).ToArray());
    }
}
