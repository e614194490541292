// Every input is taken or refused clearly, on the served page in headless Chromium: the failing
// task of the fault injection (out of range, not a number, past the last task after the task
// count drops), a failing task in every bench engine without an uncaught page error, a share
// link pasted into the address bar during a run (opened when the run ends), links with values no
// machine could have measured, and the quick run's worker slider set to any value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, poolReady, setRange } from './harness.mjs';

const env = servedPage();

/** A page that keeps its uncaught page errors apart from what the console says. */
async function open(url = env.server.url) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', e => pageErrors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('main');
  return { page, context, pageErrors, consoleErrors };
}

const notice = page => page.$eval('.notice', el => el.textContent).catch(() => null);

/**
 * Waits up to 5 s for the page to show `want` — { notice: text, a RegExp or null for none,
 * field: the failing task's value } — then checks it, saying what the page shows.
 */
async function shows(page, want, what) {
  const now = async () => ({ notice: await notice(page), field: await page.inputValue('#fault-task') });
  const matches = got => (want.field === undefined || got.field === want.field) &&
    (want.notice === undefined || (want.notice === null ? got.notice === null : want.notice instanceof RegExp ? want.notice.test(got.notice ?? '') : got.notice === want.notice));
  let got = await now();
  for (let i = 0; i < 50 && !matches(got); i++) {
    await page.waitForTimeout(100);
    got = await now();
  }
  assert.ok(matches(got), `${what}: the page shows ${JSON.stringify(got)}, wanted ${want.notice} and the field at ${want.field}`);
}

/** Types `value` into the failing task's field as a person would, then leaves the field. */
/** Enters `value` in the failing-task field and commits it, as Enter or leaving the field does. */
async function typeFaultTask(page, value) {
  await page.$eval('#fault-task', (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function sweep(page) {
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 240_000 });
}

// Share links written here byte by byte, as src/share.rs lays them out: postcard's varints
// (u8 and bool as one byte, Option as a 0/1 tag), then a little-endian CRC-32 (IEEE) of the
// fields, in base64url without padding after "#v1.".
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function varint(n) {
  let v = BigInt(n);
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
/**
 * A link's fragment. `modes` is a bit set of the bench's engines (1: shared memory, 2: with
 * the GIL, 4: isolated pool reused, 8: isolated pool per call); `points` are
 * [engine (0 serial, i + 1 bit i), workers, median ns, min ns, max ns, samples].
 */
function linkFragment({ workload = 0, tasks = 10, size = 100, modes = 7, repetitions = 1, maxWorkers = 0, view = 0, workers = 2, preset = 0, results = null }) {
  const b = [workload, ...varint(tasks), ...varint(size), modes, repetitions, ...varint(maxWorkers), view, ...varint(workers), preset];
  if (results) {
    const { cores, effectiveCores = null, points } = results;
    const browser = [...Buffer.from('Chrome 156')];
    b.push(1, ...varint(cores), ...varint(browser.length), ...browser, 1, ...varint(2026), 11, 22);
    if (effectiveCores === null) b.push(0);
    else b.push(1, ...varint(effectiveCores));
    b.push(...varint(points.length));
    for (const [mode, k, median, min, max, samples] of points) {
      b.push(mode, ...varint(k), ...varint(median), ...varint(min), ...varint(max), samples);
    }
  } else {
    b.push(0);
  }
  b.push(0); // no timeline
  const crc = crc32(b);
  b.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24);
  return `#v1.${Buffer.from(b).toString('base64url')}`;
}

test('the failing task is taken only within 0 to tasks − 1, refusals keep the old one, and fewer tasks move it', async () => {
  const { page, context, pageErrors } = await open();
  await page.click('.fault-injection summary');
  await page.selectOption('#fault-kind', 'panics');
  await typeFaultTask(page, '2');
  await shows(page, { notice: null, field: '2' }, 'task 2 of 10');
  for (const [typed, got] of [['-3', '"-3"'], ['12345678901234567890', '"12345678901234567890"'], ['10', '"10"'], ['1.5', '"1.5"']]) {
    await typeFaultTask(page, typed);
    await shows(page, {
      notice: `the failing task must be a whole number from 0 to 9 (the 10 tasks are numbered from 0); got ${got}, kept task 2`,
      field: '2',
    }, `${typed} is refused and the field shows the task kept`);
  }
  await typeFaultTask(page, '9');
  await shows(page, { notice: null, field: '9' }, 'task 9 of 10');
  await setRange(page, '#bench-tasks', 4);
  await shows(page, { notice: 'the failing task is now task 3, the last of 4 (task 9 is past the end)', field: '3' },
    'the last of 4 tasks fails now, and the field says so');
  assert.equal(await page.getAttribute('#fault-task', 'max'), '3');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a task that fails in any bench engine is reported on the page without an uncaught page error', async (t) => {
  const { page, context, pageErrors, consoleErrors } = await open();
  await poolReady(page, consoleErrors);
  await setRange(page, '#bench-tasks', 3);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 2);
  await page.check('input[data-mode=isolated]');
  await page.click('.fault-injection summary');
  for (const kind of ['panics', 'traps']) {
    await page.selectOption('#fault-kind', kind);
    await typeFaultTask(page, '2');
    await shows(page, { notice: null, field: '2' }, `task 2 ${kind}`);
    await sweep(page);
    const failed = await page.$$eval('.sweep-table tr.failed', rows => rows.map(r => [r.dataset.mode, r.querySelector('.error').textContent]));
    assert.deepEqual(failed.map(([mode]) => mode).sort(), ['gil', 'gil', 'isolated', 'isolated', 'main', 'pool', 'pool', 'shared', 'shared'], `${kind}: every point failed`);
    for (const [mode, why] of failed) assert.match(why, /^task 2 failed /, `${kind} in ${mode}: ${why}`);
    // A trap's error event can come after the run has failed on the panic's message.
    await page.waitForTimeout(500);
    assert.deepEqual(pageErrors, [], `${kind}: no uncaught page error (points failed: ${JSON.stringify(failed)})`);
    t.diagnostic(`${kind}: ${failed.length} points failed, each naming task 2; ${consoleErrors.length} console errors so far (the panics' and traps' own reports)`);
  }
  await context.close();
});

test('a link pasted into the address bar during a run is opened when the run ends, saying so', async () => {
  const { page, context, pageErrors, consoleErrors } = await open();
  await poolReady(page, consoleErrors);
  // Sleeping tasks: a run long enough to paste into, and cancelled at once.
  await page.selectOption('#bench-workload', '1');
  const link = linkFragment({ workload: 1, tasks: 7, modes: 1, maxWorkers: 2 });
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.evaluate(fragment => { location.hash = fragment; }, link);
  await page.waitForFunction(() => document.querySelector('.notice')?.textContent.includes('will be opened when the run finishes'));
  assert.equal(await page.inputValue('#bench-tasks'), '10', 'nothing changes mid-run');
  assert.equal(await page.evaluate(() => location.hash), link, 'the address bar shows the link waiting');
  await page.click('#cancel-sweep');
  await page.waitForSelector('main[data-running=false]', { timeout: 10_000 });
  assert.match(await notice(page), /^The run has finished, so the link from the address bar is open now\./);
  assert.equal(await page.inputValue('#bench-tasks'), '7', 'the link was applied');
  assert.equal(await page.inputValue('#bench-max'), '2');
  assert.equal(await page.isChecked('input[data-mode=gil]'), false);
  assert.equal(await page.evaluate(() => location.hash), link, 'the address bar shows the configuration applied');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('links with effective cores above twice hardwareConcurrency or all-zero times are refused naming the limit', async () => {
  const serial = median => [0, 1, median, median, median, 1];
  const cases = [
    [{ cores: 2, effectiveCores: 4, points: [serial(10_000_000)] }, null],
    [{ cores: 2, effectiveCores: 1000, points: [serial(10_000_000)] },
      'This link could not be opened: the measured effective cores (at most twice the link\'s hardwareConcurrency) must be between 1 and 4; the link says 1000. Nothing from it was applied.'],
    [{ cores: 2, points: [serial(0), [1, 1, 0, 0, 0, 1]] },
      'This link could not be opened: every median time in the link\'s results is 0 ns; a sweep that ran has at least one above 0. Nothing from it was applied.'],
  ];
  for (const [results, message] of cases) {
    const { page, context, pageErrors } = await open(env.server.url + linkFragment({ results }));
    await page.waitForSelector('#bench-tasks');
    if (message === null) {
      await page.waitForSelector('#theirs');
      assert.equal(await notice(page), null, 'a link the page could have written opens');
    } else {
      await page.waitForSelector('.notice');
      assert.equal(await notice(page), message);
      assert.equal(await page.$$eval('#theirs', e => e.length), 0, 'nothing of it is shown');
    }
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});

test('the worker slider and its label agree whatever value the slider is given', async () => {
  const { page, context, pageErrors } = await open();
  const max = Number(await page.getAttribute('#workers', 'max'));
  for (const event of ['input', 'change']) {
    for (const value of ['1e9', '3', '0', '-5', 'abc', '2.6', String(max + 1), '1']) {
      const seen = await page.$eval('#workers', (el, [v, type]) => {
        el.value = v;
        el.dispatchEvent(new Event(type, { bubbles: true }));
        return el.value;
      }, [value, event]);
      // The page renders after the event: give it a moment to agree.
      const agree = () => page.$eval('#workers', el => `${el.value} of ${el.max}` === document.querySelector('#workers-value').textContent);
      for (let i = 0; i < 50 && !(await agree()); i++) await page.waitForTimeout(100);
      const slider = await page.inputValue('#workers');
      const label = await page.textContent('#workers-value');
      assert.equal(label, `${slider} of ${max}`, `after ${value} (${event}): slider ${slider}, label "${label}"`);
      assert.equal(slider, seen, `after ${value} (${event}): the slider keeps the value it took`);
    }
    assert.equal(await page.inputValue('#workers'), '1');
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});
