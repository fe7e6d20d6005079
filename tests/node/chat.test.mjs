// The official openai client against a running qwenvl server: what a .NET team's Node users would do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const baseURL = process.env.QWENVL_BASE_URL;
const imagePath = process.env.QWENVL_TEST_IMAGE;
if (!baseURL || !imagePath) throw new Error('set QWENVL_BASE_URL and QWENVL_TEST_IMAGE (tests/node/run.sh does)');

const client = new OpenAI({ baseURL, apiKey: process.env.QWENVL_API_KEY ?? 'unused', maxRetries: 0, timeout: 120_000 });
const image = `data:image/jpeg;base64,${readFileSync(imagePath).toString('base64')}`;

// The request of the blog post that introduced Qwen2-VL serving with vLLM, with fewer tokens.
const seedRequest = {
  model: process.env.QWENVL_MODEL_NAME,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    {
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: image } },
        { type: 'text', text: '图片中有什么?' },
      ],
    },
  ],
  temperature: 0.7,
  top_p: 0.8,
  repetition_penalty: 1.05,
  max_tokens: 48,
};

test('a non-streaming chat completion with an image parses into a completion', async () => {
  const completion = await client.chat.completions.create(seedRequest);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices.length, 1);
  const choice = completion.choices[0];
  assert.equal(choice.message.role, 'assistant');
  assert.equal(typeof choice.message.content, 'string');
  assert.ok(['stop', 'length'].includes(choice.finish_reason), choice.finish_reason);
  assert.ok(completion.usage.prompt_tokens > 40, `prompt_tokens ${completion.usage.prompt_tokens} should count the image tokens`);
  assert.ok(completion.usage.completion_tokens >= 1 && completion.usage.completion_tokens <= 48);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
});

test('a streaming chat completion with an image yields deltas, a finish reason and usage', async () => {
  const stream = await client.chat.completions.create({ ...seedRequest, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let role;
  let finish;
  let usage;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      role ??= c.delta.role;
      text += c.delta.content ?? '';
      finish ??= c.finish_reason ?? undefined;
    }
  }
  assert.ok(chunks >= 3, `only ${chunks} chunks`);
  assert.equal(role, 'assistant');
  assert.ok(['stop', 'length'].includes(finish), String(finish));
  assert.ok(usage && usage.completion_tokens >= 1, 'the usage chunk arrives last');
  assert.equal(typeof text, 'string');
});

test('greedy answers are the same streamed and not streamed', async () => {
  const request = { ...seedRequest, temperature: 0, max_tokens: 16 };
  const whole = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({ ...request, stream: true });
  let streamed = '';
  for await (const chunk of stream) for (const c of chunk.choices) streamed += c.delta.content ?? '';
  assert.equal(streamed, whole.choices[0].message.content);
});

test('invalid input comes back as an OpenAI error the client understands', async () => {
  await assert.rejects(
    client.chat.completions.create({ ...seedRequest, temperature: -1 }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400 && /temperature/.test(e.message),
  );
});
