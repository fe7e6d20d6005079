import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Ring, LiveStore, niceScale, formatNumber, formatMs, formatPercent, stepShares, stepAxis, maxOf,
} from '../../Http/Web/series.js';

const line = (replica, over = {}) => ({
  replica, prompt_tokens_per_s: 0, generation_tokens_per_s: 0, running: 0, waiting: 0, preempted: 0,
  kv_cache_usage: 0, prefix_cache_hit_rate: 0, busy: 0, recent_steps: [], ...over,
});
const event = (time, interval, replicas) => ({ time, interval_s: interval, model: 'm', replicas, totals: line('total') });

test('a ring keeps the newest values oldest first', () => {
  const ring = new Ring(3);
  assert.deepEqual(ring.toArray(), []);
  for (const v of [1, 2, 3, 4, 5]) ring.push(v);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.equal(ring.length, 3);
  assert.equal(ring.last(), 5);
  assert.throws(() => new Ring(0), RangeError);
});

test('the store plots events with an interval and keeps the first only as the latest figures', () => {
  const store = new LiveStore(4);
  store.update(event(100, 0, [line('local', { running: 2 })]));
  assert.equal(store.series('local').time.length, 0);
  assert.equal(store.series('local').latest.running, 2);
  for (let t = 101; t <= 106; t++) store.update(event(t, 1, [line('local', { generation_tokens_per_s: t })]));
  const s = store.series('local');
  assert.deepEqual(s.time.toArray(), [103, 104, 105, 106]);
  assert.deepEqual(s.values('generation_tokens_per_s'), [103, 104, 105, 106]);
  assert.equal(store.totals.time.length, 4);
});

test('the store lists the replicas of the latest event in its order', () => {
  const store = new LiveStore();
  store.update(event(1, 1, [line('b'), line('a')]));
  store.update(event(2, 1, [line('a')]));
  assert.deepEqual(store.names(), ['a']);
  assert.equal(store.series('b').time.length, 1);
});

test('axes end at a round number at or above the maximum', () => {
  assert.deepEqual(niceScale(0), niceScale(1));
  assert.deepEqual(niceScale(1), { max: 1, step: 0.25 });
  assert.deepEqual(niceScale(7), { max: 8, step: 2 });
  assert.deepEqual(niceScale(8), { max: 8, step: 2 });
  assert.deepEqual(niceScale(930), { max: 1000, step: 250 });
  assert.deepEqual(niceScale(12345), { max: 20000, step: 5000 });
  assert.equal(niceScale(NaN).max > 0, true);
});

test('numbers, percentages and latencies read at a glance', () => {
  assert.equal(formatNumber(950), '950');
  assert.equal(formatNumber(1234), '1.23k');
  assert.equal(formatNumber(56789), '56.8k');
  assert.equal(formatNumber(3.14159), '3.14');
  assert.equal(formatNumber(42.25), '42.3');
  assert.equal(formatNumber(2_500_000), '2.5M');
  assert.equal(formatNumber(NaN), '–');
  assert.equal(formatPercent(0.4567), '45.7%');
  assert.equal(formatMs(12.345), '12.3 ms');
  assert.equal(formatMs(1500), '1.5 s');
});

test('a step bar splits its budget between prefill and decodes and never passes it', () => {
  assert.deepEqual(stepShares({ prefill_tokens: 1024, decode_sequences: 512, budget: 2048 }), { prefill: 0.5, decode: 0.25 });
  assert.deepEqual(stepShares({ prefill_tokens: 3000, decode_sequences: 10, budget: 2048 }), { prefill: 1, decode: 0 });
  assert.deepEqual(stepShares({ prefill_tokens: 0, decode_sequences: 0, budget: 0 }), { prefill: 0, decode: 0 });
  assert.deepEqual(stepShares({ prefill_tokens: 0, decode_sequences: 6, budget: 2048 }, 8), { prefill: 0, decode: 0.75 });
});

test('the step axis is the budget, or a round number below it when the steps use little of it', () => {
  const step = (prefill, decodes) => ({ prefill_tokens: prefill, decode_sequences: decodes, budget: 2048 });
  assert.equal(stepAxis([step(2000, 48)]), 2048);
  assert.equal(stepAxis([step(0, 6), step(0, 5)]), 8);
  assert.equal(stepAxis([step(700, 3), step(0, 6)]), 800);
  assert.equal(stepAxis([]), 1);
});

test('maxOf spans several series', () => {
  assert.equal(maxOf([1, 5], [3], []), 5);
  assert.equal(maxOf(), 0);
});
