using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Completions;

/// <summary>
/// A streaming /v1/chat/completions answer as the data of its server-sent events, in OpenAI's order: per choice a
/// chunk opening the assistant's message (role, empty content), then content deltas (with their logprobs when
/// asked), a chunk with each choice's finish_reason, the usage chunk (no choices) when asked, and [DONE]. A request
/// that fails once streaming has begun ends with an error object, then [DONE], as vLLM ends it.
/// </summary>
public static class ChatCompletionStream
{
    public const string Done = "[DONE]";

    public static async IAsyncEnumerable<string> WriteAsync(CompletionRun run, ReplyIdentity reply, int choices, LogprobsFormatter? logprobs,
        bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reply);
        await using (run)
        {
            await foreach (var e in run.EventsAsync())
            {
                switch (e)
                {
                    case PromptAccepted:
                        for (int i = 0; i < choices; i++) yield return Chunk(reply, new ChatChunkChoiceDto(i, new ChatDeltaDto("assistant", ""), null, null));
                        break;
                    case TextDelta delta when delta.Text.Length > 0 || (logprobs != null && delta.Tokens.Count > 0):
                        yield return Chunk(reply, new ChatChunkChoiceDto(delta.Choice, new ChatDeltaDto(null, delta.Text),
                            logprobs?.Chat(delta.Tokens), null));
                        break;
                    case ChoiceFinished finished:
                        yield return Chunk(reply, new ChatChunkChoiceDto(finished.Choice, ChatDeltaDto.Empty, null, finished.Reason.ToOpenAi()));
                        break;
                    case CompletionFinished done:
                        if (includeUsage)
                            yield return Serialize(new ChatCompletionChunk(reply.Id, "chat.completion.chunk", reply.Created, reply.Model, [],
                                UsageDto.Of(done.PromptTokens, done.CompletionTokens)));
                        yield return Done;
                        break;
                    case CompletionFailed failed:
                        yield return ErrorData(failed);
                        yield return Done;
                        break;
                }
            }
        }
    }

    /// <summary>The error object a stream ends with when its request fails after the first event.</summary>
    public static string ErrorData(CompletionFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        return JsonSerializer.Serialize(OpenAiError.Body(OpenAiError.StatusOf(failed.Kind), failed.Message, failed.Param),
            ProtocolJson.Context.ErrorResponse);
    }

    private static string Chunk(ReplyIdentity reply, ChatChunkChoiceDto choice) =>
        Serialize(new ChatCompletionChunk(reply.Id, "chat.completion.chunk", reply.Created, reply.Model, [choice], null));

    private static string Serialize(ChatCompletionChunk chunk) => JsonSerializer.Serialize(chunk, ProtocolJson.Context.ChatCompletionChunk);
}
