// Spot check: how long after the page's start its shared pool is ready, on five fresh pages, and
// what the page had done by then (module fetched and ready, the pool's host spawned; medians).
import { startServer, launchChromium } from '../../tests/e2e/harness.mjs';
const server = await startServer({ root: process.argv[2] ?? 'dist' });
const browser = await launchChromium();
const MARKS = ['module-ready', 'pool-host-spawned', 'pool-ready'];
const rows = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 60000 });
  rows.push(await page.evaluate(marks => {
    const wasm = performance.getEntriesByType('resource').find(r => r.name.endsWith('_bg.wasm'));
    const at = Object.fromEntries(marks.map(m => [m, performance.getEntriesByName(`corescope:${m}`)[0]?.startTime ?? NaN]));
    return { fetched: wasm?.responseEnd ?? NaN, ...at, pool: document.querySelector('#pool').textContent };
  }, MARKS));
  await context.close();
}
const median = xs => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const phases = ['fetched', ...MARKS].map(m => `${m} ${median(rows.map(r => r[m])).toFixed(0)}`).join(', ');
console.log(`ms after the page's start: ${phases}; pool ready on each page: ${rows.map(r => r['pool-ready'].toFixed(0)).join(', ')}; `
  + `the page says "${rows.at(-1).pool}"`);
await browser.close();
server.stop();
