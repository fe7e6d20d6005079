using QwenVL.Runtime.Text;
using Xunit;

namespace QwenVL.Tests.Text;

// Expected values are Python's unicodedata.normalize("NFC", ...), written out so the tests do not
// depend on the host's ICU (string.Normalize does nothing under InvariantGlobalization).
public class NfcNormalizerTests
{
    [Theory]
    [InlineData("cafe\u0301", "caf\u00E9")]                 // base + combining mark composes
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]             // Hangul jamo L V T compose to a syllable
    [InlineData("a\u0301\u0323", "\u1EA1\u0301")]            // marks reordered by class before composing
    [InlineData("s\u0307\u0323", "\u1E69")]                  // two marks, both absorbed after reordering
    [InlineData("\u0958", "\u0915\u093C")]                   // composition exclusion stays decomposed
    [InlineData("\u212B", "\u00C5")]                         // singleton decomposition (Angstrom sign)
    [InlineData("\u0301a", "\u0301a")]                       // a leading mark has nothing to join
    [InlineData("x\uD800y\u0301", "x\uD800\u00FD")]          // a lone surrogate passes through
    public void Normalize_produces_NFC(string input, string expected)
    {
        Assert.Equal(expected, NfcNormalizer.Instance.Normalize(input));
        Assert.Equal(expected, NfcNormalizer.Instance.Normalize(input.AsSpan()));
    }

    [Theory]
    [InlineData("Hello, world!")]
    [InlineData("图片中有什么?")]
    [InlineData("caf\u00E9 \uAC01 😀")]
    public void Normalize_returns_text_already_in_NFC_unchanged(string text)
    {
        Assert.Same(text, NfcNormalizer.Instance.Normalize(text));
    }
}
