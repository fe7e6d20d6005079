using System.Text.RegularExpressions;
using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Structured;

public class RegexGrammarTests
{
    [Theory]
    [InlineData(@"abc", "abc", "ab|abcd|abd")]
    [InlineData(@"^a+b*$", "a|aab|abbb", "|b|aba")]
    [InlineData(@"[a-c]{2,3}", "ab|cca", "a|abca|ad")]
    [InlineData(@"\d{3}-\d{4}", "555-1234", "5551234|55-1234|555-12345")]
    [InlineData(@"(cat|dog)s?", "cat|dogs", "cats s|bird")]
    [InlineData(@"(?:ab){2,}", "abab|ababab", "ab|aba")]
    [InlineData(@"x{0}y", "y", "xy")]
    [InlineData(@"[^0-9]+", "ab|é€", "a1|")]
    [InlineData(@"\w+\s\w+", "hi there", "hi  there|hi")]
    [InlineData(@".", "a|é|€", "\n|ab|😀")]
    [InlineData(@"a\.b\\c", @"a.b\c", "axb\\c")]
    [InlineData(@"[\d.]+", "1.5|..", "1,5")]
    [InlineData(@"(?<year>\d{2})-x", "19-x", "199-x")]
    [InlineData(@"a{2}?", "aa", "a")]
    [InlineData(@"[-a]b", "-b|ab", "b")]
    public void Matches_exactly_the_pattern(string pattern, string accepted, string rejected)
    {
        var grammar = StructuredKit.Compile(GrammarSpec.Regex(pattern));
        var dotnet = new Regex($"^(?:{pattern.TrimStart('^').TrimEnd('$')})$");
        foreach (var text in accepted.Split('|'))
        {
            Assert.True(StructuredKit.Accepts(grammar, text), $"/{pattern}/ should accept '{text}'");
            Assert.Matches(dotnet, text);
        }
        foreach (var text in rejected.Split('|'))
            Assert.False(StructuredKit.Accepts(grammar, text), $"/{pattern}/ should reject '{text}'");
    }

    [Theory]
    [InlineData(@"(?=a)b")]
    [InlineData(@"(a)\1")]
    [InlineData(@"\bword")]
    [InlineData(@"\p{L}")]
    [InlineData(@"a^b")]
    [InlineData(@"^a|b$")]
    [InlineData(@"(ab")]
    [InlineData(@"a**")]
    [InlineData(@"[z-a]")]
    public void Refuses_what_it_cannot_compile(string pattern)
    {
        var error = Assert.Throws<StructuredOutputException>(() => StructuredKit.Compile(GrammarSpec.Regex(pattern)));
        Assert.Contains(pattern, error.Message);
    }

    [Fact]
    public void Choices_accept_only_the_listed_strings()
    {
        var grammar = StructuredKit.Compile(GrammarSpec.Choice(["yes", "no", "not sure", "né"]));
        foreach (var choice in new[] { "yes", "no", "not sure", "né" }) Assert.True(StructuredKit.Accepts(grammar, choice));
        foreach (var other in new[] { "", "ye", "yess", "not", "ne" }) Assert.False(StructuredKit.Accepts(grammar, other));
    }

    [Fact]
    public void An_empty_choice_list_is_refused() =>
        Assert.Throws<StructuredOutputException>(() => StructuredKit.Compile(GrammarSpec.Choice([])));
}
