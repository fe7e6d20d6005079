// One streamed answer as the page tallies it: the text so far, when the first token came, the usage chunk, and
// from those the figures shown under the answer.

/** An error the server sent inside the stream (a failure after the first chunk), as OpenAI's {error: {message}}. */
export class StreamError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StreamError';
  }
}

export class AnswerTally {
  /** @param {number} sentAt the time the request was sent, in ms (performance.now()) */
  constructor(sentAt) {
    this.sentAt = sentAt;
    this.text = '';
    this.firstTokenAt = null;
    this.endedAt = null;
    this.usage = null;
    this.finishReason = null;
    this.deltas = 0;
  }

  /** Takes one chunk of the stream at time `now`; returns the text it added ('' for none). */
  accept(chunk, now) {
    if (chunk.error) throw new StreamError(chunk.error.message ?? String(chunk.error));
    if (chunk.usage) this.usage = chunk.usage;
    let added = '';
    for (const choice of chunk.choices ?? []) {
      const content = choice.delta?.content;
      if (content) added += content;
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    if (added) {
      // TTFT is the wait for the first content, not for the role chunk the server sends at once.
      this.firstTokenAt ??= now;
      this.text += added;
      this.deltas++;
    }
    return added;
  }

  end(now) {
    this.endedAt ??= now;
  }

  /**
   * TTFT in ms; tokens/s as completion tokens over the time from the first token to the end, so a long prefill does
   * not dilute the decode rate; token counts from the
   * usage chunk, which a stopped answer never gets: then the content chunks stand in for its tokens (one each).
   */
  stats() {
    const completion = this.usage?.completion_tokens ?? this.deltas;
    const ttftMs = this.firstTokenAt === null ? null : this.firstTokenAt - this.sentAt;
    const decodeMs = this.firstTokenAt === null || this.endedAt === null ? 0 : this.endedAt - this.firstTokenAt;
    const tokensPerSecond = decodeMs > 0 && completion > 0 ? (completion * 1000) / decodeMs : null;
    return {
      ttftMs,
      tokensPerSecond,
      promptTokens: this.usage?.prompt_tokens ?? null,
      completionTokens: completion,
      exactCounts: this.usage !== null,
      finishReason: this.finishReason,
    };
  }
}

/** The line under an answer: "TTFT 85 ms · 42.1 tok/s · 12 prompt + 30 completion tokens". */
export function formatStats(stats) {
  const parts = [];
  parts.push(`TTFT ${stats.ttftMs === null ? '–' : `${Math.round(stats.ttftMs)} ms`}`);
  parts.push(`${stats.tokensPerSecond === null ? '–' : stats.tokensPerSecond.toFixed(1)} tok/s`);
  if (stats.exactCounts) parts.push(`${stats.promptTokens} prompt + ${stats.completionTokens} completion tokens`);
  else parts.push(`~${stats.completionTokens} completion tokens`);
  if (stats.finishReason === 'length') parts.push('cut at max_tokens');
  return parts.join(' · ');
}
