// The bench: every workload × engine × worker count in a headless browser, beside its native
// twin, and the micro-benchmarks; writes JSON and prints markdown. Run through scripts/bench.sh,
// which builds and optimizes what this serves. Options: --site DIR (required), --quick (tiny
// sizes, one repetition), --firefox, --out FILE.
//
// Its scripts section runs two playground scripts on 1 and 2 workers of shared memory and of the
// reused isolated pool, on a quiet machine and (full runs) again with one busy background process
// (a node process spinning on one core): threads that share a memory must scale like processes.
import { parseArgs } from 'node:util';
import { execFileSync, spawn as startProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { ROOT, startServer } from '../tests/e2e/harness.mjs';
import { summarize, figures, figuresTable, pointsTable, scriptsTable } from './stats.mjs';
import { chromium, firefox } from './browsers.mjs';
import { ECHO, JS_POOL, pythonPool } from './references.mjs';

const { values: opts } = parseArgs({
  options: { site: { type: 'string' }, quick: { type: 'boolean' }, firefox: { type: 'boolean' }, out: { type: 'string' } },
});
if (!opts.site) throw new Error('--site DIR is required');
const quick = !!opts.quick;
const out = opts.out ?? path.join(ROOT, quick ? 'artifacts/bench/results-quick.json' : 'bench/results.json');

// The sweep's workloads, by their index in the page's list (settings::sweep_workloads).
const WORKLOADS = ['empty loop', 'sleep-add', 'sum of range', 'random list append', 'factorial', 'square'];
const MODES = [['main', 'main thread'], ['shared', 'shared memory'], ['gil', 'shared memory + GIL'],
  ['pool', 'isolated pool (reused)'], ['isolated', 'isolated pool (created per call)']];
const cfg = quick
  ? { size: 10, tasks: 4, reps: 1, maxWorkers: 2, spawn: 3, trips: 50, tiny: 100, scriptSteps: 20_000, busy: [false] }
  : { size: 100, tasks: 10, reps: 5, maxWorkers: null, spawn: 20, trips: 1000, tiny: 1000, scriptSteps: 200_000, busy: [false, true] };
// The scripts section's tasks (10 each): a loop that only counts, and one that builds a list of
// small lists (an allocation per element), each `steps` long.
const SCRIPTS = [
  ['loop', steps => `fn task(i) {\n  let s = 0;\n  for x in 0..${steps} { s += x; }\n  s\n}\n`],
  ['list of pairs', steps => `fn task(i) {\n  let out = [];\n  for n in 0..${steps / 4} { out.push([n, rand()]); }\n  out.len()\n}\n`],
];
const log = msg => process.stderr.write(`${msg}\n`);

const server = await startServer({ root: opts.site });
const browser = opts.firefox ? await firefox() : await chromium();
try {
  // How long after the page's start the shared pool was ready (the page marks it), its size,
  // and the phases on the way: when boot.js, the glue, its snippets and the modules arrived, and
  // the page's marks (module compiled and ready, first drawn, the pool's host spawned and each
  // phase of its start as the page heard it). The median of fresh pages (five;
  // two in a quick run), each a new load of the page in the same browser.
  const starts = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    await browser.open(`${server.url}?bench&start=${i}`);
    starts.push(await browser.eval(() => {
      const marks = performance.getEntriesByType('mark').filter(m => m.name.startsWith('corescope:'))
        .map(m => [m.name.slice('corescope:'.length), m.startTime]);
      const arrived = performance.getEntriesByType('resource').filter(r => /boot\.js|corescope\.js|snippets\/|\.wasm$/.test(r.name))
        .map(r => [`${r.name.replace(/.*\//, '')} arrived`, r.responseEnd]);
      return {
        ms: performance.getEntriesByName('corescope:pool-ready')[0]?.startTime ?? null,
        phases: Object.fromEntries([...arrived, ...marks]),
        threads: Number(/(\d+) threads/.exec(document.querySelector('#pool')?.textContent ?? '')?.[1] ?? 0),
      };
    }));
  }
  const median = xs => summarize(xs)?.median ?? null;
  const poolReady = {
    ms: median(starts.map(s => s.ms)),
    pages: starts.length,
    phases: Object.fromEntries(Object.keys(starts[0].phases).map(k => [k, Math.round(median(starts.map(s => s.phases[k])))])),
    threads: starts[0].threads,
  };
  log(`page start → pool ready: ${starts.map(s => s.ms?.toFixed(0)).join(', ')} ms; median phases ${JSON.stringify(poolReady.phases)}`);
  const hc = await browser.eval(() => navigator.hardwareConcurrency);
  const maxK = Math.min(cfg.maxWorkers ?? hc, hc > 0 ? Math.max(hc, 1) : 1);
  log(`${browser.name}: hardwareConcurrency ${hc}; sweeping 1–${maxK} workers, ${cfg.reps} repetition(s), ${cfg.tasks} tasks at ${cfg.size}%`);

  log('native twin…');
  const native = JSON.parse(execFileSync(path.join(ROOT, 'target/native/bench-native'),
    ['--max-workers', String(maxK), '--reps', String(cfg.reps), '--size', String(cfg.size), '--tasks', String(cfg.tasks),
      ...WORKLOADS.map((_, i) => String(i))], { encoding: 'utf8' }));
  const twin = (w, mode, k) => {
    const engine = mode === 'main' ? 'serial' : mode === 'shared' ? 'rayon' : null;
    const p = engine && native.points.find(p => p.workload === w && p.engine === engine && p.workers === (engine === 'serial' ? 1 : k));
    return p ? summarize(p.samples_ms) : null;
  };

  const plan = [];
  WORKLOADS.forEach((_, w) => MODES.forEach(([mode]) => {
    for (let k = 1; k <= (mode === 'main' ? 1 : maxK); k++) plan.push({ w, mode, k });
  }));
  const points = [];
  let longestTask = 0;
  for (const [i, { w, mode, k }] of plan.entries()) {
    const samples = [];
    for (let rep = 0; rep < cfg.reps; rep++) {
      const m = await browser.call('bench_run', mode, w, cfg.size, cfg.tasks, k);
      samples.push(m.elapsed_ms);
      if (mode !== 'main') longestTask = Math.max(longestTask, m.longest_task_ms ?? 0);
    }
    const summary = summarize(samples);
    points.push({ workload: w, workload_name: WORKLOADS[w], mode, mode_label: MODES.find(m => m[0] === mode)[1], workers: k,
      samples_ms: samples, summary, native: twin(w, mode, k) });
    log(`[${i + 1}/${plan.length}] ${WORKLOADS[w]}, ${mode}, ${k} worker(s): ${summary.median.toFixed(1)} ms`);
  }

  log('micro-benchmarks…');
  const square = WORKLOADS.indexOf('square');
  // Each run's elapsed, and the medians of what came before its first task, its tasks, and
  // what came after its last task (the engine's fixed cost: messages, waking threads, replies).
  // A reused pool's first run also pays for its own code's first calls (the batch loop, the
  // messages), which the references pay in an untimed first map: so one untimed run first, as
  // they have. A pool created per call pays them every time, as theirs do.
  // Tiny runs are cheap, and their medians are noisy: more of them, the references' as many.
  const tinyReps = Math.max(cfg.reps, 9);
  const runs = async (mode, k, { reused = true } = {}) => {
    if (reused) await browser.call('bench_run', mode, square, 100, cfg.tiny, k);
    const measured = [];
    for (let rep = 0; rep < tinyReps; rep++) measured.push(await browser.call('bench_run', mode, square, 100, cfg.tiny, k));
    const median = f => summarize(measured.map(f))?.median;
    const s = summarize(measured.map(m => m.elapsed_ms));
    return s && { ...s, to_first_ms: median(m => m.first_start_ms), tasks_ms: median(m => m.last_end_ms - m.first_start_ms),
      after_last_ms: median(m => m.elapsed_ms - m.last_end_ms) };
  };
  const shared = await runs('shared', hc);
  const dispatch = shared && { ...shared, median: shared.median / cfg.tiny, min: shared.min / cfg.tiny, max: shared.max / cfg.tiny };
  const pool_created = await runs('isolated', hc, { reused: false });
  const pool_reused = await runs('pool', hc);
  const spawn = summarize(await browser.call('bench_spawn_to_ready', cfg.spawn));
  const trips = summarize(await browser.call('bench_round_trips', cfg.trips));

  log('the largest valid link, opened on fresh pages…');
  // A thousand tasks on every engine from a 512-core machine (predictions to 1,024 workers) of
  // which one core scaled, with as many points as fit: how long the page took to decode it and
  // make its predictions, then to render it (between its marks), when it was first drawn from
  // the page's start, and how long a click on the chart's view then took to be drawn.
  const largest = execFileSync(path.join(ROOT, 'target/native/bench-native'), ['--largest-link'], { encoding: 'utf8' }).trim();
  const opened = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    await browser.open(`${server.url}?bench&open=${i}#${largest}`);
    opened.push(await browser.eval(async () => {
      const at = name => performance.getEntriesByName(`corescope:${name}`)[0]?.startTime;
      if (!document.querySelector('#theirs')) throw new Error(`the largest link was not opened: ${document.querySelector('.notice')?.textContent}`);
      while (at('link-predicted') === undefined) await new Promise(r => setTimeout(r, 10));
      // The page's longest task from its start until the predictions were made (Chromium's
      // Long Tasks API: tasks over 50 ms; none is 0), the longest a click could have waited.
      const longest = !PerformanceObserver.supportedEntryTypes.includes('longtask') ? null
        : await new Promise(r => {
          new PerformanceObserver((list, o) => { o.disconnect(); r(Math.max(...list.getEntries().map(e => e.duration))); })
            .observe({ type: 'longtask', buffered: true });
          setTimeout(() => r(0), 200);
        });
      const view = document.querySelector('input[name=view]:not(:checked)');
      const t0 = performance.now();
      view.click();
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      return {
        link_ms: at('link-opened') - at('module-ready'), render_ms: at('first-render') - at('link-opened'),
        drawn_ms: at('first-render'), predicted_ms: at('link-predicted') - at('link-opened'),
        longest_task_ms: longest, click_ms: performance.now() - t0,
      };
    }));
    const o = opened[i];
    log(`  open ${i + 1}: link ${o.link_ms.toFixed(1)} ms, its first render ${o.render_ms.toFixed(1)} ms, first drawn at ${o.drawn_ms.toFixed(0)} ms, predicted ${o.predicted_ms.toFixed(0)} ms after opening, longest task ${o.longest_task_ms?.toFixed(0) ?? '(not reported)'} ms, click ${o.click_ms.toFixed(1)} ms`);
  }
  const largest_link = {
    chars: largest.length,
    link: summarize(opened.map(o => o.link_ms)),
    render: summarize(opened.map(o => o.render_ms)),
    drawn: summarize(opened.map(o => o.drawn_ms)),
    predicted: summarize(opened.map(o => o.predicted_ms)),
    longest_task: opened[0].longest_task_ms === null ? null : summarize(opened.map(o => o.longest_task_ms)),
    click: summarize(opened.map(o => o.click_ms)),
  };

  log('scripts on shared memory and on the reused pool…');
  const scripts = [];
  await browser.open(`${server.url}play?bench`);
  const scriptK = Math.min(2, hc);
  for (const busy of cfg.busy) {
    // One process spinning on a core for the whole of this pass.
    const spinner = busy ? startProcess(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
    try {
      for (const [name, source] of SCRIPTS) {
        const row = { script: name, busy, steps: cfg.scriptSteps, tasks: 10, points: {} };
        for (const mode of ['shared', 'pool']) {
          for (let k = 1; k <= scriptK; k++) {
            const xs = [];
            for (let rep = 0; rep < Math.max(cfg.reps, 3); rep++) {
              xs.push((await browser.call('bench_script', mode, source(cfg.scriptSteps), 10, k))[0]);
            }
            row.points[`${mode}-${k}`] = summarize(xs);
            log(`  ${name}${busy ? ', busy' : ''}, ${mode}, ${k} worker(s): ${row.points[`${mode}-${k}`].median.toFixed(1)} ms`);
          }
        }
        scripts.push(row);
      }
    } finally {
      spinner?.kill();
    }
  }

  log('references: a plain-JS echo worker, plain-JS worker pools, Python\'s multiprocessing.Pool…');
  const echo = summarize(await browser.eval(ECHO));
  const js = await browser.eval(JS_POOL, hc, cfg.tiny, tinyReps);
  const jsPool = { created: summarize(js.created), reused: summarize(js.reused) };
  const python = pythonPool(hc, cfg.tiny, tinyReps);

  // What the threaded page fetches: its module, its JS, its snippets, its boot script.
  const sizes = {};
  const snippets = path.join(opts.site, 'pkg/snippets');
  const walk = dir => readdirSync(dir).flatMap(n => statSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n)) : [path.join(dir, n)]);
  for (const file of ['pkg/corescope_bg.wasm', 'pkg/corescope.js', 'boot.js'].map(f => path.join(opts.site, f)).concat(walk(snippets).filter(f => f.endsWith('.js')))) {
    const bytes = readFileSync(file);
    sizes[path.relative(opts.site, file)] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  const cpu = os.cpus();
  const results = {
    browser: browser.name, date: new Date().toISOString(), quick, hardware_concurrency: hc, native_cores: native.cores,
    machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, os: `${os.type()} ${os.release()}` },
    config: cfg, points, dispatch, spawn, trips, pool_created, pool_reused, tiny_tasks: cfg.tiny, scripts,
    references: { js_echo: echo, js_pool: jsPool, python },
    pool_ready: poolReady, largest_link,
    longest_task_ms: longestTask, sizes,
  };
  results.figures = figures(results);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`## corescope bench — ${browser.name}, hardwareConcurrency ${hc}, ${quick ? 'quick' : 'full'} run, ${results.date.slice(0, 10)}\n`);
  console.log(figuresTable(results.figures));
  console.log(`\n${pointsTable(points)}\n`);
  console.log(`${scriptsTable(scripts)}\n`);
  log(`wrote ${path.relative(ROOT, out)}`);
} finally {
  await browser.close();
  server.stop();
}
