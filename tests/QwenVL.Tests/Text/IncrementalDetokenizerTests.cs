using System.Text;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Text;

public class IncrementalDetokenizerTests
{
    private static QwenTokenizer Tokenizer => SharedTokenizer.Instance;

    public static TheoryData<int> TokenizerCaseIndexes() => QwenTokenizerTests.TokenizerCaseIndexes();

    [Theory]
    [MemberData(nameof(TokenizerCaseIndexes))]
    public void Streamed_text_is_whole_characters_and_adds_up_to_decode(int index)
    {
        var ids = TinyReference.Instance.TokenizerCases[index].Ids;
        var detokenizer = new IncrementalDetokenizer(Tokenizer);
        var streamed = new StringBuilder();
        foreach (var id in ids)
        {
            var piece = detokenizer.Add(id);
            AssertWholeCharacters(piece);
            streamed.Append(piece);
        }
        streamed.Append(detokenizer.Flush());
        Assert.Equal(Tokenizer.Decode(ids, skipSpecialTokens: true), streamed.ToString());
    }

    [Fact]
    public void Reference_cases_include_characters_split_across_tokens()
    {
        // Guards the streaming test above: without a split character it would prove nothing.
        var split = 0;
        foreach (var c in TinyReference.Instance.TokenizerCases)
        {
            foreach (var id in c.Ids)
            {
                if (Tokenizer.Decode([id]).Contains('\uFFFD')) split++;
            }
        }
        Assert.True(split >= 2, $"only {split} tokens hold part of a character");
    }

    [Theory]
    [InlineData("😀🚌")]
    [InlineData("图片中有什么?")]
    [InlineData("مرحبا بالعالم")]
    [InlineData("ＦＵＬＬＷＩＤＴＨ")]
    public void Add_holds_back_a_character_fed_one_byte_at_a_time(string text)
    {
        // Each UTF-8 byte as its own single-byte token: every character is split over 2 to 4 tokens.
        var detokenizer = new IncrementalDetokenizer(Tokenizer);
        var pieces = new List<string>();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var id = Tokenizer.TokenToId(ByteLevelStrings.Of([b]));
            Assert.NotNull(id);
            pieces.Add(detokenizer.Add(id.Value));
        }
        Assert.Equal("", detokenizer.Flush());
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, AssertWholeCharacters);
        Assert.Contains("", pieces);
    }

    [Fact]
    public void Add_skips_special_tokens_by_default()
    {
        var chat = TinyReference.Instance.Chat("text_hello");
        var detokenizer = new IncrementalDetokenizer(Tokenizer);
        var streamed = new StringBuilder();
        foreach (var id in chat.InputIds) streamed.Append(detokenizer.Add(id));
        streamed.Append(detokenizer.Flush());
        Assert.Equal(Tokenizer.Decode(chat.InputIds, skipSpecialTokens: true), streamed.ToString());
        Assert.DoesNotContain("<|im_start|>", streamed.ToString());
    }

    [Fact]
    public void Add_keeps_special_tokens_when_asked()
    {
        var chat = TinyReference.Instance.Chat("text_hello");
        var detokenizer = new IncrementalDetokenizer(Tokenizer, skipSpecialTokens: false);
        var streamed = new StringBuilder();
        foreach (var id in chat.InputIds) streamed.Append(detokenizer.Add(id));
        streamed.Append(detokenizer.Flush());
        Assert.Equal(chat.PromptText, streamed.ToString());
    }

    [Fact]
    public void Flush_writes_replacement_character_for_a_sequence_ending_mid_character()
    {
        // " ñ" is two tokens, " \xC3" and "\xB1"; stop after the first.
        var ids = Tokenizer.Encode("and ñ");
        var cut = Array.FindIndex(ids, id => Tokenizer.Decode([id]).Contains('\uFFFD'));
        Assert.True(cut >= 0, "no token of the text ends mid-character");

        var detokenizer = new IncrementalDetokenizer(Tokenizer);
        var streamed = new StringBuilder();
        for (var i = 0; i <= cut; i++) streamed.Append(detokenizer.Add(ids[i]));
        Assert.DoesNotContain('\uFFFD', streamed.ToString());

        var rest = detokenizer.Flush();
        Assert.Equal("\uFFFD", rest);
        Assert.Equal(Tokenizer.Decode(ids.AsSpan(0, cut + 1)), streamed + rest);
    }

    [Fact]
    public void Flush_is_empty_after_complete_text()
    {
        var detokenizer = new IncrementalDetokenizer(Tokenizer);
        Assert.Equal("Hello", detokenizer.Add(9707));
        Assert.Equal("", detokenizer.Flush());
    }

    private static void AssertWholeCharacters(string piece)
    {
        Assert.DoesNotContain('\uFFFD', piece);
        for (var i = 0; i < piece.Length; i++)
        {
            if (char.IsHighSurrogate(piece[i]))
            {
                Assert.True(i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]), $"lone high surrogate in {piece}");
                i++;
            }
            else
            {
                Assert.False(char.IsLowSurrogate(piece[i]), $"lone low surrogate in {piece}");
            }
        }
    }
}
