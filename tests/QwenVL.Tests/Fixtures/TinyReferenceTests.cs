using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Fixtures;

public class TinyReferenceTests
{
    [Fact]
    public void Reference_holds_tokenizer_cases_and_text_chats()
    {
        var r = TinyReference.Instance;
        Assert.Equal(16, r.TokenizerCases.Count);
        Assert.Equal(25, r.Chat("text_hello").InputIds.Length);
        Assert.Equal(151936, r.Floats("text_hello.last_logits").Length);
        Assert.Equal(new long[] { 3, 25 }, r.Shape("text_hello.position_ids"));
    }
}
