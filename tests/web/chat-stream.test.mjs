import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerTally, StreamError, formatStats } from '../../Http/Web/chat-stream.js';

const delta = (content, finish = null) => ({ choices: [{ index: 0, delta: content === null ? { role: 'assistant' } : { content }, finish_reason: finish }] });

test('content deltas add up; the role chunk does not start the TTFT clock', () => {
  const tally = new AnswerTally(1000);
  assert.equal(tally.accept(delta(null), 1005), '');
  assert.equal(tally.accept(delta('Hel'), 1100), 'Hel');
  assert.equal(tally.accept(delta('lo'), 1200), 'lo');
  tally.accept(delta('', 'stop'), 1300);
  tally.accept({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }, 1301);
  tally.end(1400);
  assert.equal(tally.text, 'Hello');
  const stats = tally.stats();
  assert.equal(stats.ttftMs, 100);
  assert.equal(stats.tokensPerSecond, 10); // 3 tokens over the 300 ms from the first token to the end
  assert.equal(stats.promptTokens, 12);
  assert.equal(stats.completionTokens, 3);
  assert.equal(stats.finishReason, 'stop');
  assert.equal(formatStats(stats), 'TTFT 100 ms · 10.0 tok/s · 12 prompt + 3 completion tokens');
});

test('a stopped answer, without usage, counts its content chunks', () => {
  const tally = new AnswerTally(0);
  tally.accept(delta('a'), 50);
  tally.accept(delta('b'), 100);
  tally.end(550);
  const stats = tally.stats();
  assert.equal(stats.exactCounts, false);
  assert.equal(stats.completionTokens, 2);
  assert.equal(formatStats(stats), 'TTFT 50 ms · 4.0 tok/s · ~2 completion tokens');
});

test('no token at all shows dashes, not NaN or Infinity', () => {
  const tally = new AnswerTally(0);
  tally.end(10);
  assert.equal(formatStats(tally.stats()), 'TTFT – · – tok/s · ~0 completion tokens');
});

test('an answer cut by max_tokens says so', () => {
  const tally = new AnswerTally(0);
  tally.accept(delta('x', 'length'), 5);
  tally.accept({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }, 6);
  tally.end(10);
  assert.match(formatStats(tally.stats()), /cut at max_tokens$/);
});

test('an error object in the stream throws with its message', () => {
  const tally = new AnswerTally(0);
  assert.throws(() => tally.accept({ error: { message: 'replica left', code: 500 } }, 1), (e) => e instanceof StreamError && e.message === 'replica left');
});
