// Unit tests of the bench's arithmetic and report (bench/stats.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, ratio, efficiency, meets, fmt, markdownTable, figures, figuresTable, pointsTable, scriptGain, scriptsTable } from './stats.mjs';

test('summaries: median of odd and even counts, min, max; nothing from nothing', () => {
  assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, n: 4 });
  assert.deepEqual(summarize([5, NaN]), { median: 5, min: 5, max: 5, n: 1 });
  assert.equal(summarize([]), null);
});

test('ratios, efficiency and targets', () => {
  assert.equal(ratio(3, 2), 1.5);
  assert.equal(ratio(3, 0), null);
  assert.equal(ratio(undefined, 2), null);
  assert.equal(efficiency(100, 50, 2), 1);
  assert.equal(efficiency(100, 100, 2), 0.5);
  assert.equal(meets(1.2, { at_most: 1.3 }), true);
  assert.equal(meets(1.4, { at_most: 1.3 }), false);
  assert.equal(meets(0.9, { at_least: 0.95 }), false);
  assert.equal(meets(null, { at_least: 0.95 }), null);
  assert.equal(meets(1.1, { within: [0.85, 1.15] }), true);
  assert.equal(meets(0.6, { within: [0.85, 1.15] }), false);
  assert.equal(fmt(1.234), '1.2');
  assert.equal(fmt(null), '—');
});

test('markdown tables line up their columns', () => {
  assert.equal(markdownTable(['a', 'b'], [[1, 'x']], [0]), '| a | b |\n| ---: | --- |\n| 1 | x |');
});

test('figures compare each workload with its native twin and check the targets', () => {
  const s = median => ({ median, min: median, max: median, n: 5 });
  const r = {
    hardware_concurrency: 2,
    points: [
      { workload: 0, workload_name: 'loop', mode: 'main', workers: 1, samples_ms: [210, 120], summary: s(120), native: s(100) },
      { workload: 0, workload_name: 'loop', mode: 'shared', workers: 1, samples_ms: [126, 120], summary: s(120), native: s(100) },
      { workload: 0, workload_name: 'loop', mode: 'shared', workers: 2, summary: s(80), native: s(50) },
    ],
    dispatch: { ...s(0.004), to_first_ms: 0.2, tasks_ms: 3.5, after_last_ms: 0.3 },
    spawn: s(30),
    trips: s(0.05),
    pool_created: s(90),
    pool_reused: s(2),
    tiny_tasks: 1000,
    pool_ready: { ms: 669.4, threads: 16 },
    largest_link: { chars: 8118, link: { median: 42.5, n: 3 }, render: { median: 20, n: 3 }, drawn: { median: 310, n: 3 }, predicted: { median: 150, n: 3 }, longest_task: { median: 80, max: 104, n: 3 }, click: { median: 120.4, n: 3 } },
    references: {
      js_echo: s(0.04), js_pool: { created: s(30), reused: s(1.5) },
      python: { version: '3.11.7', default_method: 'fork', pool_created: s(9), pool_created_by: { fork: s(9), spawn: s(60) }, pool_reused: s(1) },
    },
    longest_task_ms: 12,
    sizes: { 'pkg/corescope_bg.wasm': { raw: 1_000_000, gzip: 280_000 }, 'pkg/corescope.js': { raw: 60_000, gzip: 11_000 } },
  };
  const f = Object.fromEntries(figures(r).map(x => [x.name, x]));
  assert.equal(f['loop: wasm serial ÷ native serial'].value, 1.2);
  assert.equal(f['loop: wasm serial ÷ native serial'].met, true);
  // wasm: 120/80/2 = 0.75; native: 100/50/2 = 1 → 0.75, under 0.95.
  assert.equal(f["loop: shared-memory efficiency at k = 2 ÷ native rayon's"].value, 0.75);
  assert.equal(f["loop: shared-memory efficiency at k = 2 ÷ native rayon's"].met, false);
  // A first serial run that paid one-time costs: 126 ÷ 210 = 0.6, outside 0.85–1.15.
  assert.equal(f['loop: first run, 1 shared-memory worker ÷ serial'].value, 0.6);
  assert.equal(f['loop: first run, 1 shared-memory worker ÷ serial'].met, false);
  assert.equal(f['shared-pool dispatch cost per tiny task'].value, 4);
  assert.equal(f['shared-pool dispatch cost per tiny task'].met, false, '4 µs, over 1');
  // Where a shared run's time went: before its first task, its tasks, after its last.
  assert.equal(f['shared pool, 1000 tiny tasks: page → first task started'].value, 0.2);
  assert.equal(f['… first task started → last one ended'].value, 3.5);
  assert.equal(f['… last task ended → every result on the page'].value, 0.3);
  // 30 ms, over 10.
  assert.equal(f['isolated worker spawn-to-ready (median of 5)'].met, false);
  // References measured in the same run: 50 µs ÷ 40 µs = 1.25, over 1.2.
  assert.equal(f["postMessage round trip ÷ a plain-JS echo worker's (same browser)"].value, 1.25);
  assert.equal(f["postMessage round trip ÷ a plain-JS echo worker's (same browser)"].met, false);
  assert.equal(f['reused pool, per 1,000 tiny tasks'].value, 2);
  assert.equal(f["reused pool ÷ Python 3.11.7's reused Pool, same tasks"].value, 2);
  assert.equal(f["reused pool ÷ Python 3.11.7's reused Pool, same tasks"].met, false);
  assert.equal(f["pool created + tiny squares ÷ Python 3.11.7's fork Pool (its default) doing the same"].value, 10);
  // 90 ms ÷ 30 ms = 3, over 1.5.
  assert.equal(f['pool created + tiny squares ÷ plain-JS workers created the same way'].value, 3);
  assert.equal(f['pool created + tiny squares ÷ plain-JS workers created the same way'].met, false);
  assert.equal(f["Python's Pool created by spawn + tiny squares"].value, 60);
  assert.equal(f['plain-JS reused workers, per 1,000 tiny tasks'].value, 1.5);
  assert.equal(f['pkg/corescope_bg.wasm gzip'].value, 280);
  // 280 + 11 KB: under 300.
  assert.equal(f['JS + wasm the page fetches, gzip'].value, 291);
  assert.equal(f['JS + wasm the page fetches, gzip'].met, true);
  assert.equal(f['page start → shared pool ready (16 threads, median of 1 fresh pages)'].value, 669.4);
  assert.equal(f['page start → shared pool ready (16 threads, median of 1 fresh pages)'].met, false);
  const phases = figures({ ...r, pool_ready: { ms: 250, pages: 5, threads: 2, phases: { 'pool-ready': 250, 'module-ready': 90, 'boot.js arrived': 20 } } })
    .filter(x => x.name.startsWith('page start → ') && !x.name.includes('shared pool'));
  assert.deepEqual(phases.map(x => [x.name, x.value]),
    [['page start → boot.js arrived', 20], ['page start → module-ready', 90], ['page start → pool-ready', 250]], 'in the order they came');
  assert.equal(f['largest link (8118 characters): decoded (median of 3 fresh pages)'].met, true);
  assert.equal(f['largest link: opened → predictions made (in slices, between input)'].value, 150);
  // The longest of the three pages' longest tasks: 104 ms, over 100.
  assert.equal(f["largest link: the page's longest task until predicted (a click waits at most this)"].value, 104);
  assert.equal(f["largest link: the page's longest task until predicted (a click waits at most this)"].met, false);
  assert.equal(f['largest link: page start → first drawn'].value, 310);
  assert.equal(f["largest link: a click on the chart's view → drawn"].value, 120.4);
  assert.equal(f["largest link: a click on the chart's view → drawn"].met, false);
  const noPython = figures({ ...r, references: { js_echo: null, python: { missing: 'python3 is not installed here' } } });
  assert.ok(noPython.some(x => x.name === "Python's Pool: not measured, python3 is not installed here" && x.value === null));
  assert.ok(!noPython.some(x => x.name.includes('echo')), 'no echo measured, no ratio');
  const table = figuresTable(figures(r));
  assert.match(table, /\| loop: wasm serial ÷ native serial \| 1\.20 × \| ≤ 1\.3 × \| yes \|/);
  assert.match(table, /\*\*no\*\*/);
  assert.match(table, /\| loop: first run, 1 shared-memory worker ÷ serial \| 0\.60 × \| 0\.85–1\.15 × \| \*\*no\*\* \|/);
  assert.match(pointsTable(r.points.map(p => ({ ...p, mode_label: p.mode }))), /\| loop \| shared \| 2 \| 80\.0 \| 80\.0 \| 80\.0 \| 50\.0 \| 1\.60 \|/);
});

test('scripts: speedups from 1 to 2 workers, shared memory against the reused pool', () => {
  const at = median => ({ median, min: median, max: median, n: 3 });
  const row = { script: 'loop', busy: true, points: { 'shared-1': at(100), 'shared-2': at(80), 'pool-1': at(120), 'pool-2': at(60) } };
  assert.deepEqual(scriptGain(row), { shared: 1.25, pool: 2 });
  const f = figures({ hardware_concurrency: 2, points: [], scripts: [row] })
    .find(f => f.name.startsWith('script "loop", one busy process'));
  assert.equal(f.value, 0.625);
  assert.equal(f.met, false, 'a target of 0.9 × the pool\'s speedup');
  assert.match(scriptsTable([row]), /\| loop \| one busy process \| 100\.0 \| 80\.0 \| 1\.25 \| 120\.0 \| 60\.0 \| 2\.00 \| 0\.63 \|/);
  assert.deepEqual(scriptGain({ points: {} }), { shared: null, pool: null });
});
