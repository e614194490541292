// Fault injection end to end in headless Chromium: a sweep whose task 2 panics, then one whose
// task 2 traps, fails every point with the task and why named, in every engine; the workers of
// the broken pools are all terminated (the shared-memory pool is restarted at once, and says so);
// the next sweep without the fault is checked correct everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, openPage, screenshot, setRange } from './harness.mjs';
const env = servedPage();

const failedRows = page => page.$$eval('.sweep-table tr.failed', rows => rows.map(r => [r.dataset.mode, r.querySelector('.error').textContent]));
const goodRows = page => page.$$eval('.sweep-table tbody tr:not(.failed)', rows => rows.map(r => r.dataset.mode));

async function sweep(page) {
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 240_000 });
}

/** Waits until the page has `want` workers, up to 5 s; returns how many it has. */
async function workersSettleAt(page, want) {
  for (let i = 0; i < 50 && page.workers().length !== want; i++) await page.waitForTimeout(100);
  return page.workers().length;
}

test('a task that panics or traps fails its run in every engine, naming it; the next sweep is correct', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 1280, height: 900 });
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const poolWorkers = page.workers().length;
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 2);
  await page.check('input[data-mode=isolated]');
  await page.click('.fault-injection summary');
  for (const [kind, why] of [['panics', /task 2 failed .*: it panicked: task 2 failed on purpose \(fault injection\)/], ['traps', /task 2 failed .*: it trapped: .*unreachable/]]) {
    await page.selectOption('#fault-kind', kind);
    await page.$eval('#fault-task', el => { el.value = '2'; el.dispatchEvent(new Event('change', { bubbles: true })); });
    await sweep(page);
    const failed = await failedRows(page);
    assert.deepEqual(failed.map(([mode]) => mode).sort(), ['gil', 'gil', 'isolated', 'isolated', 'main', 'pool', 'pool', 'shared', 'shared'], `${kind}: every point failed`);
    for (const [mode, text] of failed) assert.match(text, why, `${kind} in ${mode}`);
    assert.deepEqual(await goodRows(page), [], `${kind}: no point shows a time`);
    // The live region says how many points failed, each with its engine and why.
    const said = await page.textContent('#announcer');
    assert.match(said, /^Sweep finished: no point measured\. 9 points failed: main thread, 1 worker: task 2 failed /, said);
    assert.equal(said.match(/\d workers?: task 2 failed /g).length, 9, said);
    // Every pool of the sweep broke and was torn down; the shared-memory pool's host was
    // terminated and replaced at once, so only the new pool's workers are left.
    assert.equal(await workersSettleAt(page, poolWorkers), poolWorkers, `${kind}: the broken pools' workers were all terminated`);
    for (const [mode, text] of failed.filter(([m]) => m === 'shared' || m === 'gil')) {
      assert.match(text, /The pool was restarted: \d+ new threads were ready in \d+ ms/, `${kind} in ${mode}`);
    }
    t.diagnostic(`${kind}: ${failed.find(([m]) => m === 'shared')[1]}`);
    if (kind === 'panics') t.diagnostic(`screenshot: ${await screenshot(await page.$('section.bench'), 'bench-fault.png')}`);
  }
  await page.selectOption('#fault-kind', '');
  await sweep(page);
  assert.deepEqual(await failedRows(page), [], 'without the fault every point is correct');
  assert.deepEqual((await goodRows(page)).sort(), ['gil', 'gil', 'isolated', 'isolated', 'main', 'pool', 'pool', 'shared', 'shared']);
  assert.equal(await workersSettleAt(page, poolWorkers + 2), poolWorkers + 2, 'a new shared-memory pool and the reused isolated pool of 2');
  // What the faults logged (the panic messages, the traps) and nothing else.
  const unexpected = errors.filter(e => !/failed on purpose|unreachable|RuntimeError|^Error$|panicked/.test(e));
  assert.deepEqual(unexpected, []);
  await page.close();
});
