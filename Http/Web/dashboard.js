// The live view: reads GET /v1/live (one JSON event a second) and redraws one section per replica — and the
// cluster's totals when there are several — with the last five minutes of throughput, queues and KV usage, the
// latest steps' composition and the latest latency percentiles.
import { setApiKey, withApiKeyQuery } from './api.js';
import { LiveStore, formatNumber, formatPercent, formatMs } from './series.js';
import { linePlot, stepBars, COLORS } from './plots.js';

const SPAN_S = 300;
// A fresh page would draw its first seconds as a sliver at the right of five minutes: the window grows with the data.
const MIN_SPAN_S = 30;

const store = new LiveStore(SPAN_S + 10);
const sections = new Map();
const $ = (id) => document.getElementById(id);
let source = null;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function legend(items) {
  const row = el('div', 'legend');
  for (const [label, color] of items) {
    const item = el('span', 'legend-item', label);
    item.dataset.color = color;
    const swatch = el('i', 'swatch');
    swatch.style.setProperty('--swatch', color);
    item.prepend(swatch);
    row.append(item);
  }
  return row;
}

function panel(title, items) {
  const box = el('figure', 'panel');
  box.append(el('figcaption', null, title));
  if (items) box.append(legend(items));
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  box.append(canvas);
  return { box, canvas };
}

/** A replica's section, made on its first event: figures on top, four plots below. */
function section(name, label) {
  let s = sections.get(name);
  if (s) return s;
  const root = el('section', 'replica');
  root.dataset.replica = name;
  root.append(el('h2', null, label));
  const figures = el('dl', 'figures');
  root.append(figures);
  const tokens = panel('Tokens/s', [['prompt', COLORS.prompt], ['generation', COLORS.generation]]);
  const queues = panel('Requests', [['running', COLORS.running], ['waiting', COLORS.waiting], ['preempted', COLORS.preempted]]);
  const steps = panel('Latest steps: tokens of the budget', [['prefill tokens', COLORS.prefill], ['decodes', COLORS.decode]]);
  const kv = panel('KV cache usage', [['used', COLORS.kv]]);
  const grid = el('div', 'plots');
  grid.append(tokens.box, queues.box, steps.box, kv.box);
  root.append(grid);
  $('replicas').append(root);
  s = { root, figures, tokens: tokens.canvas, queues: queues.canvas, steps: steps.canvas, kv: kv.canvas };
  sections.set(name, s);
  return s;
}

function figures(list, line) {
  const steps = line.steps || 0;
  const items = [
    ['prompt tokens/s', formatNumber(line.prompt_tokens_per_s)],
    ['generation tokens/s', formatNumber(line.generation_tokens_per_s)],
    ['running', formatNumber(line.running)],
    ['waiting', formatNumber(line.waiting)],
    ['preempted', formatNumber(line.preempted)],
    ['KV cache', formatPercent(line.kv_cache_usage)],
    ['prefix cache hits', formatPercent(line.prefix_cache_hit_rate)],
    ['engine busy', formatPercent(line.busy)],
    ['steps', formatNumber(steps)],
    ['prefill / decodes per step', `${formatNumber(line.prefill_tokens_per_step)} / ${formatNumber(line.decode_sequences_per_step)}`],
  ];
  for (const [label, latency] of [['TTFT', line.ttft_ms], ['TPOT', line.tpot_ms]]) {
    if (!latency) continue;
    const text = latency.count > 0 ? `${formatMs(latency.p50)} · ${formatMs(latency.p90)} · ${formatMs(latency.p99)}` : '–';
    items.push([`${label} p50 · p90 · p99`, text]);
  }
  list.replaceChildren(...items.map(([label, value]) => {
    const pair = el('div');
    const dd = el('dd', null, value);
    dd.dataset.figure = label;
    pair.append(el('dt', null, label), dd);
    return pair;
  }));
}

function draw(s, series, now) {
  const times = series.time.toArray();
  const span = Math.min(SPAN_S, Math.max(MIN_SPAN_S, times.length > 0 ? Math.ceil((now - times[0]) / 30) * 30 : 0));
  const plot = { times, span, now };
  linePlot(s.tokens, { ...plot, series: [
    { values: series.values('prompt_tokens_per_s'), color: COLORS.prompt },
    { values: series.values('generation_tokens_per_s'), color: COLORS.generation },
  ] });
  linePlot(s.queues, { ...plot, series: [
    { values: series.values('running'), color: COLORS.running },
    { values: series.values('waiting'), color: COLORS.waiting },
    { values: series.values('preempted'), color: COLORS.preempted },
  ] });
  linePlot(s.kv, { ...plot, max: 1, format: (v) => `${Math.round(v * 100)}%`, series: [
    { values: series.values('kv_cache_usage'), color: COLORS.kv, fill: true },
  ] });
  stepBars(s.steps, series.latest?.recent_steps || []);
  if (series.latest) figures(s.figures, series.latest);
}

function render() {
  const event = store.lastEvent;
  if (!event) return;
  $('model').textContent = event.model;
  const names = store.names();
  const cluster = names.length > 1;
  const shown = new Set(cluster ? ['total', ...names] : names);
  if (cluster) draw(section('total', 'Cluster totals'), store.totals, event.time);
  for (const name of names) draw(section(name, name === 'local' ? 'Replica' : name), store.series(name), event.time);
  for (const [name, s] of sections) s.root.hidden = !shown.has(name);
  $('empty').hidden = names.length > 0;
}

function status(text, state) {
  const node = $('status');
  node.textContent = text;
  node.dataset.state = state;
}

function connect() {
  if (source) source.close();
  source = new EventSource(withApiKeyQuery('/v1/live'));
  source.onopen = () => status('live', 'open');
  source.onmessage = (message) => {
    store.update(JSON.parse(message.data));
    render();
  };
  source.onerror = () => {
    // A refused stream (401: a missing or wrong key) is closed for good; a dropped one reconnects by itself.
    if (source.readyState === EventSource.CLOSED) {
      status('refused: set the API key', 'closed');
      $('key-panel').hidden = false;
    } else {
      status('reconnecting…', 'connecting');
    }
  };
}

$('key-panel').addEventListener('submit', (e) => {
  e.preventDefault();
  setApiKey($('api-key').value.trim());
  $('key-panel').hidden = true;
  connect();
});
$('key-button').addEventListener('click', () => {
  $('key-panel').hidden = !$('key-panel').hidden;
});
window.addEventListener('resize', render);
connect();
