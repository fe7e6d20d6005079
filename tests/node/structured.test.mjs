// Structured outputs and forced tool calls through the official openai client. With the fixture's random weights
// only the server's constraint makes the output valid JSON, so these check what the grammar guarantees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.QWENVL_BASE_URL;
if (!baseURL) throw new Error('set QWENVL_BASE_URL (tests/node/run.sh does)');
const client = new OpenAI({ baseURL, apiKey: process.env.QWENVL_API_KEY ?? 'unused', maxRetries: 0, timeout: 120_000 });
const model = process.env.QWENVL_MODEL_NAME;

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 12 },
    celsius: { type: 'integer', minimum: -50, maximum: 50 },
  },
  required: ['city', 'celsius'],
  additionalProperties: false,
};

function assertWeather(json) {
  const value = JSON.parse(json);
  assert.deepEqual(Object.keys(value), ['city', 'celsius']);
  assert.ok(value.city.length <= 12);
  assert.ok(Number.isInteger(value.celsius) && value.celsius >= -50 && value.celsius <= 50);
}

test('a json_schema response format gives JSON matching the schema', async () => {
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Weather in Paris as JSON?' }],
    response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: weatherSchema, strict: true } },
    max_tokens: 120,
  });
  assertWeather(completion.choices[0].message.content);
});

test('a forced function gives one tool call whose arguments match its parameters', async () => {
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'The weather of a city', parameters: weatherSchema } }],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    max_tokens: 120,
  });
  const choice = completion.choices[0];
  assert.equal(choice.message.content, null);
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.match(call.id, /^call_/);
  assert.equal(call.function.name, 'get_weather');
  assert.equal(choice.finish_reason, 'tool_calls');
  assertWeather(call.function.arguments);
});

test('a malformed schema is a 400 naming the field', async () => {
  await assert.rejects(
    client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', not: {} } } },
    }),
    (e) => e.status === 400 && e.error?.param === 'response_format.json_schema.schema' && /'not'/.test(e.message),
  );
});
