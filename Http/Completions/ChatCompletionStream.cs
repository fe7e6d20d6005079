using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;
using QwenVL.Http.Structured;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Completions;

/// <summary>
/// A streaming /v1/chat/completions answer as the data of its server-sent events, in OpenAI's order: per choice a
/// chunk opening the assistant's message (role, empty content), then content deltas (with their logprobs when
/// asked), a chunk with each choice's finish_reason, the usage chunk (no choices) when asked, and [DONE]. A request
/// that fails once streaming has begun ends with an error object, then [DONE], as vLLM ends it. With a forced tool
/// call the deltas carry tool_calls pieces instead of content (<see cref="StreamedToolCall"/>).
/// </summary>
public static class ChatCompletionStream
{
    public const string Done = "[DONE]";

    public static async IAsyncEnumerable<string> WriteAsync(CompletionRun run, ReplyIdentity reply, int choices, LogprobsFormatter? logprobs,
        bool includeUsage, ForcedToolCall? toolCall = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reply);
        var calls = toolCall == null ? null : Enumerable.Range(0, choices).Select(_ => new StreamedToolCall(toolCall)).ToArray();
        await using (run)
        {
            await foreach (var e in run.EventsAsync())
            {
                switch (e)
                {
                    case PromptAccepted:
                        for (int i = 0; i < choices; i++)
                        {
                            yield return Chunk(reply, new ChatChunkChoiceDto(i, new ChatDeltaDto("assistant", calls == null ? "" : null), null, null));
                            foreach (var start in calls?[i].Start() ?? []) yield return Chunk(reply, new ChatChunkChoiceDto(i, start, null, null));
                        }
                        break;
                    case TextDelta delta when calls != null:
                        foreach (var chunk in ToolCallChunks(reply, calls[delta.Choice], delta, logprobs)) yield return chunk;
                        break;
                    case TextDelta delta when delta.Text.Length > 0 || (logprobs != null && delta.Tokens.Count > 0):
                        yield return Chunk(reply, new ChatChunkChoiceDto(delta.Choice, new ChatDeltaDto(null, delta.Text),
                            logprobs?.Chat(delta.Tokens), null));
                        break;
                    case ChoiceFinished finished when calls != null:
                        var (rest, reason) = calls[finished.Choice].Finish(finished.Reason);
                        foreach (var piece in rest) yield return Chunk(reply, new ChatChunkChoiceDto(finished.Choice, piece, null, null));
                        yield return Chunk(reply, new ChatChunkChoiceDto(finished.Choice, ChatDeltaDto.Empty, null, reason));
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

    /// <summary>
    /// A text delta of a tool-call choice as its tool_calls pieces; the delta's logprobs ride on the last piece, or on an
    /// empty delta when the text was held back.
    /// </summary>
    private static IEnumerable<string> ToolCallChunks(ReplyIdentity reply, StreamedToolCall call, TextDelta delta, LogprobsFormatter? logprobs)
    {
        var pieces = call.Add(delta.Text);
        var tokenLogprobs = logprobs != null && delta.Tokens.Count > 0 ? logprobs.Chat(delta.Tokens) : null;
        for (int k = 0; k < pieces.Count; k++)
            yield return Chunk(reply, new ChatChunkChoiceDto(delta.Choice, pieces[k], k == pieces.Count - 1 ? tokenLogprobs : null, null));
        if (pieces.Count == 0 && tokenLogprobs != null)
            yield return Chunk(reply, new ChatChunkChoiceDto(delta.Choice, ChatDeltaDto.Empty, tokenLogprobs, null));
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
