// The page end to end: served by the real server with COOP/COEP, in headless Chromium. Moves the
// worker slider, runs every engine, and checks what the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, openPage, screenshot, setRange, isolatedWorkerGlues } from './harness.mjs';

const SERIAL_ANSWER = '[11, 12, 13, 14, 15, 16, 17, 18, 19, 20]';
const env = servedPage();

const setWorkers = (page, n) => setRange(page, '#workers', n);

/** Clicks Run and waits for the run to end; returns each engine's row as the page shows it. */
async function run(page) {
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  return page.$$eval('section.quick tr[data-engine]', rows => Object.fromEntries(rows.map(r => [r.dataset.engine, {
    status: r.dataset.status,
    ms: Number(r.querySelector('.elapsed')?.dataset.ms),
    result: r.querySelector('.result')?.textContent,
    detail: r.querySelector('.detail')?.textContent,
  }])));
}

test('the page reports its cores and cross-origin isolation, and starts the pool', async () => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const cores = Number(await page.textContent('#hardware-concurrency'));
  assert.ok(cores >= 1, `hardwareConcurrency shown as ${cores}`);
  assert.equal(cores, await page.evaluate(() => navigator.hardwareConcurrency));
  assert.equal(await page.textContent('#isolated'), 'yes');
  assert.equal(await page.getAttribute('#workers', 'max'), String(Math.max(2 * cores, 16)));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the pool\'s host starts with the page, and isolated workers load the workers\' module', async () => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}?bench`);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark')
    .map(m => [m.name.replace('corescope:', ''), m.startTime])));
  assert.ok(marks['pool-host-spawned'] < marks['module-ready'], `the host was started by boot.js: ${JSON.stringify(marks)}`);
  assert.ok(marks['host: instantiating the module'] < marks['pool-ready'], `the host's phases are marked: ${JSON.stringify(marks)}`);
  // Workers start from a script of the workers' glue once the page has made it.
  await page.waitForFunction(() => performance.getEntriesByName('corescope:worker-script-ready').length > 0);
  // A checked run of 10 squares on the page's reused isolated pool, whose workers stay alive.
  await page.evaluate(() => window.corescope.bench_run('pool', 5, 100, 10, 2));
  // What each isolated worker loaded: the workers' glue, never the page's.
  const glues = await isolatedWorkerGlues(page);
  assert.equal(glues.length, 2, 'the reused pool\'s two workers');
  // Each started from the script the page made of the workers' glue: no fetch of its own.
  for (const glue of glues) assert.deepEqual(glue, { script: 'blob', glue: ['/pkg-worker/corescope_worker.js'], fetched: [] });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an isolated worker whose script does not load is reported as such, with no page error', async () => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}?bench`);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  // Every isolated worker is started from a script the server does not have.
  const why = await page.evaluate(async () => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(url, options) { super(options?.name === 'corescope-isolated' ? '/no-such-script.js' : url, options); }
    };
    try {
      await window.corescope.bench_run('isolated', 5, 100, 10, 2);
      return 'the run succeeded';
    } catch (e) {
      return String(e);
    } finally {
      window.Worker = Real;
    }
  });
  assert.match(why, /its script did not load/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every engine returns the serial answer for 1 and 2 workers', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  for (const workers of [1, 2]) {
    await setWorkers(page, workers);
    assert.match(await page.textContent('#workers-value'), new RegExp(`^${workers} of \\d+$`));
    const rows = await run(page);
    for (const engine of ['main', 'shared', 'isolated', 'asyncio']) {
      const row = rows[engine];
      assert.equal(row.status, 'ok', `${engine} with ${workers} worker(s): ${row.detail}`);
      assert.equal(row.result, SERIAL_ANSWER, `${engine} result`);
      assert.ok(row.ms > 0, `${engine} shows an elapsed time`);
      if (engine === 'asyncio') {
        assert.match(row.detail, new RegExp(` ${workers} coroutines? on one thread`), row.detail);
        continue;
      }
      const used = Number(row.detail.match(/on (\d+) of (\d+) workers?/)?.[1]);
      assert.ok(used >= 1 && used <= (engine === 'main' ? 1 : workers), `${engine} used ${used} workers with ${workers} allowed`);
    }
    t.diagnostic(`${workers} worker(s): main thread ${rows.main.ms.toFixed(1)} ms, shared memory ${rows.shared.ms.toFixed(1)} ms, isolated ${rows.isolated.ms.toFixed(1)} ms, asyncio ${rows.asyncio.ms.toFixed(1)} ms`);
    t.diagnostic(`screenshot: ${await screenshot(page, `run-${workers}-workers.png`)}`);
  }
  assert.match(await page.textContent('#diagnostics'), /longest gap between timer ticks \d+(\.\d+)? ms/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page fits a phone screen', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 390, height: 844 });
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await run(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone screen`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'run-phone.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson preset runs from one click and writes its lesson from the numbers', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await page.click('button[data-preset=global]');
  await page.click('#run-preset');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  const steps = await page.$$eval('table.steps tr[data-step]', rows => rows.map(r => [r.dataset.step, r.dataset.status]));
  assert.deepEqual(steps, [['gil', 'ok'], ['shared', 'ok'], ['pool', 'ok']]);
  const lesson = await page.textContent('#lesson');
  assert.match(lesson, /Threads share one total: it ended at 40/);
  assert.match(lesson, /The page's total is still 0\./);
  t.diagnostic(`screenshot: ${await screenshot(page, 'preset-global.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});
