import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChatRequest, parseSettings, toMessage } from '../../Http/Web/chat-request.js';

test('the request streams with usage, carries the system prompt first and the set settings only', () => {
  const body = buildChatRequest({
    model: 'tiny',
    systemPrompt: 'Be brief.',
    settings: { temperature: 0.5, top_p: null, max_tokens: 64 },
    turns: [{ role: 'user', text: 'Hi', images: [] }],
  });
  assert.deepEqual(body, {
    model: 'tiny',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.5,
    max_tokens: 64,
  });
});

test('images become image_url parts with their data URLs, before the text', () => {
  assert.deepEqual(toMessage({ role: 'user', text: 'What is this?', images: ['data:image/png;base64,AAAA'] }), {
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'text', text: 'What is this?' },
    ],
  });
  assert.deepEqual(toMessage({ role: 'user', text: '', images: ['data:x'] }).content, [{ type: 'image_url', image_url: { url: 'data:x' } }]);
});

test('empty turns (an answer stopped before its first token) and a blank system prompt are left out', () => {
  const body = buildChatRequest({
    model: 'tiny',
    systemPrompt: '  ',
    turns: [{ role: 'user', text: 'a' }, { role: 'assistant', text: '' }, { role: 'user', text: 'b' }],
  });
  assert.deepEqual(body.messages, [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]);
});

test('settings: empty is null, numbers are read, bad values name their field', () => {
  assert.deepEqual(parseSettings({ temperature: '', topP: ' 0.9 ', maxTokens: '128' }), { temperature: null, top_p: 0.9, max_tokens: 128 });
  assert.throws(() => parseSettings({ temperature: 'hot' }), /temperature/);
  assert.throws(() => parseSettings({ topP: '1.5' }), /top_p/);
  assert.throws(() => parseSettings({ maxTokens: '2.5' }), /max_tokens must be a whole number/);
  assert.throws(() => parseSettings({ maxTokens: '0' }), /max_tokens/);
});
