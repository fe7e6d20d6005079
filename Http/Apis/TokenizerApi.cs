using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Http.Configuration;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Apis;

/// <summary>
/// POST /tokenize and /detokenize, vLLM's tokenizer routes: a prompt, or chat messages through the chat template,
/// to token ids; token ids back to text. An image part counts as its one placeholder token here: the number of
/// image tokens depends on the image's size, which only loading it tells.
/// </summary>
public static class TokenizerApi
{
    public static IEndpointRouteBuilder MapTokenizer(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithTags("Tokenizer");
        api.MapPost("/tokenize", Tokenize)
            .WithName("Tokenize")
            .WithSummary("Turns a prompt, or chat messages rendered with the chat template, into token ids")
            .WithRequestValidation<TokenizeRequest>(ValidateTokenize)
            .ProducesOpenAiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapPost("/detokenize", Detokenize)
            .WithName("Detokenize")
            .WithSummary("Turns token ids back into text")
            .WithRequestValidation<DetokenizeRequest>(ValidateDetokenize)
            .ProducesOpenAiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    public static Ok<TokenizeResponse> Tokenize(TokenizeRequest request, [FromServices] ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        ValidateTokenize(request, model);
        var text = request.Messages != null
            ? ChatTemplate.Render(ChatMessagesParser.Parse(request.Messages), request.AddGenerationPrompt ?? true)
            : request.Prompt!;
        var tokens = model.Tokenizer.Encode(text);
        return TypedResults.Ok(new TokenizeResponse(tokens.Length, model.MaxModelLength, tokens));
    }

    public static Ok<DetokenizeResponse> Detokenize(DetokenizeRequest request, [FromServices] ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        ValidateDetokenize(request, model);
        return TypedResults.Ok(new DetokenizeResponse(model.Tokenizer.Decode(request.Tokens!.ToArray())));
    }

    public static void ValidateTokenize(TokenizeRequest request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureServes(request.Model);
        if ((request.Prompt == null) == (request.Messages == null))
            throw new InvalidRequestException("give either prompt or messages", request.Prompt == null ? "prompt" : "messages");
        if (request.Messages != null) ChatMessagesParser.Parse(request.Messages);
    }

    public static void ValidateDetokenize(DetokenizeRequest request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureServes(request.Model);
        if (request.Tokens == null) throw new InvalidRequestException("tokens is required", "tokens");
        int vocabulary = model.Tokenizer.VocabSize;
        for (int i = 0; i < request.Tokens.Count; i++)
            if ((uint)request.Tokens[i] >= (uint)vocabulary)
                throw new InvalidRequestException(
                    $"tokens[{i}] = {request.Tokens[i]} is not a token id of this tokenizer (0 to {vocabulary - 1})", "tokens");
    }
}
