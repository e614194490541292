// The Content-Security-Policy: sent by the server and written in the page, strict enough that
// a script injected into the page does not run, and loose enough that wasm, the shared-memory pool,
// isolated workers and the exports all work without a single violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPage, openPage, setRange } from './harness.mjs';

const env = servedPage();

test('the page runs every engine under its Content-Security-Policy without a violation', async () => {
  const header = (await fetch(env.server.url)).headers.get('content-security-policy');
  assert.match(header, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(header, /frame-ancestors 'none'/);
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  assert.match(await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content'), /worker-src 'self' blob:;/);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await setRange(page, '#workers', 2);
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  assert.equal(await page.$$eval('section.quick tr[data-status=ok]', r => r.length), 4);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no violation during the runs');
  assert.deepEqual(errors, []);
  // An injected inline script does not run, and the browser reports why.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.head.append(s);
    await new Promise(r => setTimeout(r, 100));
    return window.__injected === true;
  });
  assert.equal(ran, false, 'an inline script ran');
  // One report per policy that forbids it: the header's and the page's own.
  const reported = await page.evaluate(() => window.__violations.map(v => v.split(' ')[0]));
  assert.ok(reported.length >= 1 && reported.every(d => d === 'script-src-elem'), String(reported));
  await page.close();
});
