// Spot check: the first sweep on a fresh page beside a second one on the same page, point by
// point, to find first-run artifacts (a point much slower the first time). Needs dist/.
//   node scripts/spot/first-sweep.mjs [dist] [tasks] [size %] [max workers] [fresh pages]
import { startServer, launchChromium, setRange } from '../../tests/e2e/harness.mjs';

const [root = 'dist', tasks = '4', size = '10', max = '4', pages = '2'] = process.argv.slice(2);
const server = await startServer({ root });
const browser = await launchChromium();
const medians = page => page.$$eval('.sweep-table tr[data-whose=mine], .sweep-table tr[data-mode]', rows =>
  Object.fromEntries(rows.map(r => [`${r.dataset.mode}@${r.dataset.workers}`, r.querySelector('[data-ms]').textContent])));
for (let p = 0; p < Number(pages); p++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#pool[data-ready=true]', { timeout: 60000 });
  await setRange(page, '#bench-tasks', Number(tasks));
  await setRange(page, '#bench-size', Number(size));
  await setRange(page, '#bench-max', Number(max));
  const runs = [];
  for (let s = 0; s < 2; s++) {
    await page.click('#run-sweep');
    await page.waitForSelector('main[data-running=true]');
    await page.waitForSelector('main[data-running=false]', { timeout: 600000 });
    runs.push(await medians(page));
  }
  console.log(`fresh page ${p + 1}: point  first sweep  second sweep`);
  for (const k of Object.keys(runs[0])) console.log(`  ${k.padEnd(14)} ${runs[0][k].padStart(10)} ${String(runs[1][k]).padStart(10)}`);
  await context.close();
}
await browser.close();
server.stop();
