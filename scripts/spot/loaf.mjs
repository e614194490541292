// Spot check: the longest long-animation-frame around preset 5 (list append), run twice.
import { startServer, launchChromium } from '../../tests/e2e/harness.mjs';
const server = await startServer();
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForSelector('#pool[data-ready=true]', { timeout: 60000 });
await page.evaluate(() => {
  window.loafs = []; window.marks = [];
  new PerformanceObserver(l => { for (const e of l.getEntries()) window.loafs.push([e.startTime, e.duration]); })
    .observe({ type: 'long-animation-frame' });
  new MutationObserver(() => window.marks.push([performance.now(), document.querySelector('#preset-progress')?.textContent ?? '']))
    .observe(document.body, { subtree: true, childList: true, characterData: true });
});
await page.click('button[data-preset=list-append]');
for (let run = 1; run <= 2; run++) {
  await page.evaluate(() => { window.loafs = []; window.marks = []; });
  await page.click('#run-preset');
  await page.waitForFunction(() => document.querySelector('main').dataset.running === 'false'
    && document.querySelectorAll('.steps tr[data-status=ok]').length >= 10, null, { timeout: 300000 });
  const { loafs, marks } = await page.evaluate(() => ({ loafs: window.loafs, marks: window.marks }));
  const stepAt = t => { let s = ''; for (const [mt, text] of marks) { if (mt <= t) s = text; } return s; };
  const rows = loafs.map(([t, d]) => [d, stepAt(t)]);
  const worker = rows.filter(([, s]) => !/serially/.test(s));
  console.log(`run ${run}: ${rows.length} long animation frames, ${rows.length - worker.length} in serial steps; in worker steps: ${worker.map(([d, s]) => `${d.toFixed(0)} ms (${s})`).join('; ') || 'none'}`);
}
await browser.close();
server.stop();
