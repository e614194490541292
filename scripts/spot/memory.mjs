// Spot check: the renderer's memory (resident set of Chromium's renderer processes, which hold
// the page, its workers and their wasm memories) after load, after preset 5 (list append),
// after a default sweep, and after 12 s idle, when what the runs grew is given back; beside
// what the page's own memory line says.
import { execFileSync } from 'node:child_process';
import { startServer, launchChromium } from '../../tests/e2e/harness.mjs';
const server = await startServer({ root: process.argv[2] ?? 'dist' });
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForSelector('#pool[data-ready=true]', { timeout: 60000 });
const renderers = () => execFileSync('ps', ['-eo', 'rss,args'], { encoding: 'utf8' }).split('\n')
  .filter(l => l.includes('--type=renderer')).reduce((kb, l) => kb + Number(l.trim().split(/\s+/)[0]), 0) * 1024;
const measure = async what => {
  const bytes = renderers();
  console.log(`${what}: renderer ${(bytes / 1e6).toFixed(0)} MB, ${page.workers().length} workers; the page says: ${await page.textContent('#memory')}`);
  return bytes;
};
const run = async selector => {
  await page.click(selector);
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 300000 });
};
const loaded = await measure('after load');
await page.click('button[data-preset=list-append]');
await run('#run-preset');
await measure('after preset 5');
await run('#run-sweep');
await measure('after a default sweep');
await page.waitForTimeout(12000);
const idle = await measure('after 12 s idle');
console.log(`idle ÷ after load: ${(idle / loaded).toFixed(2)}`);
await browser.close();
server.stop();
