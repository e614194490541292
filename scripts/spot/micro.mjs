// Spot check: isolated-worker messaging costs beside a plain-JS echo worker (same browser) and
// Python's multiprocessing.Pool (this machine), the bench's own references.
import { startServer } from '../../tests/e2e/harness.mjs';
import { chromium, firefox } from '../../bench/browsers.mjs';
import { ECHO, pythonPool } from '../../bench/references.mjs';
import { summarize } from '../../bench/stats.mjs';
const site = process.argv[2] ?? 'dist';
const server = await startServer({ root: site });
const browser = await (process.argv[3] === 'firefox' ? firefox() : chromium());
await browser.open(`${server.url}?bench`);
const hc = await browser.eval(() => navigator.hardwareConcurrency);
const trips = summarize(await browser.call('bench_round_trips', 1000));
const echo = summarize(await browser.eval(ECHO));
const runs = async mode => {
  const xs = [];
  for (let r = 0; r < 5; r++) xs.push((await browser.call('bench_run', mode, 5, 100, 1000, hc)).elapsed_ms);
  return summarize(xs);
};
const reused = await runs('pool');
const created = await runs('isolated');
console.log(`${browser.name}: round trip median ${(trips.median * 1000).toFixed(0)} µs, plain-JS echo ${(echo.median * 1000).toFixed(0)} µs (×${(trips.median / echo.median).toFixed(2)}); reused pool, 1,000 tiny tasks: ${reused.median.toFixed(2)} ms; pool created + 1,000 tiny tasks: ${created.median.toFixed(1)} ms`);
await browser.close();
server.stop();
const python = pythonPool(hc, 1000, 5);
console.log(python.missing ? `Python: ${python.missing}`
  : `Python ${python.version}: reused Pool, 1,000 tiny tasks ${python.pool_reused.median.toFixed(2)} ms; fork Pool created + 1,000 tiny tasks ${python.pool_created.median.toFixed(1)} ms`);
