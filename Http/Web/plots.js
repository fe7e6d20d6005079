// Canvas plots for the live view, drawn whole on each event (a few hundred points: cheaper than keeping
// a scene). Sizes follow the canvas's CSS box and the screen's pixel ratio, so lines stay sharp.
import { niceScale, formatNumber, stepShares, stepAxis, maxOf } from './series.js';

const AXIS = '#98a2b3';
const GRID = '#eceff3';
const TEXT = '#667085';
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PAD = { left: 44, right: 8, top: 8, bottom: 18 };

export const COLORS = {
  prompt: '#2f5bd3',
  generation: '#12b76a',
  running: '#2f5bd3',
  waiting: '#f79009',
  preempted: '#d92d20',
  kv: '#7a5af8',
  prefill: '#2f5bd3',
  decode: '#12b76a',
  unused: '#eef1f6',
};

/** The 2D context scaled to CSS pixels, with the canvas's backing store matched to its box. */
function prepare(canvas) {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;
  return { ctx, width, height, plotW: width - PAD.left - PAD.right, plotH: height - PAD.top - PAD.bottom };
}

function yAxis(ctx, scale, plotW, plotH, format) {
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
    const y = PAD.top + plotH - (v / scale.max) * plotH;
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + plotW, y);
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(format(v), PAD.left - 6, y);
  }
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, PAD.top + plotH);
  ctx.lineTo(PAD.left + plotW, PAD.top + plotH);
  ctx.stroke();
}

/**
 * Lines over the last `span` seconds ending at `now`: `series` is [{ values, color, fill }], all sampled at `times`
 * (Unix seconds). `max` fixes the axis (1 for a share); otherwise it is scaled to the data.
 */
export function linePlot(canvas, { times, series, span, now, max, format = formatNumber }) {
  const { ctx, plotW, plotH } = prepare(canvas);
  const scale = max ? { max, step: max / 4 } : niceScale(maxOf(...series.map((s) => s.values)));
  yAxis(ctx, scale, plotW, plotH, format);
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(span >= 120 ? `−${Math.round(span / 60)} min` : `−${Math.round(span)} s`, PAD.left, PAD.top + plotH + 14);
  ctx.textAlign = 'right';
  ctx.fillText('now', PAD.left + plotW, PAD.top + plotH + 14);
  const x = (t) => PAD.left + plotW - ((now - t) / span) * plotW;
  const y = (v) => PAD.top + plotH - (Math.min(v, scale.max) / scale.max) * plotH;
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top, plotW, plotH);
  ctx.clip();
  for (const s of series) {
    if (times.length === 0) continue;
    ctx.beginPath();
    times.forEach((t, i) => (i === 0 ? ctx.moveTo(x(t), y(s.values[i])) : ctx.lineTo(x(t), y(s.values[i]))));
    if (s.fill) {
      ctx.lineTo(x(times[times.length - 1]), PAD.top + plotH);
      ctx.lineTo(x(times[0]), PAD.top + plotH);
      ctx.closePath();
      ctx.globalAlpha = 0.18;
      ctx.fillStyle = s.color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.beginPath();
      times.forEach((t, i) => (i === 0 ? ctx.moveTo(x(t), y(s.values[i])) : ctx.lineTo(x(t), y(s.values[i]))));
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.75;
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  ctx.restore();
}

/**
 * The latest steps as bars of tokens: prefill tokens at the bottom, then one token per decoding sequence, on an axis
 * up to the token budget (or less, see stepAxis), the unused rest left pale. Oldest on the left.
 */
export function stepBars(canvas, steps) {
  const { ctx, plotW, plotH } = prepare(canvas);
  const top = stepAxis(steps);
  yAxis(ctx, { max: top, step: top / 4 }, plotW, plotH, formatNumber);
  const count = Math.max(steps.length, 16);
  const slot = plotW / count;
  const gap = slot > 4 ? 1 : 0;
  steps.forEach((step, i) => {
    const { prefill, decode } = stepShares(step, top);
    const left = PAD.left + (count - steps.length + i) * slot + gap;
    const width = Math.max(1, slot - 2 * gap);
    const bottom = PAD.top + plotH;
    ctx.fillStyle = COLORS.unused;
    ctx.fillRect(left, PAD.top, width, plotH);
    ctx.fillStyle = COLORS.prefill;
    ctx.fillRect(left, bottom - prefill * plotH, width, prefill * plotH);
    ctx.fillStyle = COLORS.decode;
    ctx.fillRect(left, bottom - (prefill + decode) * plotH, width, decode * plotH);
  });
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'right';
  const budget = steps.length ? steps[steps.length - 1].budget : 0;
  const note = budget > top ? `axis to ${formatNumber(top)} of ${formatNumber(budget)}` : `budget ${formatNumber(budget)}`;
  ctx.fillText(steps.length ? `last ${steps.length} steps · tokens, ${note}` : 'no steps yet', PAD.left + plotW, PAD.top + plotH + 14);
}
