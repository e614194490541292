// The page for visitors who do not use a mouse or cannot see the charts, and on a phone, in
// headless Chromium: keyboard focus goes somewhere useful when a button disables itself, a
// polite live region says what ran and how it ended, a timeline opens like a dialog (focus in,
// Escape out, focus back), charts and timelines have names and descriptions from their data,
// series differ by marker shape, and at 360 px every result and timeline stays reachable with
// text of 11 px or more and tap targets of 24 px or more. axe-core checks each state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, servedPage, openPage, screenshot, setRange } from './harness.mjs';

const env = servedPage();
const AXE = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now, one line each. */
async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`));
}

const focused = page => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName);

/** A small sweep (2 tasks at 10%, up to 2 workers, three engines), started from the keyboard. */
async function sweepByKeyboard(page) {
  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 2);
  await page.focus('#run-sweep');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main[data-running=true]');
  const whileRunning = await focused(page);
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  return whileRunning;
}

test('keyboard and screen-reader users hear every run and keep their place', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 1280, height: 900 });
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  assert.equal(await page.getAttribute('#announcer', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('.skip-link', 'href'), '#lessons-title');

  await page.focus('#run');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  assert.equal(await focused(page), 'quick-results', 'after a quick run, focus is on its results');
  assert.match(await page.textContent('#announcer'), /^Quick run finished\. main thread: [\d.]+ ms\. /);

  const whileRunning = await sweepByKeyboard(page);
  assert.equal(whileRunning, 'cancel-sweep', 'while a sweep runs, focus is on Cancel');
  assert.equal(await focused(page), 'chart', 'after a sweep, focus is on its chart');
  const said = await page.textContent('#announcer');
  assert.match(said, /^Sweep finished: 7 points measured\. Median times: serial [\d.]+ m?s; shared memory: /);

  // The chart is named from its data and described in a sentence that points to the table.
  const chart = await page.$eval('#chart svg', svg => ({ role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'), by: svg.getAttribute('aria-describedby') }));
  assert.equal(chart.role, 'img');
  assert.match(chart.label, /^corescope — elapsed time against workers\. Median times: serial /);
  assert.equal(chart.by, 'chart-description');
  assert.match(await page.textContent('#chart-description'), /^One line per engine over 1 to 2 workers, with hardwareConcurrency \d+ marked; the table that follows lists every point\.$/);
  assert.ok(await page.$('#sweep-table'), 'the table the description points to exists');
  // Each engine's points have their own shape.
  const shapes = await page.$$eval('#chart svg g.plot .point', ps => [...new Set(ps.map(p => p.dataset.shape))]);
  assert.equal(shapes.length, 3, `three engines, three marker shapes: ${shapes}`);

  // A timeline opens like a dialog and gives the focus back.
  await page.focus('.sweep-table tr[data-mode=gil][data-workers="2"] button.show-timeline');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#timeline svg');
  assert.equal(await focused(page), 'timeline');
  const timeline = await page.$eval('#timeline', el => ({
    role: el.getAttribute('role'),
    name: document.getElementById(el.querySelector('svg').getAttribute('aria-labelledby'))?.textContent,
    outlined: [...el.querySelectorAll('svg rect')].some(r => r.getAttribute('stroke') === '#A8540A'),
  }));
  assert.equal(timeline.role, 'dialog');
  assert.match(timeline.name, /^Timeline: shared memory \+ GIL, 2 workers/);
  assert.ok(timeline.outlined, 'the pale "without the GIL" bars are outlined');
  assert.deepEqual(await violations(page), [], 'axe, with a sweep and a timeline open');
  t.diagnostic(`screenshot: ${await screenshot(await page.$('#timeline'), 'access-timeline.png')}`);
  await page.keyboard.press('Escape');
  assert.equal(await page.$('#timeline'), null, 'Escape closes the timeline');
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.mode), 'gil', 'focus is back on the button that opened it');
  t.diagnostic(said);
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a 360-px phone every result and timeline is reachable and readable', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 360, height: 800 });
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await sweepByKeyboard(page);
  // The table folds to its summary on a phone, and opens on demand.
  assert.equal(await page.getAttribute('.sweep-fold', 'open'), null);
  assert.match(await page.textContent('.sweep-fold summary'), /^Every point: 7 measured$/);
  await page.click('.sweep-fold summary');
  const rows = await page.$$eval('.sweep-table tbody tr', rows => rows.map(r => {
    const visible = el => { const b = el?.getBoundingClientRect(); return !!b && b.width > 0 && b.right <= document.documentElement.clientWidth + 1; };
    const box = el => { const b = el?.getBoundingClientRect(); return b && [Math.round(b.left), Math.round(b.right), Math.round(b.width)]; };
    return { result: visible(r.querySelector('td.checked')), timeline: visible(r.querySelector('button.show-timeline')), at: box(r.querySelector('td.checked')) };
  }));
  assert.equal(rows.length, 7);
  assert.ok(rows.every(r => r.result && r.timeline), `each point's result and timeline on screen: ${JSON.stringify(rows)}`);
  await page.click('.sweep-table button.show-timeline');
  await page.waitForSelector('#timeline svg');

  // SVG text as drawn: its font size times the SVG's scale.
  const smallest = await page.$$eval('#chart svg text, #timeline svg text', texts => Math.min(...texts.filter(t => t.textContent.trim()).map(t => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
  })));
  assert.ok(smallest >= 11, `the smallest chart or timeline text is ${smallest.toFixed(1)} px`);
  const small = await page.$$eval('button, input[type=range], a', els => els
    .filter(e => e.getBoundingClientRect().width > 0 && !e.classList.contains('skip-link'))
    .filter(e => e.getBoundingClientRect().height < 24).map(e => e.id || e.textContent.trim() || e.className));
  assert.deepEqual(small, [], 'tap targets under 24 px tall');
  // No word is broken across lines.
  const broken = await page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const node = walk.currentNode;
      for (const m of node.textContent.matchAll(/[A-Za-z]{12,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
    return out;
  });
  assert.deepEqual(broken, [], 'words broken mid-way');
  const glyphs = await page.$$eval('.chart-legend .marker', ms => ms.map(m => m.textContent));
  assert.equal(new Set(glyphs).size, 3, `the phone's legend shows each engine's marker: ${glyphs}`);
  assert.deepEqual(await violations(page), [], 'axe at 360 px');
  t.diagnostic(`smallest SVG text ${smallest.toFixed(1)} px; screenshot: ${await screenshot(page, 'access-phone.png')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an idle page gives back the workers and memory its runs grew', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url);
  await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  const atLoad = page.workers().length;
  // Four workers on two cores grows the shared pool to its largest size, and the reused
  // isolated pool to four.
  await setRange(page, '#bench-tasks', 4);
  await setRange(page, '#bench-size', 10);
  await setRange(page, '#bench-max', 4);
  const sweep = async () => {
    await page.click('#run-sweep');
    await page.waitForSelector('main[data-running=true]');
    await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
    return page.$$eval('.sweep-table tbody tr', rows => rows.length);
  };
  assert.equal(await sweep(), 13);
  const grown = page.workers().length;
  const inUse = await page.textContent('#memory');
  assert.match(inUse, /shared-memory pool \d+ MB in 16 threads; 4 isolated workers/);
  await page.waitForFunction(() => /pool ended while idle.*; 0 isolated workers/.test(document.querySelector('#memory').textContent), null, { timeout: 20_000 });
  // Ended workers leave the browser's list as their close events arrive.
  for (let i = 0; i < 50 && page.workers().length >= atLoad; i++) await page.waitForTimeout(100);
  const idle = page.workers().length;
  assert.ok(idle < atLoad, `${idle} workers alive when idle, ${atLoad} at load, ${grown} after the sweep`);
  // The next sweep starts what it needs again, and every point is checked.
  assert.equal(await sweep(), 13);
  assert.equal(await page.$$eval('.sweep-table tr.failed', rows => rows.length), 0);
  t.diagnostic(`workers: ${atLoad} at load, ${grown} after a 4-worker sweep, ${idle} after 10 s idle; the page said "${inUse}"`);
  assert.deepEqual(errors, []);
  await page.close();
});
