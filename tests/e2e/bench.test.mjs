// The experiment bench end to end in headless Chromium: a small sweep draws one series per
// engine with a point per worker count, Cancel stops a sweep and keeps what was measured, and
// the bench fits desktop and phone screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, openPage, screenshot, setRange } from './harness.mjs';
const env = servedPage();


/** A page with a small sweep configured: 2 tasks at 10% size, shared memory and the reused pool. */
async function smallSweep(viewport) {
  const { page, errors } = await openPage(env.browser, env.server.url, viewport);
  await page.waitForSelector('#pool[data-ready=true]', { timeout: 30_000 });
  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-size', 10);
  await page.uncheck('input[data-mode=gil]');
  return { page, errors };
}

const rowsOf = page => page.$$eval('.sweep-table tbody tr:not(.failed)', rows => rows.map(r => [r.dataset.mode, Number(r.dataset.workers)]));

test('a small sweep draws one series per engine with a point per worker count', async (t) => {
  const { page, errors } = await smallSweep({ width: 1280, height: 720 });
  const max = Number(await page.$eval('#bench-max', el => el.value));
  assert.equal(max, Number(await page.getAttribute('#workers', 'max')), 'the sweep goes to the page maximum by default');
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 240_000 });
  const rows = await rowsOf(page);
  assert.deepEqual(rows.filter(([m]) => m === 'main'), [['main', 1]], 'one serial baseline');
  for (const mode of ['shared', 'pool']) {
    assert.deepEqual(rows.filter(([m]) => m === mode).map(([, k]) => k), Array.from({ length: max }, (_, i) => i + 1), `${mode}: a point per worker count`);
  }
  assert.equal(await page.$$eval('.sweep-table tr.failed', r => r.length), 0);
  const svg = await page.$eval('#chart svg', el => el.outerHTML);
  for (const label of ['workers', 'elapsed (ms)', 'hardwareConcurrency', 'shared memory', 'isolated pool (reused)', 'Amdahl serial fraction']) {
    assert.ok(svg.includes(label), `the chart shows "${label}"`);
  }
  const diagnostics = await page.textContent('#diagnostics');
  assert.match(diagnostics, /Main thread during worker runs: (longest task \d+ ms \(\d+ over 50 ms\)|no task over 50 ms); longest gap between timer ticks [\d.]+ ms; \d+ of \d+ frames late\./);
  t.diagnostic(diagnostics);
  t.diagnostic(`screenshot: ${await screenshot(page, 'bench-desktop.png')}`);
  await page.click('input[name=view][value=speedup]');
  assert.ok((await page.$eval('#chart svg', el => el.outerHTML)).includes('speedup over serial'));
  await page.click('input[name=view][value=efficiency]');
  assert.ok((await page.$eval('#chart svg', el => el.outerHTML)).includes('efficiency'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('Cancel stops a sweep within 200 ms and keeps the points measured', async (t) => {
  const { page, errors } = await smallSweep({ width: 390, height: 844 });
  const poolWorkers = page.workers().length;
  await page.click('#run-sweep');
  await page.waitForFunction(() => document.querySelectorAll('.sweep-table tbody tr').length >= 4, null, { timeout: 120_000 });
  // Timed inside the page: from the click's event to the moment the page shows it is idle.
  await page.evaluate(() => {
    const main = document.querySelector('main');
    window.__cancelTiming = new Promise(resolve => {
      document.getElementById('cancel-sweep').addEventListener('click', e => {
        const clicked = e.timeStamp;
        new MutationObserver((_, observer) => {
          if (main.dataset.running === 'false') {
            observer.disconnect();
            resolve(performance.now() - clicked);
          }
        }).observe(main, { attributes: true, attributeFilter: ['data-running'] });
      }, { capture: true, once: true });
    });
  });
  await page.click('#cancel-sweep');
  const stoppedMs = await page.evaluate(() => window.__cancelTiming);
  assert.ok(stoppedMs < 200, `the page was usable again ${stoppedMs.toFixed(1)} ms after Cancel`);
  // No worker is left behind: the shared-memory pool's, and the reused isolated pool's at most.
  const maxWorkers = Number(await page.$eval('#bench-max', el => el.value));
  await page.waitForTimeout(200);
  const workers = page.workers().length;
  assert.ok(workers <= poolWorkers + maxWorkers, `${workers} workers after Cancel; the pools have ${poolWorkers} + ${maxWorkers}`);
  const kept = (await rowsOf(page)).length;
  assert.ok(kept >= 4, `kept ${kept} points`);
  assert.match(await page.textContent('#sweep-status'), new RegExp(`Cancelled; ${kept} points kept`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone screen`);
  t.diagnostic(`cancel took ${stoppedMs.toFixed(1)} ms; ${kept} points kept; ${workers} workers alive`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'bench-phone.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep too large for the shared memory is refused with the limit named', async () => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.selectOption('#bench-workload', '3');
  await setRange(page, '#bench-size', 1000);
  assert.match(await page.textContent('.notice'), /random list append of 100,000,000 numbers needs up to 2288 MiB .* over the 768 MiB a run may use of the shared memory's 1024 MiB maximum; kept the old setting/);
  assert.match(await page.textContent('output[for=bench-size]'), /^100% of the seed's/);
  assert.deepEqual(errors, []);
  await page.close();
});
