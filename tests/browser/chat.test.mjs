// The chat page (GET /) in Chromium against the tiny fixture's server. Its answers are gibberish (random weights),
// so the tests check that text arrives, streams and renders, not what it says.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  baseUrl, fixtureDir, keyedApiKey, keyedUrl, launchBrowser, metric, modelName, openPage, screenshot, waitUntil,
} from './harness.mjs';

const STATS = /^TTFT \d+ ms · [\d.]+ tok\/s · \d+ prompt \+ \d+ completion tokens/;
const INJECTION = '<img src=x onerror=alert(1)>';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Types a message and sends it with the Send button. */
async function send(page, text) {
  await page.fill('#message', text);
  await page.click('#send');
}

/** The stats line of the newest answer once it has ended. */
async function lastStats(page) {
  const stats = page.locator('.turn.assistant .stats').last();
  await stats.filter({ hasText: /TTFT/ }).waitFor({ timeout: 60000 });
  return stats.textContent();
}

async function modelsLoaded(page) {
  await page.locator(`#model option[value="${modelName}"]`).waitFor({ state: 'attached' });
}

test('a text message, then an attached PNG, get streamed answers with their figures (screenshot: chat.png)', async () => {
  const page = await openPage(browser);
  await modelsLoaded(page);
  await page.fill('#system-prompt', 'You are a helpful assistant.');
  await page.fill('#max-tokens', '40');
  // Count the renders of the answer, to see it fill in as it streams rather than all at once.
  await page.evaluate(() => {
    window.answerRenders = 0;
    new MutationObserver((records) => {
      if (records.some((r) => r.target.classList?.contains('answer'))) window.answerRenders++;
    }).observe(document.getElementById('conversation'), { childList: true, subtree: true });
  });

  await send(page, 'Hello! What can you do?');
  assert.match(await lastStats(page), STATS);
  const answer = await page.locator('.turn.assistant .answer').last().textContent();
  assert.ok(answer.trim().length > 0, 'the answer has text');
  assert.ok(await page.evaluate(() => window.answerRenders) >= 2, 'the answer rendered more than once while streaming');
  assert.equal(await page.locator('.turn.user .text').first().textContent(), 'Hello! What can you do?');

  const requests = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/chat/completions')) requests.push(request.postDataJSON());
  });
  await page.setInputFiles('#file-input', join(fixtureDir, 'images', 'grad_150x100.png'));
  await page.locator('#attachments .thumbnail img').waitFor();
  await send(page, 'What is in this picture?');
  assert.match(await lastStats(page), STATS);
  const sent = requests.at(-1);
  assert.equal(sent.stream, true);
  assert.deepEqual(sent.stream_options, { include_usage: true });
  assert.equal(sent.messages[0].role, 'system');
  const parts = sent.messages.at(-1).content;
  assert.equal(parts[0].type, 'image_url');
  assert.match(parts[0].image_url.url, /^data:image\/png;base64,/);
  assert.deepEqual(parts[1], { type: 'text', text: 'What is in this picture?' });
  assert.match(await page.locator('.turn.user .turn-images img').last().getAttribute('src'), /^data:image\/png;base64,/);
  assert.equal(await page.locator('#attachments').isHidden(), true, 'the attachments went with the message');
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'chat');
  await page.context().close();
});

test('images pasted and dropped become thumbnails and go with the message; a dropped text file is refused', async () => {
  const page = await openPage(browser);
  await modelsLoaded(page);
  await page.fill('#max-tokens', '8');
  const png = (await readFile(join(fixtureDir, 'images', 'grad_150x100.png'))).toString('base64');
  await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = (name, type, data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      return dt;
    };
    document.getElementById('message').dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: transfer('pasted.png', 'image/png', bytes), bubbles: true }));
    const composer = document.getElementById('composer');
    composer.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer('dropped.png', 'image/png', bytes), bubbles: true, cancelable: true }));
    composer.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer('notes.txt', 'text/plain', 'hello'), bubbles: true, cancelable: true }));
  }, png);
  await page.locator('#attachments .thumbnail img').nth(1).waitFor();
  assert.deepEqual(await page.locator('#attachments .thumbnail img').evaluateAll((imgs) => imgs.map((i) => i.alt)), ['pasted.png', 'dropped.png']);
  await page.getByText('notes.txt is not an image').waitFor();

  const requests = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/chat/completions')) requests.push(request.postDataJSON());
  });
  await send(page, 'Compare the two pictures.');
  assert.match(await lastStats(page), STATS);
  const parts = requests.at(-1).messages.at(-1).content;
  assert.deepEqual(parts.map((p) => p.type), ['image_url', 'image_url', 'text']);
  assert.ok(parts.slice(0, 2).every((p) => p.image_url.url === `data:image/png;base64,${png}`), 'both images are sent as the PNG data URL');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('stop aborts a long generation and the server stops running it', async () => {
  const page = await openPage(browser);
  await modelsLoaded(page);
  await page.fill('#max-tokens', '4000');
  await send(page, 'Write a very long story.');
  await waitUntil(async () => (await page.locator('.turn.assistant .answer').last().textContent()).length > 0, 'the first tokens');
  assert.equal(await metric('vllm:num_requests_running'), 1);
  await page.click('#stop');
  const stats = await lastStats(page);
  assert.match(stats, /stopped$/);
  await waitUntil(async () => (await metric('vllm:num_requests_running')) === 0, 'vllm:num_requests_running to return to 0', { timeoutMs: 10000 });
  assert.equal(await page.locator('#send').isVisible(), true, 'the page is ready for the next message');
  await page.context().close();
});

test('HTML written by the user or the model shows as text and runs nothing', async () => {
  const page = await openPage(browser);
  await modelsLoaded(page);
  // The model cannot be made to write HTML, so this answer is served here, in the server's stream format.
  const chunk = (content) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
  await page.route('**/v1/chat/completions', (route) => route.fulfill({
    status: 200,
    contentType: 'text/event-stream',
    body: chunk(`Echo: ${INJECTION} `) + chunk('and **bold** <script>alert(2)</script>') +
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}\n\ndata: [DONE]\n\n`,
  }));
  await send(page, INJECTION);
  assert.match(await lastStats(page), STATS);
  assert.equal(await page.locator('.turn.user .text').textContent(), INJECTION);
  const answer = page.locator('.turn.assistant .answer');
  assert.equal(await answer.textContent(), `Echo: ${INJECTION} and bold <script>alert(2)</script>`);
  assert.equal(await answer.locator('strong').textContent(), 'bold', 'Markdown still renders');
  assert.equal(await page.locator('#conversation img, #conversation script').count(), 0);
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a server with --api-key: the page asks for the key, shows the 401s, then works with the key', { skip: !keyedUrl && 'no keyed server' }, async () => {
  const page = await openPage(browser, '/', { base: keyedUrl });
  await page.locator('#key-panel').waitFor();
  assert.match(await page.locator('.notice.error').first().textContent(), /Unauthorized/);

  await send(page, 'Hi');
  const error = page.locator('.turn.assistant .error');
  await error.waitFor();
  assert.match(await error.textContent(), /Unauthorized/);
  await screenshot(page, 'chat-api-key');

  await page.fill('#api-key', keyedApiKey);
  await page.click('#key-save');
  await page.locator('#key-panel').waitFor({ state: 'hidden' });
  await modelsLoaded(page);
  await page.fill('#max-tokens', '8');
  await send(page, 'Hi again');
  assert.match(await lastStats(page), STATS);
  assert.equal(await page.evaluate(() => localStorage.getItem('qwenvl.apiKey')), keyedApiKey, 'the key is kept for the next visit');
  await page.context().close();
});

test('the chat page links to the live view', async () => {
  const page = await openPage(browser);
  assert.equal(await page.locator('header a[href="/dashboard"]').count(), 1);
  assert.equal(new URL(page.url()).origin, new URL(baseUrl).origin);
  await page.context().close();
});
