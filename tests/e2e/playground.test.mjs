// The playground (play.html) in headless Chromium: a visitor's own task, written in the editor,
// runs on every engine and is checked against the serial run; a broken script says where on
// the row of each engine that met it; an endless loop stops at the page's limit and a long
// script on Cancel; the address carries the
// script, and opening it in a fresh browser context shows the script without running it. The
// page's usual module has no interpreter: it links to the playground and hands a script's link
// over to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, openPage, poolReady, screenshot, setRange, isolatedWorkerGlues } from './harness.mjs';

const env = servedPage();

/** Sweeps, and waits until the sweep has ended with every row's result matching `done` (a
 * failing script's sweep can end before a check for "running" would see it). */
async function sweep(page, done, timeout = 120_000) {
  await page.click('#run-sweep');
  await page.waitForFunction(re => {
    const rows = [...document.querySelectorAll('.sweep-table tbody tr')];
    return document.querySelector('main')?.dataset.running === 'false' && rows.length > 0
      && rows.every(r => new RegExp(re).test(r.textContent));
  }, done.source, { timeout });
}

/** The sweep table's rows: engine@workers → what its result cell says. */
const results = page => page.$$eval('.sweep-table tbody tr', rows => rows.map(r => r.textContent.trim()));

test('a script runs on every engine, checked; a broken one says where; an endless one stops at a limit, a long one on Cancel', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`, { width: 1280, height: 900 });
  await poolReady(page, errors);
  // The playground opens on the editor, with seed 000's sleep-add.
  assert.equal(await page.$eval('#bench-workload', s => s.selectedOptions[0].textContent), 'your script — write your own task');
  assert.match(await page.inputValue('#script'), /sleep\(100\);/);
  assert.match(await page.textContent('#script-check'), /^✓ compiles/);
  t.diagnostic(`editor: ${await screenshot(await page.$('.script-editor'), 'playground-editor.png')}`);

  // Every engine, the seed's global total included: 4 tasks on 1–2 workers.
  if (!(await page.isChecked('input[data-mode=isolated]'))) await page.check('input[data-mode=isolated]');
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-max', 2);
  await page.selectOption('#script-example', { label: '3,000,000-step loop (seed 000)' });
  await page.fill('#script', (await page.inputValue('#script')).replace('3000000', '30000'));
  await sweep(page, /✓ \[11, 12, 13, 14\]/);
  const rows = await results(page);
  assert.equal(rows.length, 9, `rows: ${rows.join(' | ')}`);
  for (const row of rows) assert.match(row, /✓ \[11, 12, 13, 14\]/, row);

  // A syntax error shows at once, with its line and column; a run-time error on every row.
  await page.fill('#script', 'fn task(i) {\n  let x = ;\n}\n');
  assert.match(await page.textContent('#script-check'), /^line 2, column 11: /);
  await page.fill('#script', 'fn task(i) {\n  i + y\n}\n');
  await sweep(page, /task 0: line 2, column 7: Variable not found: y/);
  t.diagnostic(`error: ${await screenshot(page, 'playground-error.png')}`);

  // An endless loop: its serial answer, worked out on the page's own thread, stops at the
  // page's limit, and no engine runs it.
  await page.fill('#script', 'fn task(i) {\n  loop { }\n}\n');
  await sweep(page, /task 0: stopped: a script task may run 3 s on the page's own thread/, 60_000);

  // A long script stops on Cancel in a worker: the interpreter's hook sees it.
  await page.fill('#script', 'fn task(i) {\n  let n = 0;\n  while n < 3000000 { n += 1; }\n  n + i\n}\n');
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForFunction(() => /now shared memory/.test(document.querySelector('#sweep-status')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.waitForTimeout(200);
  const before = Date.now();
  await page.click('#cancel-sweep');
  await page.waitForSelector('main[data-running=false]', { timeout: 10_000 });
  const took = Date.now() - before;
  t.diagnostic(`Cancel stopped a running script in ${took} ms`);
  assert.ok(took < 3000, `Cancel took ${took} ms`);
  assert.match(await page.textContent('#sweep-status'), /^Cancelled/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the playground\'s isolated workers load the workers\' module with the interpreter', async () => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play?bench`);
  await poolReady(page, errors);
  // Workers start from a script of the workers' glue once the page has made it.
  await page.waitForFunction(() => performance.getEntriesByName('corescope:worker-script-ready').length > 0);
  // A checked run on the reused pool, whose workers stay alive: four tasks of 20 + i.
  const [, total] = await page.evaluate(() => window.corescope.bench_script('pool', 'fn task(i) { 20 + i }', 4, 2));
  assert.equal(total, 0, 'the page\'s total is untouched by isolated workers');
  const glues = await isolatedWorkerGlues(page);
  assert.equal(glues.length, 2, 'the reused pool\'s two workers');
  // Each started from the script the page made of the workers' glue: no fetch of its own.
  for (const glue of glues) assert.deepEqual(glue, { script: 'blob', glue: ['/pkg-worker-script/corescope_worker.js'], fetched: [] });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the global total is one lesson with an answer per memory: shared by threads, counted from 0 by each worker', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`, { width: 1280, height: 900 });
  await poolReady(page, errors);
  if (!(await page.isChecked('input[data-mode=isolated]'))) await page.check('input[data-mode=isolated]');
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-max', 2);
  await page.selectOption('#script-example', { label: 'global total (seed 000)' });
  assert.match(await page.inputValue('#script'), /total\(\)/, 'the example returns the total it saw');
  await sweep(page, /✓ /);
  const rows = await page.$$eval('.sweep-table tbody tr', rows => rows.map(r => ({
    mode: r.dataset.mode, workers: Number(r.dataset.workers), text: r.textContent.trim() })));
  assert.equal(rows.length, 9, rows.map(r => r.text).join(' | '));
  for (const row of rows) {
    if (['main', 'shared', 'gil'].includes(row.mode)) {
      assert.match(row.text, /total: it ended at 20, as serially/, row.text);
    } else if (row.workers === 2) {
      // Each worker's values count 5, 10… from its own 0, however the tasks were shared out.
      assert.match(row.text, /each worker counted from its own 0: (worker \d \[5(, 10)?(, 15)?(, 20)?\](, )?)+; the page's total stayed 0 \(serially 20\)/, row.text);
    } else {
      assert.match(row.text, /each worker counted from its own 0: worker 0 \[5, 10, 15, 20\]/, row.text);
    }
  }
  t.diagnostic(rows.map(r => `${r.mode} ${r.workers}: ${r.text.slice(r.text.indexOf('✓'))}`).join('\n'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a script that would sleep for a day ends on every engine without Cancel, naming the limit', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`, { width: 1280, height: 900 });
  await poolReady(page, errors);
  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-max', 2);
  await page.fill('#script', 'fn task(i) {\n  sleep(86400000);\n  i\n}\n');
  const started = Date.now();
  await sweep(page, /sleep\(86400000\) would bring this task's sleeping to 86,400 s, past the 10 s a task may sleep/, 60_000);
  const rows = await results(page);
  assert.ok(rows.length >= 5, rows.join(' | '));
  t.diagnostic(`${rows.length} rows refused in ${Date.now() - started} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('on asyncio a script\'s sleeps are awaits: two coroutines halve the sleeping, and a read, sleep, write loses updates', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`, { width: 1280, height: 900 });
  await poolReady(page, errors);
  for (const mode of ['shared', 'gil', 'pool', 'isolated']) {
    const box = `input[data-mode=${mode}]`;
    if (await page.$(box) && await page.isChecked(box)) await page.uncheck(box);
  }
  if (!(await page.isChecked('input[data-mode=asyncio]'))) await page.check('input[data-mode=asyncio]');
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-max', 2);
  // Seed 000's sleep-add: four 100 ms sleeps, serially 400 ms.
  await page.selectOption('#script-example', { label: 'sleep-add (seed 000)' });
  await sweep(page, /✓ \[11, 12, 13, 14\]/);
  const ms = await page.$$eval('.sweep-table tbody tr', rows => Object.fromEntries(rows.map(r =>
    [`${r.dataset.mode}@${r.dataset.workers}`, Number(r.querySelector('[data-ms]').dataset.ms)])));
  t.diagnostic(JSON.stringify(ms));
  assert.ok(ms['asyncio@1'] >= 400, `one coroutine sleeps in turn: ${ms['asyncio@1']} ms`);
  assert.ok(ms['asyncio@2'] < 0.75 * ms['asyncio@1'], `two coroutines: ${ms['asyncio@2']} ms against ${ms['asyncio@1']} ms`);

  // Read, await, write: every coroutine reads before any writes, so updates are lost.
  await page.fill('#script', 'fn task(i) {\n  let t = total();\n  sleep(20);\n  set_total(t + 1);\n  t\n}\n');
  await sweep(page, /✓ /);
  const two = await page.textContent('.sweep-table tbody tr[data-mode=asyncio][data-workers="2"]');
  assert.match(two, /it ended at 2, short of the serial 4 by 2 \(50\.0%\): updates lost/, two);
  assert.match(await page.textContent('.sweep-table tbody tr[data-mode=asyncio][data-workers="1"]'), /it ended at 4, as serially/);
  t.diagnostic(`asyncio: ${await screenshot(await page.$('.sweep-table'), 'playground-asyncio.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link carries the script and opens it in the editor without running it', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`);
  await poolReady(page, errors);
  const source = 'fn task(i) {\n  // <b>not html</b>\n  add_to_total(i);\n  "t" + i\n}\n';
  await page.fill('#script', source);
  await page.waitForFunction(() => location.hash.length > 10);
  const link = page.url();
  assert.match(link, /play(\.html)?#v1\./);
  await page.close();

  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const fresh = await context.newPage();
  const freshErrors = [];
  fresh.on('pageerror', e => freshErrors.push(e.message));
  await fresh.goto(link);
  await fresh.waitForSelector('#script');
  assert.equal(await fresh.inputValue('#script'), source);
  assert.equal(await fresh.$('.script-editor b'), null, 'nothing from a script is rendered as HTML');
  assert.equal(await fresh.$$eval('.sweep-table tbody tr', r => r.length).catch(() => 0), 0, 'nothing ran');
  t.diagnostic(`shared script: ${await screenshot(fresh, 'playground-shared.png')}`);

  // The page's usual module hands a script's link over to the playground.
  const lean = await context.newPage();
  await lean.goto(`${env.server.url}#${link.split('#')[1]}`);
  await lean.waitForURL(/play(\.html)?#v1\./, { timeout: 30_000 });
  await lean.waitForSelector('#script');
  assert.equal(await lean.inputValue('#script'), source);
  const home = await context.newPage();
  await home.goto(env.server.url);
  await home.waitForSelector('.playground-link');
  assert.equal(await home.$('#script'), null, 'the usual page has no editor');
  assert.deepEqual(freshErrors, []);
  await context.close();
});
