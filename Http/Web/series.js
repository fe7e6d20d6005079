// The live view's pure logic, kept apart from the DOM and the canvas so node's test runner can check it:
// fixed rings of recent samples per replica, axis scaling, number formatting, the stream's URL.

/** The newest `capacity` values; older ones fall off the front. */
export class Ring {
  constructor(capacity) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.capacity = capacity;
    this.values = new Array(capacity);
    this.start = 0;
    this.length = 0;
  }

  push(value) {
    if (this.length < this.capacity) {
      this.values[(this.start + this.length) % this.capacity] = value;
      this.length++;
    } else {
      this.values[this.start] = value;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The i-th value, oldest first. */
  at(i) {
    return this.values[(this.start + i) % this.capacity];
  }

  last() {
    return this.length ? this.at(this.length - 1) : undefined;
  }

  toArray() {
    const out = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}

/** The figures plotted over time for one replica (or the totals). */
export const FIELDS = [
  'prompt_tokens_per_s', 'generation_tokens_per_s', 'running', 'waiting', 'preempted', 'kv_cache_usage',
  'prefix_cache_hit_rate', 'busy',
];

/** One replica's recent history: a time ring and one ring per field, plus its latest event line. */
export class ReplicaSeries {
  constructor(capacity) {
    this.time = new Ring(capacity);
    this.fields = Object.fromEntries(FIELDS.map((f) => [f, new Ring(capacity)]));
    this.latest = null;
  }

  add(time, line) {
    this.time.push(time);
    for (const f of FIELDS) this.fields[f].push(Number(line[f]) || 0);
    this.latest = line;
  }

  values(field) {
    return this.fields[field].toArray();
  }
}

/**
 * Every replica's history, fed one live event at a time. The first event of a stream has no rates
 * (interval_s 0), so its rates are not plotted as a drop to zero.
 */
export class LiveStore {
  constructor(capacity = 300) {
    this.capacity = capacity;
    this.replicas = new Map();
    this.totals = new ReplicaSeries(capacity);
    this.lastEvent = null;
  }

  update(event) {
    this.lastEvent = event;
    if (!(event.interval_s > 0)) {
      for (const line of event.replicas) this.series(line.replica).latest = line;
      this.totals.latest = event.totals;
      return;
    }
    for (const line of event.replicas) this.series(line.replica).add(event.time, line);
    this.totals.add(event.time, event.totals);
  }

  series(name) {
    let s = this.replicas.get(name);
    if (!s) {
      s = new ReplicaSeries(this.capacity);
      this.replicas.set(name, s);
    }
    return s;
  }

  /** Replica names in the latest event's order (replicas that stopped reporting drop out). */
  names() {
    return this.lastEvent ? this.lastEvent.replicas.map((r) => r.replica) : [];
  }
}

/**
 * An axis from 0 to a round top at or above `max`, in `ticks` steps of 1, 2, 2.5 or 5 times a power of ten.
 * A max of 0 (nothing yet) still gives an axis to 1.
 */
export function niceScale(max, ticks = 4) {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = top / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s * ticks >= top * (1 - 1e-12));
  return { max: step * ticks, step };
}

/** Short, readable numbers for labels: 950, 1.2k, 3.4M; rounded to what a glance needs. */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  return trim(value);
}

function trim(value) {
  return Number(value.toFixed(Math.abs(value) >= 10 ? 1 : 2)).toString();
}

export function formatPercent(fraction) {
  return `${(100 * (Number(fraction) || 0)).toFixed(1)}%`;
}

/** Milliseconds as ms below a second, else seconds. */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${trim(ms / 1000)} s` : `${formatNumber(ms)} ms`;
}

/**
 * A step's bar as shares of the axis `top` (by default its token budget): prefill chunks and decodes (one token
 * each), clamped so a bar never passes the top.
 */
export function stepShares(step, top = step.budget) {
  const scale = top > 0 ? top : 1;
  const prefill = Math.min(1, Math.max(0, step.prefill_tokens / scale));
  const decode = Math.min(1 - prefill, Math.max(0, step.decode_sequences / scale));
  return { prefill, decode };
}

/**
 * The top of the step chart's axis, in tokens: the token budget, or a round number below it when the steps use
 * little of it — decode-only steps of a few sequences would not show against a budget of thousands of tokens.
 */
export function stepAxis(steps) {
  let budget = 0;
  let used = 0;
  for (const s of steps) {
    budget = Math.max(budget, s.budget || 0);
    used = Math.max(used, (s.prefill_tokens || 0) + (s.decode_sequences || 0));
  }
  if (budget <= 0) return niceScale(used).max;
  return Math.min(budget, niceScale(used).max);
}

/** The largest value of several series, for a shared axis. */
export function maxOf(...series) {
  let max = 0;
  for (const values of series) for (const v of values) if (v > max) max = v;
  return max;
}
