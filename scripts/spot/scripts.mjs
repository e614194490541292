// Spot check: seed 000's tasks written as scripts, on every engine, beside the built-in
// workloads they copy (same page, same sitting), and the interpreter's speed on the seed's
// 3,000,000-step loop beside CPython's. Needs dist/ (play.html and its module).
//   node scripts/spot/scripts.mjs [dist]
import { execFileSync } from 'node:child_process';
import { startServer, launchChromium } from '../../tests/e2e/harness.mjs';

const server = await startServer({ root: process.argv[2] ?? 'dist' });
const browser = await launchChromium();
const page = await browser.newPage();
// (The test server serves play.html as /play, and its redirect drops a query.)
await page.goto(`${server.url}play?bench`);
await page.waitForSelector('#pool[data-ready=true]', { timeout: 60000 });
await page.waitForFunction(() => window.corescope?.bench_script);

const EXAMPLES = {
  'sleep-add': 'fn task(i) {\n    sleep(100);\n    10 + (i + 1)\n}\n',
  'loop': 'fn task(i) {\n    for step in 0..3000000 {}\n    10 + (i + 1)\n}\n',
  'global total': 'fn task(i) {\n    add_to_total(5);\n}\n',
};
// Built-in twins: sweep workload 1 is the sleep-add, 0 the empty loop (3,000,000 at 100%),
// 6 the shared counter.
const BUILT_IN = { 'sleep-add': 1, 'loop': 0, 'global total': 6 };
const ENGINES = [['main', 1], ['shared', 10], ['gil', 10], ['pool', 10], ['isolated', 10], ['per-task', 10]];
const TASKS = { 'sleep-add': 10, 'loop': 10, 'global total': 8 };

const fmt = ms => ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
for (const [name, source] of Object.entries(EXAMPLES)) {
  console.log(`\n${name} (${TASKS[name]} tasks)`);
  for (const [engine, workers] of ENGINES) {
    const k = engine === 'main' ? 1 : (name === 'loop' ? 2 : workers);
    const [ms, total] = await page.evaluate(([e, s, t, k]) => window.corescope.bench_script(e, s, t, k), [engine, source, TASKS[name], k]);
    const built = await page.evaluate(([e, w, t, k]) => window.corescope.bench_run(e, w, 100, t, k), [engine, BUILT_IN[name], TASKS[name], k]);
    console.log(`  ${engine.padEnd(9)} ${String(k).padStart(2)} workers: script ${fmt(ms).padStart(9)}  built-in ${fmt(built.elapsed_ms).padStart(9)}${name === 'global total' ? `  page's total ${total}` : ''}`);
  }
}

// The interpreter against CPython, one task serially on the page: the seed's empty loop, and a
// loop that adds.
const LOOPS = [
  ['empty loop', EXAMPLES.loop, 'for i in range(3000000): pass'],
  ['s += x', 'fn task(i) {\n    let s = 0;\n    for x in 0..3000000 { s += x; }\n    s\n}\n', 's = 0\n    for x in range(3000000): s += x'],
];
for (const [name, source, body] of LOOPS) {
  const [ms] = await page.evaluate(s => window.corescope.bench_script('main', s, 1, 1), source);
  const python = Number(execFileSync('python3', ['-c',
    `import time\ndef f():\n    ${body}\nt=time.perf_counter(); f(); print((time.perf_counter()-t)*1000)`], { encoding: 'utf8' }));
  console.log(`3,000,000 steps (${name}), one task on the page: Rhai ${fmt(ms)} (${(3 / ms * 1000).toFixed(1)} M steps/s); CPython ${fmt(python)}; Rhai ÷ CPython ${(ms / python).toFixed(2)}`);
}
await browser.close();
server.stop();
