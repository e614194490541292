// Spot check: a CPU workload serially in the browser (the page's bench entry point) and natively.
//   node scripts/spot/loop.mjs [SITE] [WORKLOADS] [chromium|firefox] [SIZE%]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, startServer } from '../../tests/e2e/harness.mjs';
import { chromium, firefox } from '../../bench/browsers.mjs';
const site = process.argv[2] ?? 'dist';
const which = (process.argv[3] ?? '0,2').split(',').map(Number);
const size = Number(process.argv[5] ?? 100);
const reps = 5;
const med = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const native = JSON.parse(execFileSync(path.join(ROOT, 'target/native/bench-native'),
  ['--max-workers', '2', '--reps', String(reps), '--size', String(size), '--tasks', '10', ...which.map(String)], { encoding: 'utf8' }));
const server = await startServer({ root: site });
for (const make of process.argv[4] === 'firefox' ? [firefox] : [chromium]) {
  const browser = await make();
  await browser.open(`${server.url}?bench`);
  for (const w of which) {
    const xs = [], ks = [];
    for (let r = 0; r < reps; r++) xs.push((await browser.call('bench_run', 'main', w, size, 10, 1)).elapsed_ms);
    for (let r = 0; r < reps; r++) ks.push((await browser.call('bench_run', 'shared', w, size, 10, 2)).elapsed_ms);
    const ns = native.points.find(p => p.workload === w && p.engine === 'serial').samples_ms;
    const n2 = native.points.find(p => p.workload === w && p.engine === 'rayon' && p.workers === 2)?.samples_ms;
    console.log(`${browser.name} workload ${w}: wasm serial ${med(xs).toFixed(1)} ms, native ${med(ns).toFixed(1)} ms, ratio ${(med(xs) / med(ns)).toFixed(2)}; 2 threads: wasm ${med(ks).toFixed(1)} (×${(med(xs) / med(ks)).toFixed(2)}), native ${n2 ? med(n2).toFixed(1) : '?'} (×${n2 ? (med(ns) / med(n2)).toFixed(2) : '?'})`);
  }
  await browser.close();
}
server.stop();
