using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Http.Apis;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Text;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>/tokenize and /detokenize with the tiny fixture's tokenizer, directly and through a real server.</summary>
public class TokenizerApiTests
{
    [Theory]
    [InlineData("Hello, world!")]
    [InlineData("多模态 😀 <|im_start|>user")]
    public async Task Prompt_round_trips_through_tokenize_and_detokenize(string text)
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        var tokenizeBody = JsonSerializer.Serialize(new TokenizeRequest { Prompt = text, Model = "tiny" }, ProtocolJson.Context.TokenizeRequest);
        using var tokenized = await server.PostJsonAsync("/tokenize", tokenizeBody);
        Assert.Equal(HttpStatusCode.OK, tokenized.StatusCode);
        using var doc = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync());
        var tokens = doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal(SharedTokenizer.Instance.Encode(text), tokens);
        Assert.Equal(tokens.Length, doc.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(EdgeFixtures.Model().MaxModelLength, doc.RootElement.GetProperty("max_model_len").GetInt32());

        using var detokenized = await server.PostJsonAsync("/detokenize", $$"""{"tokens":[{{string.Join(",", tokens)}}]}""");
        Assert.Equal(HttpStatusCode.OK, detokenized.StatusCode);
        using var back = JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync());
        Assert.Equal(text, back.RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public void Messages_are_rendered_with_the_chat_template_before_tokenizing()
    {
        var request = JsonSerializer.Deserialize("""{"messages":[{"role":"user","content":"Hi there"}]}""", ProtocolJson.Context.TokenizeRequest)!;
        var response = TokenizerApi.Tokenize(request, EdgeFixtures.Model()).Value!;
        var expected = SharedTokenizer.Instance.Encode(ChatTemplate.Render([new ChatMessage("user", [new TextPart("Hi there")])], addGenerationPrompt: true));
        Assert.Equal(expected, response.Tokens);

        request.AddGenerationPrompt = false;
        var withoutPrompt = TokenizerApi.Tokenize(request, EdgeFixtures.Model()).Value!;
        Assert.True(withoutPrompt.Count < response.Count);
    }

    [Theory]
    [InlineData("/tokenize", """{}""", "prompt")]
    [InlineData("/tokenize", """{"prompt":"a","messages":[{"role":"user","content":"b"}]}""", "messages")]
    [InlineData("/tokenize", """{"messages":[{"role":"robot","content":"b"}]}""", "messages[0].role")]
    [InlineData("/detokenize", """{}""", "tokens")]
    [InlineData("/detokenize", """{"tokens":[1,-5]}""", "tokens")]
    [InlineData("/detokenize", """{"tokens":[99999999]}""", "tokens")]
    [InlineData("/detokenize", """{"tokens":["a"]}""", "tokens[0]")]
    public async Task Bad_tokenizer_request_is_400_naming_the_field(string path, string body, string param)
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var response = await server.PostJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, doc.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public void Detokenize_called_directly_decodes_special_tokens_as_text()
    {
        int imStart = SharedTokenizer.Instance.TokenToId("<|im_start|>")!.Value;
        var result = TokenizerApi.Detokenize(new DetokenizeRequest { Tokens = [imStart] }, EdgeFixtures.Model());
        Assert.Equal("<|im_start|>", Assert.IsType<Ok<DetokenizeResponse>>(result).Value!.Prompt);
    }
}
