// What every browser test needs: Debian's Chromium driven by playwright-core, pages of the server run.sh started,
// screenshots, and the server's /metrics. run.sh sets the environment this reads.

import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through tests/browser/run.sh`);
  return value;
}

/** The server on the tiny fixture, without an API key. */
export const baseUrl = required('QWENVL_WEB_URL');
/** The same model served with --api-key (keyedApiKey). */
export const keyedUrl = process.env.QWENVL_KEYED_WEB_URL ?? '';
export const keyedApiKey = process.env.QWENVL_KEYED_API_KEY ?? '';
/** The served model name. */
export const modelName = process.env.QWENVL_MODEL_NAME ?? 'qwenvl-tiny';
/** The tiny fixture's folder (its images/ has the PNGs). */
export const fixtureDir = required('QWENVL_FIXTURE_DIR');

export const screenshotDir = join(here, 'screenshots');
/** Where the README's pictures live; screenshots are copied there only when QWENVL_UPDATE_DOCS_IMAGES=1. */
const docsImageDir = join(here, '..', '..', 'docs', 'images');

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox'],
    headless: true,
  });
}

/**
 * A new page at `path` of `base`, in a fresh context (its own localStorage). The page's dialogs (alert, confirm)
 * are dismissed and kept in page.dialogs, its uncaught errors in page.errors, so tests can check there were none.
 */
export async function openPage(browser, path = '/', { base = baseUrl, viewport = { width: 1200, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.dialogs = [];
  page.errors = [];
  page.on('dialog', (dialog) => {
    page.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(new URL(path, base).href);
  return page;
}

/** The screenshots the README shows: only these go to docs/images/. */
const docsImages = new Set(['chat', 'dashboard']);

/** Saves the page as screenshots/NAME.png (git-ignored), and as docs/images/NAME.png when asked to and the README shows it. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.QWENVL_UPDATE_DOCS_IMAGES === '1' && docsImages.has(name)) {
    await mkdir(docsImageDir, { recursive: true });
    await copyFile(file, join(docsImageDir, `${name}.png`));
  }
  return file;
}

/** The sum of a metric's samples in the server's /metrics (all label sets), or null when it is absent. */
export async function metric(name, base = baseUrl) {
  const text = await (await fetch(new URL('/metrics', base))).text();
  let sum = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const next = line[name.length];
    if (next !== ' ' && next !== '{') continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Polls `probe` until it returns a truthy value, which it returns; throws with `what` after `timeoutMs`. */
export async function waitUntil(probe, what, { timeoutMs = 30000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
