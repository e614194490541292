// The dist folder on a static host, in headless Chromium, served under the sub-path /corescope/:
// without COOP/COEP and without the service worker the page loads its single-threaded build,
// says why shared memory is off, and runs on the main thread and isolated workers; without the
// headers but with the service worker it reloads once and has every engine; with the headers
// every engine is there at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launchChromium, screenshot, setRange, poolReady } from './harness.mjs';

let site, plain, withHeaders, browser;
before(async () => {
  site = mkdtempSync(path.join(tmpdir(), 'corescope-site-'));
  symlinkSync(path.join(ROOT, 'dist'), path.join(site, 'corescope'));
  plain = await startServer({ root: site, config: path.join(ROOT, 'tests/e2e/serve-plain.json') });
  withHeaders = await startServer({ root: site });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  plain?.stop();
  withHeaders?.stop();
  if (site) rmSync(site, { recursive: true, force: true });
});

/**
 * Opens `url` in a fresh context; counts the page's loads and collects its errors. Without
 * `serviceWorker`, the service worker's script is served empty, as by a host without it.
 */
async function open(url, { serviceWorker = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (!serviceWorker) {
    await context.route('**/coi-serviceworker.js', route => route.fulfill({ contentType: 'text/javascript', body: '' }));
  }
  const page = await context.newPage();
  const errors = [];
  let loads = 0;
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('load', () => { loads += 1; });
  await page.goto(url);
  return { page, errors, context, loads: () => loads };
}

async function quickRun(page) {
  await setRange(page, '#workers', 2);
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  return page.$$eval('section.quick tr[data-engine]', rows => Object.fromEntries(rows.map(r => [r.dataset.engine, {
    status: r.dataset.status, detail: r.querySelector('.detail').textContent,
  }])));
}

test('without headers or service worker: the single-threaded build, saying why', async (t) => {
  const { page, errors, context } = await open(`${plain.url}corescope/`, { serviceWorker: false });
  await page.waitForSelector('#build', { state: 'attached' });
  assert.equal(await page.getAttribute('#build', 'data-threaded'), 'false');
  assert.equal(await page.textContent('#isolated'), 'no');
  const pool = await page.textContent('#pool');
  assert.match(pool, /^off: the page is not cross-origin isolated, so it loaded its single-threaded build: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, or let its service worker add them/);
  const rows = await quickRun(page);
  assert.equal(rows.main.status, 'ok', rows.main.detail);
  assert.equal(rows.isolated.status, 'ok', rows.isolated.detail);
  assert.match(rows.isolated.detail, /\[11, 12, 13, 14, 15, 16, 17, 18, 19, 20\]/);
  assert.equal(rows.shared.status, 'idle', 'shared memory is left out, not failed');
  assert.match(rows.shared.detail, /^off: the page is not cross-origin isolated, so it loaded its single-threaded build/);
  assert.deepEqual(await page.$$eval('input[data-mode=shared], input[data-mode=gil]', els => els.map(e => e.disabled)), [true, true]);
  // A sleeping task in an isolated worker of this build waits on a timer, not a blocking sleep.
  await page.click('button[data-preset=sleep]');
  await page.click('#run-preset');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  const pool10 = await page.$eval('section.lessons tr[data-engine=pool]', r => ({ status: r.dataset.status, text: r.textContent }));
  assert.equal(pool10.status, 'ok', pool10.text);
  t.diagnostic(`shared memory row: ${rows.shared.detail}`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'static-single-threaded.png')}`);

  // The playground's link opens the playground, which says why scripts cannot run here (and
  // does not send the page round in circles).
  await page.click('.playground-link');
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /^scripts cannot run here: the page is not cross-origin isolated, so it loaded its single-threaded build, which has no script interpreter/);
  assert.equal(await page.$('#script'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without headers but with the service worker: one reload, then every engine', async (t) => {
  const { page, errors, context, loads } = await open(`${plain.url}corescope/`);
  await poolReady(page, errors);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.equal(await page.getAttribute('#build', 'data-threaded'), 'true');
  await page.waitForTimeout(1_000);
  assert.equal(loads(), 2, 'the service worker reloaded the page exactly once');
  const rows = await quickRun(page);
  for (const engine of ['main', 'shared', 'isolated']) {
    assert.equal(rows[engine].status, 'ok', `${engine}: ${rows[engine].detail}`);
  }
  // A later visit is isolated from the start: no reload.
  await page.reload();
  await poolReady(page, errors);
  assert.equal(loads(), 3);
  t.diagnostic(`loads: ${loads()} (first visit reloaded once)`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with the headers: every engine at once, no service worker', async () => {
  const { page, errors, context, loads } = await open(`${withHeaders.url}corescope/`);
  await poolReady(page, errors);
  assert.equal(await page.getAttribute('#build', 'data-threaded'), 'true');
  assert.equal(loads(), 1);
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
  const rows = await quickRun(page);
  for (const engine of ['main', 'shared', 'isolated']) {
    assert.equal(rows[engine].status, 'ok', `${engine}: ${rows[engine].detail}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
