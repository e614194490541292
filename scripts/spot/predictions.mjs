// Spot check: what theory predicted beside what each step of presets 1, 2, 3, 7 and 10
// measured, as the page shows them, and each lesson's largest gap. Needs dist/.
//   node scripts/spot/predictions.mjs [dist] [preset keys, comma-separated]
import { startServer, launchChromium } from '../../tests/e2e/harness.mjs';

const server = await startServer({ root: process.argv[2] ?? 'dist' });
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(server.url);
await page.waitForSelector('#pool[data-ready=true]', { timeout: 60000 });
const keys = (process.argv[3] ?? 'sleep,cpu-loop,gil,sum-range,pool-overhead').split(',');
for (const key of keys) {
  await page.click(`button[data-preset=${key}]`);
  await page.click('#run-preset');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 600000 });
  const rows = await page.$$eval('#preset-results tbody tr', trs => trs.map(tr => ({
    step: tr.querySelector('th').firstChild.textContent,
    elapsed: tr.querySelector('td.time').firstChild?.textContent ?? '',
    predicted: tr.querySelector('td.time small.predicted')?.textContent ?? '',
  })));
  console.log(`\n${await page.textContent('article.preset h3')}`);
  for (const r of rows) console.log(`  ${r.step.padEnd(44)} ${r.elapsed.padStart(10)}  ${r.predicted}`);
  console.log(`  ${(await page.$('#prediction-gap')) ? await page.textContent('#prediction-gap') : '(no gap over 10%)'}`);
}
await browser.close();
server.stop();
