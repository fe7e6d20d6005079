using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// Compiles a JSON Schema into automaton fragments. Every supported keyword is enforced exactly or the
/// schema is refused with a <see cref="StructuredOutputException"/> naming the keyword and its path; the
/// bounds of <see cref="GrammarOptions"/> only narrow outputs to a valid subset. <c>oneOf</c> is compiled
/// as <c>anyOf</c>: its branches should not overlap (they rarely do in practice: different types or
/// constants), since a value matching two branches would violate <c>oneOf</c>.
/// </summary>
internal sealed partial class JsonSchemaCompiler
{
    private readonly NfaBuilder _nfa;
    private readonly GrammarOptions _options;
    private readonly JsonStructure _json;
    private readonly JsonElement _root;
    private readonly Dictionary<string, int> _refExpansions = [];

    private JsonSchemaCompiler(NfaBuilder nfa, GrammarOptions options, JsonElement root)
    {
        _nfa = nfa;
        _options = options;
        _json = new JsonStructure(nfa, options);
        _root = root;
    }

    public static ByteNfa Compile(JsonElement schema, GrammarOptions options)
    {
        var nfa = new NfaBuilder(options.MaxNfaStates);
        var compiler = new JsonSchemaCompiler(nfa, options, schema);
        return nfa.Build(compiler.Compile(schema, "#"));
    }

    private Fragment Compile(JsonElement schema, string path, bool skipValueSet = false)
    {
        if (schema.ValueKind == JsonValueKind.True) return _json.AnyValue(_options.FreeValueDepth);
        if (schema.ValueKind == JsonValueKind.False) return _nfa.Nothing();
        if (schema.ValueKind != JsonValueKind.Object)
            throw new StructuredOutputException("a schema must be an object or a boolean", path);
        SchemaKeywords.RejectUnknown(schema, path);

        if (schema.TryGetProperty("$ref", out var reference)) return CompileReference(schema, reference, path);
        if (schema.TryGetProperty("allOf", out var allOf)) return CompileAllOf(schema, allOf, path);
        if (schema.TryGetProperty("anyOf", out var anyOf)) return CompileAlternatives(schema, anyOf, "anyOf", path);
        if (schema.TryGetProperty("oneOf", out var oneOf)) return CompileAlternatives(schema, oneOf, "oneOf", path);
        if (!skipValueSet && (schema.TryGetProperty("enum", out _) || schema.TryGetProperty("const", out _)))
            return CompileValueSet(schema, path);
        return CompileTypes(schema, path);
    }

    private Fragment CompileReference(JsonElement schema, JsonElement reference, string path)
    {
        SchemaKeywords.RequireAlone(schema, "$ref", path);
        var target = reference.GetString() ?? "";
        var resolved = ResolvePointer(target, path);
        _refExpansions.TryGetValue(target, out var depth);
        // Recursion is unrolled a bounded number of times; beyond that the branch is impossible and is pruned.
        if (depth >= _options.MaxRefDepth) return _nfa.Nothing();
        _refExpansions[target] = depth + 1;
        try
        {
            return Compile(resolved, target);
        }
        finally
        {
            _refExpansions[target] = depth;
        }
    }

    private JsonElement ResolvePointer(string reference, string path)
    {
        if (reference != "#" && !reference.StartsWith("#/", StringComparison.Ordinal))
            throw new StructuredOutputException($"'$ref' supports only local references (#/$defs/...), not '{reference}'", path, "$ref");
        var node = _root;
        foreach (var rawSegment in reference.Length <= 2 ? [] : reference[2..].Split('/'))
        {
            var segment = Uri.UnescapeDataString(rawSegment).Replace("~1", "/").Replace("~0", "~");
            var found = node.ValueKind switch
            {
                JsonValueKind.Object => node.TryGetProperty(segment, out var child) ? child : (JsonElement?)null,
                JsonValueKind.Array when int.TryParse(segment, out var index) && index >= 0 && index < node.GetArrayLength() => node[index],
                _ => null,
            };
            node = found ?? throw new StructuredOutputException($"'$ref' target '{reference}' does not resolve", path, "$ref");
        }
        return node;
    }

    private Fragment CompileAllOf(JsonElement schema, JsonElement allOf, string path)
    {
        SchemaKeywords.RequireAlone(schema, "allOf", path);
        if (allOf.ValueKind != JsonValueKind.Array || allOf.GetArrayLength() != 1)
            throw new StructuredOutputException("'allOf' is supported only with a single subschema", path, "allOf");
        return Compile(allOf[0], path + "/allOf/0");
    }

    private Fragment CompileAlternatives(JsonElement schema, JsonElement branches, string keyword, string path)
    {
        SchemaKeywords.RequireAlone(schema, keyword, path);
        if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
            throw new StructuredOutputException($"'{keyword}' must be a non-empty array", path, keyword);
        return _nfa.Choice(branches.EnumerateArray().Select((branch, i) => Compile(branch, $"{path}/{keyword}/{i}")).ToArray());
    }

    /// <summary>
    /// <c>enum</c>/<c>const</c>: the allowed values, spelled canonically, kept only where the schema's other
    /// keywords accept that spelling (checked on the automaton of the rest of the schema).
    /// </summary>
    private Fragment CompileValueSet(JsonElement schema, string path)
    {
        IEnumerable<string> candidates = schema.TryGetProperty("enum", out var values)
            ? values.ValueKind == JsonValueKind.Array
                ? values.EnumerateArray().Select(JsonCanonical.Write).ToList()
                : throw new StructuredOutputException("'enum' must be an array", path, "enum")
            : [];
        if (schema.TryGetProperty("const", out var constant))
        {
            var spelled = JsonCanonical.Write(constant);
            candidates = values.ValueKind == JsonValueKind.Array ? candidates.Where(c => c == spelled) : [spelled];
        }
        var restricted = SchemaKeywords.Constraints(schema).Any(name => name is not ("enum" or "const"));
        var allowed = restricted ? candidates.Where(c => AcceptedByRest(schema, c)).ToList() : candidates.Distinct().ToList();
        if (allowed.Count == 0) return _nfa.Nothing();
        return _nfa.Choice(allowed.Select(text => _nfa.Literal(text)).ToArray());
    }

    private bool AcceptedByRest(JsonElement schema, string spelled)
    {
        var nfa = new NfaBuilder(_options.MaxNfaStates);
        var rest = new JsonSchemaCompiler(nfa, _options, _root);
        var automaton = nfa.TryBuild(rest.Compile(schema, "#", skipValueSet: true));
        if (automaton == null) return false;
        var dfa = new LazyDfa(automaton);
        var end = dfa.Walk(dfa.Start, System.Text.Encoding.UTF8.GetBytes(spelled));
        return end != LazyDfa.Dead && dfa.IsAccepting(end);
    }
}
