// Spot check: isolated-worker messaging costs beside a plain-JS echo worker (same browser) and
// Python's multiprocessing.Pool (this machine).
import { execFileSync } from 'node:child_process';
import { startServer } from '../../tests/e2e/harness.mjs';
import { chromium, firefox } from '../../bench/browsers.mjs';
const site = process.argv[2] ?? 'dist';
const med = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer({ root: site });
const browser = await (process.argv[3] === 'firefox' ? firefox() : chromium());
await browser.open(`${server.url}?bench`);
const hc = await browser.eval(() => navigator.hardwareConcurrency);
const trips = await browser.call('bench_round_trips', 1000);
const echo = await browser.eval(async () => {
  const url = URL.createObjectURL(new Blob(['onmessage = e => postMessage(e.data, [e.data]);'], { type: 'text/javascript' }));
  const w = new Worker(url);
  const once = () => new Promise(r => { w.onmessage = r; const b = new ArrayBuffer(32); w.postMessage(b, [b]); });
  for (let i = 0; i < 100; i++) await once();
  const ts = [];
  for (let i = 0; i < 1000; i++) { const t = performance.now(); await once(); ts.push(performance.now() - t); }
  w.terminate();
  return ts;
});
const runs = async (mode) => { const xs = []; for (let r = 0; r < 5; r++) xs.push((await browser.call('bench_run', mode, 5, 100, 1000, hc)).elapsed_ms); return xs; };
const reused = await runs('pool');
const created = await runs('isolated');
console.log(`${browser.name}: round trip median ${(med(trips) * 1000).toFixed(0)} µs, plain-JS echo ${(med(echo) * 1000).toFixed(0)} µs (×${(med(trips) / med(echo)).toFixed(2)}); reused pool, 1,000 tiny tasks: ${med(reused).toFixed(2)} ms; pool created + 1,000 tiny tasks: ${med(created).toFixed(1)} ms`);
await browser.close();
server.stop();
if (process.argv[3] !== 'firefox') {
  const py = `
import time
from multiprocessing import Pool
def f(i): return 2.0 ** i
if __name__ == '__main__':
    created = []
    for _ in range(5):
        t = time.perf_counter()
        with Pool(${hc}) as p: p.map(f, range(1000))
        created.append((time.perf_counter() - t) * 1000)
    with Pool(${hc}) as p:
        p.map(f, range(1000))
        reused = []
        for _ in range(5):
            t = time.perf_counter(); p.map(f, range(1000)); reused.append((time.perf_counter() - t) * 1000)
    m = lambda xs: sorted(xs)[len(xs) // 2]
    print(f"Python {__import__('sys').version.split()[0]}: reused Pool, 1,000 tiny tasks {m(reused):.2f} ms; fork Pool created + 1,000 tiny tasks {m(created):.1f} ms")
`;
  console.log(execFileSync('python3', ['-c', py], { encoding: 'utf8' }).trim());
}
