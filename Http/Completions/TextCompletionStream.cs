using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Completions;

/// <summary>
/// A streaming /v1/completions answer as the data of its server-sent events: text_completion chunks with each
/// choice's new text (and legacy logprobs when asked), a chunk with each choice's finish_reason, the usage chunk
/// when asked, then [DONE]; a failure after the first event ends the stream with an error object and [DONE].
/// </summary>
public static class TextCompletionStream
{
    public static async IAsyncEnumerable<string> WriteAsync(CompletionRun run, ReplyIdentity reply, int choices, LogprobsFormatter? logprobs,
        bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reply);
        // Legacy logprobs give each token's offset in its choice's whole text.
        var textLength = new int[choices];
        await using (run)
        {
            await foreach (var e in run.EventsAsync())
            {
                switch (e)
                {
                    case TextDelta delta when delta.Text.Length > 0 || (logprobs != null && delta.Tokens.Count > 0):
                        var tokens = logprobs?.Completion(delta.Tokens, textLength[delta.Choice]);
                        textLength[delta.Choice] += delta.Text.Length;
                        yield return Chunk(reply, new CompletionChoiceDto(delta.Choice, delta.Text, tokens, null));
                        break;
                    case ChoiceFinished finished:
                        yield return Chunk(reply, new CompletionChoiceDto(finished.Choice, "", null, finished.Reason.ToOpenAi()));
                        break;
                    case CompletionFinished done:
                        if (includeUsage)
                            yield return Serialize(new CompletionResponse(reply.Id, "text_completion", reply.Created, reply.Model, [],
                                UsageDto.Of(done.PromptTokens, done.CompletionTokens)));
                        yield return ChatCompletionStream.Done;
                        break;
                    case CompletionFailed failed:
                        yield return ChatCompletionStream.ErrorData(failed);
                        yield return ChatCompletionStream.Done;
                        break;
                }
            }
        }
    }

    private static string Chunk(ReplyIdentity reply, CompletionChoiceDto choice) =>
        Serialize(new CompletionResponse(reply.Id, "text_completion", reply.Created, reply.Model, [choice], null));

    private static string Serialize(CompletionResponse chunk) => JsonSerializer.Serialize(chunk, ProtocolJson.Context.CompletionResponse);
}
