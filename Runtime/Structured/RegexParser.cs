using System.Globalization;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// Parses the supported regex subset: literals, escapes, classes (<c>[a-z]</c>, <c>[^...]</c>, <c>\d \w \s</c>
/// and their negations, <c>.</c>), groups (plain, <c>(?:)</c>, named), alternation, and the quantifiers
/// <c>? * + {m} {m,} {m,n}</c> (a lazy <c>?</c> suffix changes nothing here). <c>^</c> and <c>$</c> are
/// accepted only at the very ends. Classes are ASCII (<c>\d</c> is <c>[0-9]</c>), a subset of .NET's.
/// Anything else (lookaround, backreferences, <c>\b</c>, <c>\p{..}</c>, inline options) is refused.
/// </summary>
internal sealed class RegexParser
{
    private const int MaxRepeat = 10_000;

    public static readonly CodePointSet Digits = CodePointSet.Range('0', '9');
    public static readonly CodePointSet WordCharacters = CodePointSet.FromRanges([('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]);
    public static readonly CodePointSet Spaces = CodePointSet.FromRanges([('\t', '\r'), (' ', ' ')]);
    /// <summary>
    /// Negated classes and <c>.</c> stay in the Basic Multilingual Plane: .NET (and JavaScript without /u)
    /// match them per UTF-16 unit, so an astral character would count as two and break counted patterns.
    /// </summary>
    private static readonly CodePointSet Bmp = CodePointSet.Range(0, 0xFFFF);

    private static readonly CodePointSet AnyButNewline = Negate(CodePointSet.Of('\n'));

    private static CodePointSet Negate(CodePointSet set) => set.Complement().Intersect(Bmp);

    private readonly int[] _text;
    private readonly string _source;
    private int _at;

    private RegexParser(string pattern)
    {
        _source = pattern;
        var codePoints = new List<int>();
        for (var i = 0; i < pattern.Length; i += char.IsSurrogatePair(pattern, i) ? 2 : 1) codePoints.Add(char.ConvertToUtf32(pattern, i));
        _text = codePoints.ToArray();
    }

    /// <summary>The parsed pattern and whether it was anchored at its start (<c>^</c>) and end (<c>$</c>).</summary>
    public static (RegexNode Node, bool AnchoredStart, bool AnchoredEnd) Parse(string pattern)
    {
        var parser = new RegexParser(pattern);
        var anchoredStart = parser.Peek('^');
        if (anchoredStart) parser._at++;
        var node = parser.ParseAlternation(topLevel: true, out var anchoredEnd);
        if (parser._at < parser._text.Length) throw parser.Error("unbalanced ')'");
        if ((anchoredStart || anchoredEnd) && node is RegexAlternation)
            throw parser.Error("anchors around a top-level alternation are not supported; group it: ^(?:a|b)$");
        return (node, anchoredStart, anchoredEnd);
    }

    private RegexNode ParseAlternation(bool topLevel, out bool anchoredEnd)
    {
        anchoredEnd = false;
        var options = new List<RegexNode> { ParseSequence(topLevel, ref anchoredEnd) };
        while (Peek('|'))
        {
            _at++;
            options.Add(ParseSequence(topLevel, ref anchoredEnd));
        }
        return options.Count == 1 ? options[0] : new RegexAlternation(options);
    }

    private RegexNode ParseSequence(bool topLevel, ref bool anchoredEnd)
    {
        var parts = new List<RegexNode>();
        while (_at < _text.Length && !Peek('|') && !Peek(')'))
        {
            if (Peek('$') && topLevel && _at == _text.Length - 1)
            {
                _at++;
                anchoredEnd = true;
                break;
            }
            parts.Add(ParseQuantifiers(ParseAtom()));
        }
        return parts.Count == 1 ? parts[0] : new RegexSequence(parts);
    }

    private RegexNode ParseAtom()
    {
        var c = _text[_at++];
        switch (c)
        {
            case '(': return ParseGroup();
            case '[': return new RegexCharacters(ParseClass());
            case '.': return new RegexCharacters(AnyButNewline);
            case '\\': return new RegexCharacters(ParseEscape(inClass: false));
            case '^' or '$': throw Error($"'{(char)c}' is only supported at the ends of the pattern");
            case '*' or '+' or '?': throw Error($"quantifier '{(char)c}' follows nothing");
            default: return new RegexCharacters(CodePointSet.Of(c));
        }
    }

    private RegexNode ParseGroup()
    {
        if (Peek('?'))
        {
            var named = _at + 2 < _text.Length && (_text[_at + 1] == '<' || _text[_at + 1] == '\'') && char.IsLetter((char)_text[_at + 2]);
            if (_at + 1 < _text.Length && _text[_at + 1] == ':') _at += 2;
            else if (named) SkipGroupName();
            else throw Error("only plain, (?:...) and named groups are supported");
        }
        var inner = ParseAlternation(topLevel: false, out _);
        Expect(')');
        return inner;
    }

    private void SkipGroupName()
    {
        var close = _text[_at + 1] == '<' ? '>' : '\'';
        _at += 2;
        while (_at < _text.Length && _text[_at] != close) _at++;
        Expect(close);
    }

    private RegexNode ParseQuantifiers(RegexNode atom)
    {
        while (_at < _text.Length)
        {
            int min;
            int? max;
            var c = _text[_at];
            if (c == '?') (min, max) = (0, 1);
            else if (c == '*') (min, max) = (0, null);
            else if (c == '+') (min, max) = (1, null);
            else if (c != '{' || !TryParseCount(out min, out max)) return atom;
            _at++;
            if (Peek('?')) _at++;
            if (Peek('*') || Peek('+') || Peek('?') || Peek('{') && LooksLikeCount()) throw Error("nested quantifier");
            atom = new RegexRepeat(atom, min, max);
        }
        return atom;
    }

    private bool LooksLikeCount()
    {
        var saved = _at;
        var ok = TryParseCount(out _, out _);
        _at = saved;
        return ok;
    }

    /// <summary>Reads <c>{m}</c>, <c>{m,}</c> or <c>{m,n}</c> at the cursor, leaving it on the closing brace; a brace that is not one stays a literal.</summary>
    private bool TryParseCount(out int min, out int? max)
    {
        var saved = _at;
        min = 0;
        max = null;
        _at++;
        if (!TryReadNumber(out min)) return Restore(saved);
        if (Peek(','))
        {
            _at++;
            if (TryReadNumber(out var upper)) max = upper;
        }
        else max = min;
        if (!Peek('}')) return Restore(saved);
        if (max < min) throw Error($"{{{min},{max}}} has its bounds reversed");
        if (min > MaxRepeat || max > MaxRepeat) throw Error($"repetition counts above {MaxRepeat} are not supported");
        return true;
    }

    private bool Restore(int saved)
    {
        _at = saved;
        return false;
    }

    private bool TryReadNumber(out int value)
    {
        var start = _at;
        while (_at < _text.Length && _text[_at] is >= '0' and <= '9' && _at - start < 6) _at++;
        value = 0;
        for (var i = start; i < _at; i++) value = value * 10 + (_text[i] - '0');
        return _at > start;
    }

    private CodePointSet ParseClass()
    {
        var negated = Peek('^');
        if (negated) _at++;
        var set = CodePointSet.Empty;
        var first = true;
        while (_at < _text.Length && (first || !Peek(']')))
        {
            first = false;
            if (Peek('-') && _at + 1 < _text.Length && _text[_at + 1] == '[') throw Error("class subtraction is not supported");
            var item = ParseClassItem(out var single);
            if (single is int lo && Peek('-') && _at + 1 < _text.Length && _text[_at + 1] != ']')
            {
                _at++;
                ParseClassItem(out var upper);
                if (upper is not int hi || hi < lo) throw Error("invalid class range");
                item = CodePointSet.Range(lo, hi);
            }
            set = set.Union(item);
        }
        Expect(']');
        return negated ? Negate(set) : set;
    }

    /// <summary>One class member; <paramref name="single"/> is its code point when it is a single character (a range end).</summary>
    private CodePointSet ParseClassItem(out int? single)
    {
        var c = _text[_at++];
        single = c;
        if (c != '\\') return CodePointSet.Of(c);
        var escaped = _at < _text.Length ? _text[_at] : 0;
        var set = ParseEscape(inClass: true);
        single = IsClassEscape(escaped) ? null : set.Ranges[0].Lo;
        return set;
    }

    private static bool IsClassEscape(int c) => c is 'd' or 'D' or 'w' or 'W' or 's' or 'S';

    private CodePointSet ParseEscape(bool inClass)
    {
        if (_at >= _text.Length) throw Error("pattern ends with a backslash");
        var c = _text[_at++];
        return c switch
        {
            'd' => Digits,
            'D' => Negate(Digits),
            'w' => WordCharacters,
            'W' => Negate(WordCharacters),
            's' => Spaces,
            'S' => Negate(Spaces),
            'n' => CodePointSet.Of('\n'),
            't' => CodePointSet.Of('\t'),
            'r' => CodePointSet.Of('\r'),
            'f' => CodePointSet.Of('\f'),
            'v' => CodePointSet.Of('\v'),
            'e' => CodePointSet.Of(0x1B),
            'b' when inClass => CodePointSet.Of('\b'),
            'x' => CodePointSet.Of(ReadHex(2)),
            'u' => CodePointSet.Of(ReadHex(4)),
            _ when !char.IsAsciiLetterOrDigit((char)c) => CodePointSet.Of(c),
            _ => throw Error($"escape '\\{char.ConvertFromUtf32(c)}' is not supported"),
        };
    }

    private int ReadHex(int digits)
    {
        if (_at + digits > _text.Length) throw Error("truncated hex escape");
        var hex = string.Concat(_text.Skip(_at).Take(digits).Select(char.ConvertFromUtf32));
        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)) throw Error($"invalid hex escape '{hex}'");
        _at += digits;
        return value;
    }

    private bool Peek(char c) => _at < _text.Length && _text[_at] == c;

    private void Expect(char c)
    {
        if (!Peek(c)) throw Error($"expected '{c}'");
        _at++;
    }

    private StructuredOutputException Error(string what) =>
        new($"unsupported or invalid regular expression /{_source}/: {what} at offset {_at}", keyword: "pattern");
}
