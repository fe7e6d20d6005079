using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;

namespace QwenVL.Actors;

/// <summary>Builds a request's model input on the thread pool: template, tokens, images.</summary>
internal static class RequestPreparation
{
    public static Task<PreparedPrompt> PrepareAsync(GenerateRequest request, RequestServices services, CancellationToken cancellationToken) =>
        request.Prompt switch
        {
            ChatPrompt chat => services.Prompts.PrepareChatAsync(chat.Messages, chat.Images, cancellationToken),
            TextPrompt text => Task.Run(() => services.Prompts.PrepareText(text.Text), cancellationToken),
            TokenPrompt tokens => Task.Run(() => services.Prompts.PrepareTokens(tokens.TokenIds), cancellationToken),
            _ => throw new ArgumentException($"unsupported prompt kind {request.Prompt.GetType().Name}"),
        };
}
