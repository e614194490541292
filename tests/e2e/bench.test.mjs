// The experiment bench end to end in headless Chromium: a small sweep draws one series per
// engine with a point per worker count and an Amdahl fit up to the cores, its legend covers no
// point on the page or in the exported chart, the export says what was measured where, Cancel
// stops a sweep and keeps what was measured, and the bench fits desktop and phone screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { servedPage, openPage, screenshot, setRange } from './harness.mjs';
const env = servedPage();


/** A page with a small sweep configured: 2 tasks at 10% size, shared memory and the reused pool. */
async function smallSweep(viewport) {
  const { page, errors } = await openPage(env.browser, env.server.url, viewport);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-size', 10);
  await page.uncheck('input[data-mode=gil]');
  return { page, errors };
}

/** Saves what clicking `selector` downloads; returns its bytes. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFile(await file.path());
}

/**
 * In the chart SVG `selector` finds: how many points the plot has, and which of them the
 * legend's or the caption's box touches (boxes as the browser lays them out).
 */
const coveredPoints = (page, selector) => page.$eval(selector, svg => {
  const box = el => el.getBoundingClientRect();
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const points = [...svg.querySelectorAll('g.plot .point')].map(box);
  const covering = [...svg.querySelectorAll('g.legend, g.caption')].map(box);
  return {
    points: points.length,
    legendItems: svg.querySelectorAll('g.legend text').length,
    covered: points.filter(p => covering.some(c => meets(c, p))).map(p => [p.x, p.y]),
  };
});

/**
 * The fitted curves of the page's chart: per engine, the right end of its curve and the centre
 * of the point it was fitted up to (each series' points follow one another, in worker order).
 */
const fitEnds = (page, upTo) => page.$eval('#chart svg', (svg, upTo) => {
  const circles = [...svg.querySelectorAll('g.plot .point')];
  const perSeries = circles.length / 2;
  return [...svg.querySelectorAll('g.plot polyline.fit')].map((curve, i) => {
    const end = circles[i * perSeries + upTo - 1].getBoundingClientRect();
    return { mode: curve.dataset.mode, right: curve.getBoundingClientRect().right, point: end.x + end.width / 2 };
  });
}, upTo);

const rowsOf = page => page.$$eval('.sweep-table tbody tr:not(.failed)', rows => rows.map(r => [r.dataset.mode, Number(r.dataset.workers)]));

test('a small sweep draws one series per engine with a point per worker count', async (t) => {
  const { page, errors } = await smallSweep({ width: 1280, height: 720 });
  const max = Number(await page.$eval('#bench-max', el => el.value));
  assert.equal(max, Number(await page.getAttribute('#workers', 'max')), 'the sweep goes to the page maximum by default');
  // Each engine is named by what a Python learner runs today (3.14).
  const analogs = await page.textContent('#bench-analogs');
  for (const words of ['free-threaded CPython 3.14t', 'with the GIL', 'multiprocessing.Pool', 'InterpreterPoolExecutor']) {
    assert.ok(analogs.includes(words), `the bench names "${words}": ${analogs}`);
  }
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
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const upTo = Math.min(cores, max);
  const fitted = cores >= 2 ? [`Amdahl fit over 1–${upTo} workers: serial`] : [];
  for (const label of ['workers', 'elapsed (ms)', 'hardwareConcurrency', 'shared memory', 'isolated pool (reused)', ...fitted]) {
    assert.ok(svg.includes(label), `the chart shows "${label}"`);
  }
  assert.ok(!svg.includes('Amdahl serial fraction'), 'no fraction fitted over every worker count');
  const onPage = await coveredPoints(page, '#chart svg');
  assert.equal(onPage.points, 2 * max, 'a point per engine and worker count');
  assert.ok(onPage.legendItems >= 5, `the legend has ${onPage.legendItems} entries`);
  assert.deepEqual(onPage.covered, [], 'the legend covers no point');
  // Each engine's fitted curve runs from 1 worker to the cores, and no further.
  const ends = await fitEnds(page, upTo);
  assert.deepEqual(ends.map(e => e.mode), cores >= 2 ? ['shared', 'pool'] : [], 'a fitted curve per engine');
  for (const e of ends) {
    assert.ok(Math.abs(e.right - e.point) < 3, `${e.mode}: the fit ends at ${e.right.toFixed(1)} px, the point at ${upTo} workers is at ${e.point.toFixed(1)} px`);
  }
  // A sentence per engine under the chart, from its numbers.
  const notes = await page.$$eval('#fits li', items => items.map(li => li.textContent));
  assert.equal(notes.length, 2, notes.join('\n'));
  for (const [i, engine] of ['shared memory', 'isolated pool (reused)'].entries()) {
    assert.ok(notes[i].startsWith(`${engine}: `), notes[i]);
    if (cores >= 2) assert.match(notes[i], new RegExp(`Amdahl's law fitted over 1–${upTo} workers puts the serial fraction at \\d+%`));
    if (max > cores) assert.match(notes[i], new RegExp(`past the ${cores} cores?, the speedup (stayed|was|ranged)`));
  }
  for (const note of notes) t.diagnostic(note);
  const diagnostics = await page.textContent('#diagnostics');
  // Chromium reports long tasks and long animation frames both.
  assert.match(diagnostics, /Main thread during \d+ worker runs: (longest task \d+ ms \(\d+ over 50 ms\)|no task over 50 ms); (longest animation frame \d+ ms \(\d+ over 50 ms\)|no animation frame over 50 ms); longest gap between timer ticks [\d.]+ ms; \d+ of \d+ frames late\./);
  t.diagnostic(diagnostics);
  t.diagnostic(`screenshot: ${await screenshot(page, 'bench-desktop.png')}`);
  for (const view of ['speedup', 'efficiency']) {
    await page.click(`input[name=view][value=${view}]`);
    assert.ok((await page.$eval('#chart svg', el => el.outerHTML)).includes(view === 'speedup' ? 'speedup over serial' : 'efficiency'));
    assert.equal(await page.$$eval('#chart svg polyline.fit', c => c.length), ends.length, `${view}: the fitted curves`);
    assert.deepEqual((await coveredPoints(page, '#chart svg')).covered, [], `${view}: the legend covers no point`);
  }
  await page.click('input[name=view][value=time]');

  // The exported chart says what it shows, and its caption and legend cover no point either.
  const file = (await download(page, '#export-svg')).toString();
  const [, width, height] = file.match(/^<svg width="(\d+)" height="(\d+)"/) ?? [];
  assert.equal(width, '900', file.slice(0, 200));
  await page.evaluate(svg => {
    const shown = document.createElement('div');
    shown.id = 'exported';
    shown.style.width = 'max-content';
    shown.innerHTML = svg;
    document.body.append(shown);
  }, file);
  // Long caption lines wrap: read the caption's and the legend's lines as running text.
  const said = await page.$eval('#exported svg', svg => [...svg.querySelectorAll('g.caption text, g.legend text')].map(t => t.textContent).join(' '));
  const sizes = (await page.textContent('output[for=bench-size]')).split(' — ').slice(1).join(' — ');
  const reps = Number(await page.$eval('#bench-reps', el => el.value));
  for (const text of ['corescope — elapsed time against workers', `2 tasks of ${sizes} (10% of the seed's size), median of ${reps} run${reps === 1 ? '' : 's'} per point`,
    'engines: shared memory, isolated pool (reused)', `with hardwareConcurrency ${cores}`, ...fitted]) {
    assert.ok(said.includes(text), `the exported chart says "${text}": ${said}`);
  }
  assert.match(said, /measured in .+ with hardwareConcurrency \d+.*, on \d{4}-\d\d-\d\d/);
  const exported = await coveredPoints(page, '#exported svg');
  assert.equal(exported.points, 2 * max);
  assert.deepEqual(exported.covered, [], 'the exported legend and caption cover no point');
  t.diagnostic(`exported chart: ${await screenshot(await page.$('#exported'), 'bench-export.png')}`);
  const png = await download(page, '#export-png');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1800, 2 * Number(height)], 'the whole chart at twice its size');
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
  // A phone's chart leaves its legend to the page, as a list under it.
  assert.equal(await page.$$eval('#chart svg g.legend', g => g.length), 0);
  // Each item's words, without its marker's shape.
  const legend = await page.$$eval('.chart-legend .item', items => items.map(i => i.textContent.replace(/^[●▲■◆]/, '').trim()));
  for (const engine of ['shared memory', 'isolated pool (reused)']) {
    assert.ok(legend.includes(engine), `the phone's legend lists ${engine}: ${legend.join('; ')}`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone screen`);
  t.diagnostic(`cancel took ${stoppedMs.toFixed(1)} ms; ${kept} points kept; ${workers} workers alive`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'bench-phone.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the largest list append fits the shared memory and is accepted', async () => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.selectOption('#bench-workload', '3');
  await setRange(page, '#bench-size', 1000);
  assert.equal(await page.$('.notice'), null);
  assert.match(await page.textContent('output[for=bench-size]'), /^1000% of the seed's/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the race sweeps as a workload: free threads may lose updates, the lock and the loop never', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const options = await page.$$eval('#bench-workload option', os => os.map(o => [o.value, o.textContent]));
  const races = options.filter(([, text]) => text.startsWith('race on a global'));
  assert.deepEqual(races.map(([v]) => v), ['9', '10', '11'], 'after the script, so older links keep their numbers');
  await page.check('input[data-mode=asyncio]');
  await page.uncheck('input[data-mode=pool]');
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-size', 20);
  await setRange(page, '#bench-max', 2);
  const sweep = async (workload) => {
    await page.selectOption('#bench-workload', workload);
    await page.click('#run-sweep');
    await page.waitForSelector('main[data-running=true]');
    await page.waitForSelector('main[data-running=false]', { timeout: 240_000 });
    assert.equal(await page.$$eval('.sweep-table tr.failed', r => r.length), 0);
    return page.$$eval('.sweep-table tbody tr:not(.failed)', rows => rows.map(r => [r.dataset.mode, Number(r.dataset.workers), r.querySelector('td.checked').textContent]));
  };
  // 4 tasks of 100,000 adds each (20% of the seed's 500,000): 400,000 in all.
  const full = 400_000;
  const ended = text => Number(text.match(/it ended at (\d+)/)?.[1]);
  for (const [mode, k, text] of await sweep('9')) {
    t.diagnostic(`no lock, ${mode} × ${k}: ${text}`);
    assert.ok(ended(text) <= full, text);
    if (mode === 'asyncio' || mode === 'main' || mode === 'gil' || k === 1) assert.equal(ended(text), full, text);
  }
  for (const [mode, k, text] of await sweep('10')) {
    assert.equal(ended(text), full, `with a lock, ${mode} × ${k}: ${text}`);
  }
  t.diagnostic(`screenshot: ${await screenshot(page, 'bench-race.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});
