// A clean console: loading the page and the playground, running every engine of the quick run
// and a playground sweep, leaves no warning or error in the console of the page or of any of its workers (the
// pool's host and threads, isolated workers), as Chromium reports them to the driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, poolReady, setRange } from './harness.mjs';

const env = servedPage();

/** A page that keeps every warning and error its console (and its workers') says. */
async function watched(url) {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const said = [];
  page.on('console', m => { if (['warning', 'error'].includes(m.type())) said.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => said.push(`uncaught: ${e.message}`));
  await page.goto(url);
  await poolReady(page, said);
  return { page, said };
}

test('no warning or error on load or during a run, from the page or its threads', async (t) => {
  const { page, said } = await watched(env.server.url);
  // The pool's threads report their start to the driver as they come up: give the last a moment.
  await page.waitForTimeout(500);
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  const statuses = await page.$$eval('section.quick tr[data-engine]', rows => rows.map(r => r.dataset.status));
  assert.ok(statuses.length >= 3 && statuses.every(s => s === 'ok'), `quick run: ${statuses}`);
  assert.deepEqual(said, [], 'the page and its workers, on load and during a run');
  await page.close();

  // The playground: its module, then a sweep of its opening script on every engine it offers.
  const play = await watched(`${env.server.url}play.html`);
  await play.page.waitForTimeout(500);
  assert.deepEqual(play.said, [], 'the playground on load');
  await setRange(play.page, '#bench-tasks', 4);
  await setRange(play.page, '#bench-max', 2);
  await play.page.click('#run-sweep');
  await play.page.waitForFunction(() => document.querySelector('main')?.dataset.running === 'false'
    && document.querySelectorAll('.sweep-table tbody tr').length > 0, null, { timeout: 120_000 });
  const rows = await play.page.$$eval('.sweep-table tbody tr', rows => rows.map(r => r.textContent));
  assert.ok(rows.every(r => r.includes('✓')), rows.join(' | '));
  assert.deepEqual(play.said, [], 'the playground during a sweep');
  await play.page.close();
  t.diagnostic('no warnings or errors on either page');
});
