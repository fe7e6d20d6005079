using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;

namespace QwenVL.Actors;

/// <summary>Builds a request's model input on the thread pool: its output constraint, template, tokens, images.</summary>
internal static class RequestPreparation
{
    public static async Task<PromptPrepared> PrepareAsync(GenerateRequest request, RequestServices services, CancellationToken cancellationToken)
    {
        // First, so a constraint that cannot be honoured fails before any image is fetched; compiling a new
        // grammar can take a second (json_object), which is why it happens here and not on the mailbox.
        var grammar = request.Sampling.Constraint is { } spec
            ? await Task.Run(() => services.Grammars.Compile(spec), cancellationToken).ConfigureAwait(false)
            : null;
        var prompt = await PreparePromptAsync(request, services, cancellationToken).ConfigureAwait(false);
        return new PromptPrepared(prompt, grammar);
    }

    private static Task<PreparedPrompt> PreparePromptAsync(GenerateRequest request, RequestServices services, CancellationToken cancellationToken) =>
        request.Prompt switch
        {
            ChatPrompt chat => services.Prompts.PrepareChatAsync(chat.Messages, chat.Images, cancellationToken),
            TextPrompt text => Task.Run(() => services.Prompts.PrepareText(text.Text), cancellationToken),
            TokenPrompt tokens => Task.Run(() => services.Prompts.PrepareTokens(tokens.TokenIds), cancellationToken),
            _ => throw new ArgumentException($"unsupported prompt kind {request.Prompt.GetType().Name}"),
        };
}
