using System.Text;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Text;

public class QwenTokenizerTests
{
    public static TheoryData<int> TokenizerCaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < TinyReference.Instance.TokenizerCases.Count; i++) data.Add(i);
        return data;
    }

    private static QwenTokenizer Tokenizer => SharedTokenizer.Instance;

    [Theory]
    [MemberData(nameof(TokenizerCaseIndexes))]
    public void Encode_reproduces_reference_ids(int index)
    {
        var c = TinyReference.Instance.TokenizerCases[index];
        Assert.Equal(c.Ids, Tokenizer.Encode(c.Text));
    }

    [Theory]
    [MemberData(nameof(TokenizerCaseIndexes))]
    public void Decode_reproduces_reference_text(int index)
    {
        var c = TinyReference.Instance.TokenizerCases[index];
        Assert.Equal(c.Decoded, Tokenizer.Decode(c.Ids));
    }

    [Fact]
    public void VocabSize_counts_added_tokens()
    {
        // 151,643 BPE tokens, then 14 added tokens from <|endoftext|> (151643) to <|video_pad|> (151656).
        Assert.Equal(151657, Tokenizer.VocabSize);
    }

    [Fact]
    public void IsSpecial_is_true_only_for_special_added_tokens()
    {
        Assert.True(Tokenizer.IsSpecial(151643));
        Assert.True(Tokenizer.IsSpecial(151645));
        Assert.True(Tokenizer.IsSpecial(151656));
        Assert.False(Tokenizer.IsSpecial(9707));
        Assert.False(Tokenizer.IsSpecial(-1));
        Assert.False(Tokenizer.IsSpecial(Tokenizer.VocabSize));
    }

    [Fact]
    public void TokenToId_finds_byte_level_vocab_strings_and_added_tokens()
    {
        Assert.Equal(220, Tokenizer.TokenToId("Ġ"));
        Assert.Equal(198, Tokenizer.TokenToId("Ċ"));
        Assert.Equal(9707, Tokenizer.TokenToId("Hello"));
        Assert.Equal(151644, Tokenizer.TokenToId("<|im_start|>"));
        Assert.Equal(151655, Tokenizer.TokenToId("<|image_pad|>"));
        Assert.Null(Tokenizer.TokenToId(" "));
        Assert.Null(Tokenizer.TokenToId("<|not_a_token|>"));
    }

    [Fact]
    public void TokenBytes_undoes_the_byte_level_alphabet()
    {
        Assert.Equal([(byte)' '], Tokenizer.TokenBytes(220));
        Assert.Equal([(byte)'\n'], Tokenizer.TokenBytes(198));
        Assert.Equal("Hello"u8.ToArray(), Tokenizer.TokenBytes(9707));
        Assert.Equal("<|im_start|>"u8.ToArray(), Tokenizer.TokenBytes(151644));
        // "图片" is E5 9B BE E7 89 87; its first token must be the bytes of a valid prefix of that.
        var first = Tokenizer.TokenBytes(Tokenizer.Encode("图片")[0]);
        Assert.Equal(Encoding.UTF8.GetBytes("图片").AsSpan(0, first.Length).ToArray(), first);
    }

    [Fact]
    public void TokenBytes_returns_the_same_cached_array_each_time()
    {
        Assert.Same(Tokenizer.TokenBytes(9707), Tokenizer.TokenBytes(9707));
        Assert.Same(Tokenizer.TokenBytes(151645), Tokenizer.TokenBytes(151645));
    }

    [Fact]
    public void TokenBytes_rejects_ids_outside_the_vocab()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.TokenBytes(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.TokenBytes(Tokenizer.VocabSize));
    }

    [Fact]
    public void Decode_skips_special_tokens_when_asked()
    {
        var ids = TinyReference.Instance.Chat("text_hello").InputIds;
        var text = Tokenizer.Decode(ids, skipSpecialTokens: true);
        Assert.Equal("system\nYou are a helpful assistant.\nuser\nHello, who are you?\nassistant\n", text);
    }

    [Fact]
    public void Decode_writes_replacement_character_for_a_cut_character()
    {
        var emoji = Encoding.UTF8.GetBytes("😀");
        var partial = Tokenizer.TokenToId(ByteLevelStrings.Of(emoji.AsSpan(0, 2)));
        Assert.NotNull(partial);
        Assert.Equal("a\uFFFD", Tokenizer.Decode([Tokenizer.TokenToId("a")!.Value, partial.Value]));
    }

    [Fact]
    public void Decode_leaves_out_ids_outside_the_vocab()
    {
        Assert.Equal("Hello", Tokenizer.Decode([9707, Tokenizer.VocabSize, 151935]));
    }

    [Fact]
    public void Load_names_the_missing_file()
    {
        var dir = Directory.CreateTempSubdirectory("qwenvl-tok-").FullName;
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => QwenTokenizer.Load(dir));
            Assert.Contains("tokenizer.json", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\"}}")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, \"pre_tokenizer\": null}")]
    public void Load_names_the_invalid_file(string content)
    {
        var dir = Directory.CreateTempSubdirectory("qwenvl-tok-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), content);
            var e = Assert.Throws<InvalidDataException>(() => QwenTokenizer.Load(dir));
            Assert.Contains(Path.Combine(dir, "tokenizer.json"), e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
