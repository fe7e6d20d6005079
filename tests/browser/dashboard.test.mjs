// The live view (GET /dashboard) in Chromium against the tiny fixture's server: its figures and plots come from
// GET /v1/live, one event a second, so the tests put load on the server and watch the page follow it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseUrl, keyedApiKey, keyedUrl, launchBrowser, modelName, openPage, screenshot, waitUntil } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** One non-streamed chat completion of `tokens` tokens; resolves when it has been answered. */
async function complete(base, tokens, index) {
  const response = await fetch(new URL('/v1/chat/completions', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: modelName,
      messages: [{ role: 'user', content: `Request ${index}: tell a story about the number ${index}.` }],
      max_tokens: tokens, min_tokens: tokens, ignore_eos: true, temperature: 0,
    }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  assert.ok(JSON.parse(body).usage.completion_tokens > 0, body);
}

/** Waves of `concurrency` requests for about `seconds` seconds: load the live view can show over several events. */
async function load(base, seconds, concurrency = 8) {
  const end = Date.now() + seconds * 1000;
  let index = 0;
  while (Date.now() < end) {
    await Promise.all(Array.from({ length: concurrency }, () => complete(base, 48, index++)));
  }
  return index;
}

/** The page's figure `label` as a number (its k and M suffixes read), or NaN while it shows none. */
async function figure(page, label) {
  const text = await page.locator(`dd[data-figure="${label}"]`).first().textContent().catch(() => '');
  const match = /^([\d.]+)([kM]?)$/.exec((text ?? '').trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * ({ k: 1e3, M: 1e6 }[match[2]] ?? 1);
}

test('after a burst of requests the live view shows throughput, steps and the queues (screenshot: dashboard.png)', async () => {
  const page = await openPage(browser, '/dashboard');
  await page.locator('#status[data-state="open"]').waitFor({ timeout: 15000 });
  await page.locator('section.replica').first().waitFor({ timeout: 15000 });
  assert.equal((await page.locator('#model').textContent()).trim(), modelName);

  // The figures are per interval: they are read while the load lasts, not after it.
  const loading = load(baseUrl, 14);
  let seen = 0;
  await waitUntil(async () => {
    seen = await figure(page, 'generation tokens/s');
    return seen > 0;
  }, 'non-zero generation tokens/s on the live view', { timeoutMs: 15000 });
  assert.ok(await figure(page, 'steps') > 0, 'steps ran in the interval');
  // A few more events, so the plots show a stretch of the load.
  await page.waitForTimeout(9000);
  // Every plot has been drawn: a canvas that was never painted is all transparent.
  const painted = await page.$$eval('section.replica canvas', (canvases) => canvases.map((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }));
  assert.equal(painted.length, 4, 'four plots for the replica');
  assert.ok(painted.every(Boolean), `unpainted plots: ${JSON.stringify(painted)}`);
  await screenshot(page, 'dashboard');
  const sent = await loading;
  assert.deepEqual(page.errors, [], 'no script errors');
  console.log(`${sent} requests; the page showed ${seen} generation tokens/s`);
  await page.context().close();
});

test('a server with --api-key: the live view asks for the key, then streams with it', { skip: !keyedUrl && 'no keyed server' }, async () => {
  const page = await openPage(browser, '/dashboard', { base: keyedUrl });
  await page.locator('#status[data-state="closed"]').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#key-panel').isVisible(), true, 'the key panel is shown after the refusal');
  await page.fill('#api-key', keyedApiKey);
  await page.locator('#key-panel button[type="submit"]').click();
  await page.locator('#status[data-state="open"]').waitFor({ timeout: 15000 });
  await page.locator('section.replica').first().waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => localStorage.getItem('qwenvl.apiKey')), keyedApiKey);
  await page.context().close();
});
