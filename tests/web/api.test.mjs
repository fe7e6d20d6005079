import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authHeaders, errorMessage, getApiKey, setApiKey, withApiKeyQuery } from '../../Http/Web/api.js';

function memoryStorage() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), removeItem: (k) => items.delete(k) };
}

test('the key is kept, read back and forgotten', () => {
  const store = memoryStorage();
  assert.equal(getApiKey(store), '');
  setApiKey('sk-1', store);
  assert.equal(getApiKey(store), 'sk-1');
  setApiKey('', store);
  assert.equal(getApiKey(store), '');
});

test('a storage that refuses access reads as no key and does not throw', () => {
  const refusing = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); } };
  assert.equal(getApiKey(refusing), '');
  setApiKey('sk', refusing);
});

test('the bearer header is added only with a key', () => {
  assert.deepEqual(authHeaders('sk-1', { Accept: 'x' }), { Accept: 'x', Authorization: 'Bearer sk-1' });
  assert.deepEqual(authHeaders('', { Accept: 'x' }), { Accept: 'x' });
});

test('EventSource URLs carry the key as api_key', () => {
  assert.equal(withApiKeyQuery('/v1/live?x=1', 'k&y', 'http://h/'), '/v1/live?x=1&api_key=k%26y');
  assert.equal(withApiKeyQuery('/v1/live', '', 'http://h/'), '/v1/live');
});

test('error messages come from OpenAI error JSON, else the text, else the status', () => {
  assert.equal(errorMessage(401, '{"error":{"message":"Unauthorized","type":"AuthenticationError","code":401}}'), 'Unauthorized');
  assert.equal(errorMessage(422, '{"detail":"bad"}'), 'bad');
  assert.equal(errorMessage(502, 'Bad gateway'), 'Bad gateway');
  assert.equal(errorMessage(500, ''), 'HTTP 500');
});
