// Timelines and the effective-core measurement on the served page in headless Chromium: the
// GIL preset's timeline shows ten lanes taking turns, the sleep preset's ten lanes sleeping at
// once, the bench's points open their own timelines, and the measured cores appear beside
// hardwareConcurrency and travel in a share link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { servedPage, openPage, screenshot, setRange } from './harness.mjs';

const env = servedPage();

/** Clicks `selector` and reads the trace it downloads (Chrome Trace Event JSON). */
async function downloadTrace(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  assert.match(file.suggestedFilename(), /^corescope-\d{4}-\d{2}-\d{2}\.trace\.json$/);
  return JSON.parse(await readFile(await file.path(), 'utf8'));
}

/** The X slices of a trace by process and thread. */
function slicesByThread(trace) {
  const threads = new Map();
  for (const e of trace.traceEvents.filter(e => e.ph === 'X')) {
    const key = `${e.pid}/${e.tid}`;
    if (!threads.has(key)) threads.set(key, []);
    threads.get(key).push(e);
  }
  return threads;
}

/** Runs a preset and opens the timeline of its step `step`; returns the timeline's facts. */
async function presetTimeline(page, preset, step) {
  await page.click(`button[data-preset=${preset}]`);
  await page.click('#run-preset');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  await page.click(`tr[data-step="${step}"] button.show-timeline`);
  await page.waitForSelector('section.lessons #timeline svg');
  return page.$eval('#timeline', el => ({
    mode: el.dataset.mode,
    lanes: Number(el.dataset.lanes),
    summary: el.querySelector('#timeline-summary').textContent,
    svg: el.querySelector('svg').outerHTML,
  }));
}

test('the GIL and sleep presets show their lanes on one clock', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 1280, height: 900 });
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const stepIds = async () => page.$$eval('section.lessons tr[data-step]', rows => rows.map(r => [r.dataset.step, r.dataset.engine]));

  await page.click('button[data-preset=gil]');
  const gilStep = (await stepIds()).filter(([, e]) => e === 'gil').pop()[0];
  const gil = await presetTimeline(page, 'gil', gilStep);
  assert.equal(gil.mode, 'gil');
  assert.equal(gil.lanes, 10, 'ten threads, ten lanes');
  assert.match(gil.summary, /at most 1 task computing at once/);
  assert.ok(gil.svg.includes('thread '), 'lanes are named');
  t.diagnostic(`GIL: ${gil.summary}`);
  t.diagnostic(`screenshot: ${await screenshot(await page.$('#timeline'), 'timeline-gil.png')}`);

  // The step's trace for Perfetto: ten named threads, and every GIL-held slice inside a task on
  // its own thread; no two slices of a thread overlap unless one holds the other.
  const trace = await downloadTrace(page, '#trace-timeline');
  assert.match(await page.textContent('#trace-status'), /ui\.perfetto\.dev/);
  const threads = slicesByThread(trace);
  const named = trace.traceEvents.filter(e => e.ph === 'M' && e.name === 'thread_name' && /^thread \d+$/.test(e.args.name));
  assert.equal(named.length, 10);
  let held = 0;
  for (const [thread, slices] of threads) {
    for (const a of slices) for (const b of slices) {
      const nest = (a.ts <= b.ts && b.ts + b.dur <= a.ts + a.dur) || (b.ts <= a.ts && a.ts + a.dur <= b.ts + b.dur);
      assert.ok(nest || a.ts + a.dur <= b.ts || b.ts + b.dur <= a.ts, `${thread}: ${a.name} and ${b.name} overlap`);
    }
    for (const h of slices.filter(s => s.name === 'holding the GIL')) {
      held++;
      assert.ok(slices.some(s => s.cat === 'task' && s.args.task === h.args.task && s.ts <= h.ts && h.ts + h.dur <= s.ts + s.dur),
        `${thread}: a GIL slice of task ${h.args.task} outside its task`);
    }
  }
  assert.ok(held >= 10, `${held} GIL-held slices`);
  t.diagnostic(`GIL trace: ${trace.traceEvents.length} events; first: ${JSON.stringify(trace.traceEvents.slice(0, 6))}`);

  await page.click('button[data-preset=sleep]');
  const sleepStep = (await stepIds()).find(([, e]) => e === 'shared')[0];
  const sleep = await presetTimeline(page, 'sleep', sleepStep);
  assert.equal(sleep.lanes, 10);
  assert.match(sleep.summary, /ms of sleeping summed over lanes/);
  t.diagnostic(`sleep: ${sleep.summary}`);
  t.diagnostic(`screenshot: ${await screenshot(await page.$('#timeline'), 'timeline-sleep.png')}`);

  await page.click('#close-timeline');
  assert.equal(await page.$$eval('#timeline', e => e.length), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bench points and quick runs open their timelines; a sweep predicts and exports its trace', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await setRange(page, '#workers', 2);
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  await page.click('section.quick tr[data-engine=isolated] button.show-timeline');
  const quick = await page.$eval('section.quick #timeline', el => ({ lanes: Number(el.dataset.lanes), text: el.textContent }));
  assert.ok(quick.lanes >= 1 && quick.lanes <= 2, `${quick.lanes} lanes for 2 workers`);
  assert.match(quick.text, /worker start-up \d+ ms/, 'a pool created for the run shows its start-up');
  await screenshot(await page.$('section.quick #timeline'), 'timeline-isolated.png');

  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 2);
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  await page.click('.sweep-table tr[data-mode=gil][data-workers="2"] button.show-timeline');
  const bench = await page.$eval('section.bench #timeline', el => ({ mode: el.dataset.mode, lanes: Number(el.dataset.lanes), text: el.textContent }));
  assert.equal(bench.mode, 'gil');
  assert.equal(bench.lanes, 2);
  assert.match(bench.text, /shared memory \+ GIL, 2 workers/);

  // What theory predicted, drawn beside what was measured and said in words.
  assert.match(await page.textContent('#predictions'), /^Predicted \(thin dotted lines\): each engine's schedule simulated from the serial run's 4 tasks/);
  assert.match(await page.textContent('#predictions'), /(Largest gap: .+: predicted .+, measured .+ \([+-]\d+%\) — .+\.|Every point measured is within 10% or 2 ms of its prediction)/);
  assert.ok((await page.textContent('#chart')).includes('predicted'), 'the legend names the predicted lines');
  t.diagnostic(`predictions: ${await page.textContent('#predictions')}`);

  // The whole sweep as one trace: every point its own process, named by engine and workers.
  const sweepTrace = await downloadTrace(page, '#export-trace');
  const processes = sweepTrace.traceEvents.filter(e => e.ph === 'M' && e.name === 'process_name').map(e => e.args.name);
  const points = await page.$$eval('.sweep-table tr[data-mode]', rows => rows.length);
  assert.equal(processes.length, points, processes.join('; '));
  assert.ok(processes.includes('shared memory + GIL, 2 workers'), processes.join('; '));
  assert.equal(sweepTrace.metadata.settings.tasks, 4);
  assert.ok(sweepTrace.traceEvents.some(e => e.ph === 's') && sweepTrace.traceEvents.some(e => e.ph === 'C'));

  // The timeline on show goes into the share link.
  await page.click('#copy-link');
  await page.waitForSelector('#share-link');
  const link = await page.inputValue('#share-link');
  const other = await openPage(env.browser, link);
  await other.page.waitForSelector('section.bench #timeline');
  await screenshot(other.page, 'timeline-theirs.png');
  const theirs = await other.page.$eval('section.bench #timeline', el => ({ mode: el.dataset.mode, lanes: Number(el.dataset.lanes), text: el.textContent }));
  assert.deepEqual([theirs.mode, theirs.lanes], ['gil', 2]);
  assert.match(theirs.text, /Timeline: theirs — shared memory \+ GIL, measured in/);
  // Their predictions are redrawn from what the link carries: the same costs, the same lines.
  const mine = await page.textContent('#predictions');
  const theirPredictions = await other.page.textContent('#predictions');
  assert.match(theirPredictions, /^Predicted for theirs \(thin dotted lines\): each engine's schedule simulated from the serial run's 4 tasks/);
  assert.match(theirPredictions, /(Largest gap in theirs: .+: predicted .+, measured .+ \([+-]\d+%\) — .+\.|Every point measured in theirs is within 10% or 2 ms of its prediction)/);
  const costs = text => text.match(/computing (\d+) ms, waiting (\d+) ms in all\), (\d+) cores' worth of computing, (.+?) per fresh worker's start-up and (.+?) per batch's messages/).slice(1);
  // The link carries whole microseconds, so a last printed digit may round the other way.
  // "nothing (...)" is said in their words beside mine.
  const near = (x, y, digit) => x === y || (x.startsWith('nothing') && y.startsWith('nothing'))
    || Math.abs(parseFloat(x) - parseFloat(y)) <= digit;
  const [a, b] = [costs(mine), costs(theirPredictions)];
  assert.ok(near(a[0], b[0], 1) && near(a[1], b[1], 1) && a[2] === b[2], `${a} beside ${b}`);
  assert.ok(near(a[3], b[3], 0.1) && near(a[4], b[4], 0.01), `${a} beside ${b}`);
  assert.ok((await other.page.textContent('#chart')).includes('predicted'), 'their predicted lines are drawn');
  t.diagnostic(`their predictions: ${theirPredictions}`);
  assert.deepEqual(other.errors, []);
  await other.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the measured effective cores show beside hardwareConcurrency and travel in a link', async (t) => {
  const context = await env.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const started = Date.now();
  await page.click('#facts summary');
  await page.click('#calibrate');
  await page.waitForSelector('#effective-cores[data-cores]', { timeout: 30_000 });
  const took = Date.now() - started;
  const cores = Number(await page.getAttribute('#effective-cores', 'data-cores'));
  const hc = Number(await page.textContent('#hardware-concurrency'));
  assert.ok(cores >= 1 && cores <= 2 * hc, `estimate ${cores}`);
  const text = await page.textContent('#effective-cores');
  assert.match(text, /cores' worth at best/);
  t.diagnostic(`effective cores ${cores} beside hardwareConcurrency ${hc} (measured in ${took} ms): ${text}`);

  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 1);
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  await page.click('#copy-link');
  await page.waitForSelector('#share-link');
  const link = await page.inputValue('#share-link');
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForSelector('#theirs');
  assert.match(await other.textContent('#theirs'), new RegExp(`effective cores measured: ${cores}\\)`));
  await context.close();
});
