// Shared set-up for the end-to-end tests: serve dist/ with the project's own server
// configuration on a free port, and drive Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `serve` on dist/ exactly as scripts/serve.sh does; resolves to { url, stop }. Options:
 * another server configuration (`config`), and another folder to serve (`root`, with symlinks
 * followed: a folder that links dist/ under a sub-path).
 */
export async function startServer({ config = path.join(ROOT, 'serve.json'), root = 'dist' } = {}) {
  const port = await freePort();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/serve'),
    [root, '--listen', `tcp://127.0.0.1:${port}`, '--config', config, '--symlinks', '--no-clipboard', '--no-port-switching'],
    { cwd: ROOT, env: { ...process.env, NO_UPDATE_CHECK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', d => { output += d; });
  child.stderr.on('data', d => { output += d; });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${output}`);
    try {
      // Any answer will do: the root of a sub-path site is a 404.
      if ((await fetch(url)).status < 500) return { url, stop: () => child.kill() };
    } catch { /* not listening yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`serve did not answer on ${url} within 10 s:\n${output}`);
}

/** Headless Debian Chromium, with the flags that keep it off the closed network. */
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that fails the test on any uncaught page error. */
export async function openPage(browser, url, viewport = { width: 1280, height: 720 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, errors };
}

/** Saves a screenshot of a whole page, or of one element, under artifacts/screenshots/. */
export async function screenshot(target, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  const isPage = typeof target.goto === 'function';
  await target.screenshot(isPage ? { path: file, fullPage: true } : { path: file });
  return path.relative(ROOT, file);
}

/**
 * Starts the server and the browser before a test file's tests and stops them after; returns
 * an object whose `server` and `browser` are set once they are up.
 */
export function servedPage() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

/**
 * How each live isolated worker of `page` loaded its module: `{ script, glue, fetched }`. A
 * worker started from a script the page made of a glue has `script: 'blob'`, and `glue` lists
 * the glues the page fetched to make such scripts of (the page's CSP keeps a test from reading a
 * blob). A worker started from the bootstrap has its path as `script`, and `glue` lists the glues
 * it imported. `fetched` is every resource the worker loaded itself, from its own timings.
 */
export async function isolatedWorkerGlues(page) {
  const glue = /\/corescope(_worker)?\.js$/;
  const made = (await page.evaluate(() => performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'fetch').map(r => r.name))).filter(u => glue.test(u)).map(u => new URL(u).pathname);
  const glues = [];
  for (const worker of page.workers()) {
    const url = new URL(worker.url());
    // Only the isolated workers (a blob's fragment names them): a pool thread, blocked in a
    // wait, never answers.
    if (url.hash !== '#corescope-isolated' && !url.pathname.endsWith('/isolated_worker.js')) continue;
    const [name, urls] = await worker.evaluate(() => [self.name, performance.getEntriesByType('resource').map(r => r.name)]);
    const fetched = urls.map(u => new URL(u).pathname);
    if (name !== 'corescope-isolated') continue;
    glues.push(url.protocol === 'blob:'
      ? { script: 'blob', glue: made, fetched }
      : { script: url.pathname, glue: fetched.filter(u => glue.test(u)), fetched });
  }
  return glues;
}

/** Sets a range input as a person dragging it would, firing `input` and `change`. */
export async function setRange(page, selector, value) {
  await page.$eval(selector, (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Waits for the shared-memory pool to be ready; on timeout, fails with what the page says. */
export async function poolReady(page, errors = [], timeout = 60_000) {
  try {
    await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout });
  } catch (e) {
    const says = await page.textContent('#pool').catch(() => '(no #pool element)');
    throw new Error(`the shared-memory pool did not get ready within ${timeout} ms: the page says "${says}"; console errors: ${JSON.stringify(errors)}`);
  }
}
