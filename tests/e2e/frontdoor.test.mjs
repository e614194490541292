// A new visitor in headless Chromium: the first screen says what corescope is and offers a
// lesson with its Run on a 360 × 780 phone and at 1280 × 800, and the playground opens on its
// editor; a screen reader hears every quick-run engine's result, a broken script's error with its
// line and column once typing pauses, and a sweep whose points failed, each with why; timeline
// buttons are named by their runs; axis labels never overlap at 500 px; axe finds nothing.
// firefox.test.mjs checks the same in Firefox, with the page functions of visitor.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SCREENSHOTS, servedPage, openPage, poolReady, setRange } from './harness.mjs';
import {
  AXE, FRONT_DOOR, whereOnFirstScreen, firstLook, timelineNames, quickEngines, announced,
  overlappingTexts, smallTargets,
} from './visitor.mjs';

const env = servedPage();

async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`));
}

/** The first screen only, as a visitor sees it on arrival. */
async function firstScreen(page, name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
  return `artifacts/screenshots/${name}`;
}

const SCREENS = [[360, 780, 'phone'], [1280, 800, 'desktop']];

test('the first screen says what corescope is and offers a lesson and its Run; the playground opens on its editor', async (t) => {
  for (const [width, height, name] of SCREENS) {
    const { page, errors } = await openPage(env.browser, env.server.url, { width, height });
    await poolReady(page, errors);
    const look = await page.evaluate(firstLook);
    assert.match(look.intro, /Python tutorials/, name);
    assert.match(look.intro, /your browser, on your own cores/, name);
    assert.ok(look.overflow <= 0, `${name}: ${look.overflow} px wider than the screen`);
    const where = await page.evaluate(whereOnFirstScreen, FRONT_DOOR);
    for (const [selector, at] of Object.entries(where)) assert.equal(at, 'in', `${name}: ${selector}`);
    assert.deepEqual(await page.evaluate(smallTargets), [], `${name}: tap targets under 24 px`);
    assert.deepEqual(await violations(page), [], `${name}: axe`);
    t.diagnostic(`${name}: ${await firstScreen(page, `front-${name}.png`)}`);
    assert.deepEqual(errors, []);
    await page.close();

    const play = await openPage(env.browser, `${env.server.url}play.html`, { width, height });
    await poolReady(play.page, play.errors);
    const seen = await play.page.evaluate(firstLook);
    assert.match(seen.title, /^corescope playground — /, name);
    assert.equal(seen.h1, 'corescope playground');
    assert.match(seen.intro, /^Write one task/);
    assert.ok(seen.scriptTop !== null && seen.scriptTop < seen.height - 80,
      `${name}: the editor starts at y ${seen.scriptTop} of ${seen.height}`);
    assert.deepEqual(await violations(play.page), [], `${name}: axe on the playground`);
    t.diagnostic(`${name} playground: ${await firstScreen(play.page, `play-${name}.png`)}`);
    assert.deepEqual(play.errors, []);
    await play.page.close();
  }
});

test('a screen reader hears every quick-run engine and names each timeline button by its run', async (t) => {
  const { page, errors } = await openPage(env.browser, env.server.url, { width: 500, height: 900 });
  await poolReady(page, errors);
  await page.click('#run');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
  const said = await page.evaluate(announced);
  t.diagnostic(said);
  assert.match(said, /^Quick run finished\. /);
  const engines = await page.evaluate(quickEngines);
  assert.equal(engines.length, 4);
  for (const engine of engines) assert.match(said, new RegExp(`${engine.replace(/[()+]/g, '\\$&')}: [\\d.]+ ms`), engine);

  const names = await page.evaluate(timelineNames);
  assert.equal(names.length, 4);
  assert.equal(new Set(names).size, names.length, names.join(' | '));
  for (const n of names) assert.match(n, /^timeline: quick run, .+, \d+ workers?$/, n);

  // At 500 px the timeline's labels keep apart.
  await page.click('#quick-results tr[data-engine=shared] button.show-timeline');
  await page.waitForSelector('#timeline svg');
  const texts = await page.evaluate(overlappingTexts, '#timeline svg');
  assert.ok(texts.texts >= 4, `${texts.texts} labels`);
  assert.deepEqual(texts.overlaps, []);
  assert.deepEqual(await violations(page), [], 'axe, with a timeline open');
  // A second-long timeline: four-digit labels.
  await page.click('#run-preset');
  await page.waitForFunction(() => /^Preset finished/.test(document.querySelector('#announcer').textContent), null, { timeout: 120_000 });
  await page.click('#preset-results tbody tr button.show-timeline');
  await page.waitForFunction(() => /Sleep-bound add — serial/.test(document.querySelector('#timeline-title')?.textContent ?? ''));
  const long = await page.evaluate(overlappingTexts, '#timeline svg');
  assert.deepEqual(long.overlaps, [], `${long.texts} labels`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken script is marked invalid and said once typing pauses; a sweep of failed points says why', async (t) => {
  const { page, errors } = await openPage(env.browser, `${env.server.url}play.html`, { width: 1280, height: 900 });
  await poolReady(page, errors);
  assert.equal(await page.getAttribute('#script', 'aria-invalid'), 'false');
  assert.equal(await page.getAttribute('#script-check', 'role'), null, 'the visible check is not read at each keystroke');
  await page.fill('#script', 'fn task(i) {\n  let x = ;\n}\n');
  assert.equal(await page.getAttribute('#script', 'aria-invalid'), 'true');
  await page.waitForFunction(() => /^Script error: line 2, column 11: /.test(document.querySelector('#script-said').textContent));
  // Still broken, another way: nothing new is said.
  await page.fill('#script', 'fn task(i) {\n  let x = ;;\n}\n');
  await page.waitForTimeout(1200);
  assert.match(await page.textContent('#script-said'), /^Script error: line 2, column 11: /);
  // A script that compiles but fails as it runs.
  await page.fill('#script', 'fn task(i) {\n  i + y\n}\n');
  await page.waitForFunction(() => document.querySelector('#script-said').textContent === 'The script compiles.');
  assert.equal(await page.getAttribute('#script', 'aria-invalid'), 'false');
  await setRange(page, '#bench-tasks', 2);
  await setRange(page, '#bench-max', 2);
  await page.click('#run-sweep');
  await page.waitForFunction(() => /^Sweep finished/.test(document.querySelector('#announcer').textContent), null, { timeout: 60_000 });
  const said = await page.evaluate(announced);
  t.diagnostic(said);
  assert.match(said, /^Sweep finished: no point measured\. \d+ points failed, each with: task 0: line 2, column 7: Variable not found: y\.$/);
  // The table has a caption, and a header for each row.
  assert.match(await page.textContent('#sweep-table caption'), /; \d+ points failed\.$/);
  const rows = await page.$$eval('#sweep-table tbody tr', rows => rows.map(r => r.querySelectorAll('th[scope=row]').length));
  assert.ok(rows.length > 0 && rows.every(n => n === 1), `row headers: ${rows}`);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});
