// frontdoor.test.mjs's checks in Firefox ESR, driven through geckodriver's WebDriver endpoint
// (bench/browsers.mjs) with the page functions of visitor.mjs: the first screen at 360 × 780 and
// 1280 × 800, the live region after a quick run and after a broken script's sweep, distinct
// timeline names, no overlapping timeline or chart labels at 500 px, and axe with no violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { firefox } from '../../bench/browsers.mjs';
import {
  AXE, FRONT_DOOR, whereOnFirstScreen, firstLook, timelineNames, quickEngines, announced,
  overlappingTexts, smallTargets, click, setValue, idle,
} from './visitor.mjs';

let server, ff;
before(async () => {
  server = await startServer();
  ff = await firefox();
});
after(async () => {
  await ff?.close();
  server?.stop();
});

const poolReady = () => document.querySelector('#pool')?.dataset.ready === 'true';

/** Waits up to `seconds` for the page function `until` (given `arg`) to be true. */
async function waitFor(until, arg, seconds = 60) {
  for (let i = 0; !(await ff.eval(until, arg)); i++) {
    if (i > seconds * 10) throw new Error(`not within ${seconds} s: ${until}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

const violations = () => ff.eval(`async () => {
  ${AXE}
  return (await axe.run(document, { resultTypes: ['violations'] })).violations
    .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}`);

test('Firefox: the first screen offers a lesson and its Run; the playground opens on its editor', async () => {
  for (const [width, height, name] of [[360, 780, 'phone'], [1280, 800, 'desktop']]) {
    await ff.resize(width, height);
    await ff.visit(server.url, poolReady);
    const look = await ff.eval(firstLook);
    assert.match(look.intro, /Python tutorials/, name);
    assert.ok(look.overflow <= 0, `${name}: ${look.overflow} px wider than the screen`);
    const where = await ff.eval(whereOnFirstScreen, FRONT_DOOR);
    for (const [selector, at] of Object.entries(where)) assert.equal(at, 'in', `${name}: ${selector}`);
    assert.deepEqual(await ff.eval(smallTargets), [], `${name}: tap targets under 24 px`);
    assert.deepEqual(await violations(), [], `${name}: axe`);
    await ff.visit(`${server.url}play.html`, poolReady);
    const seen = await ff.eval(firstLook);
    assert.equal(seen.h1, 'corescope playground');
    assert.ok(seen.scriptTop !== null && seen.scriptTop < seen.height - 80, `${name}: the editor at y ${seen.scriptTop}`);
    assert.deepEqual(await violations(), [], `${name}: axe on the playground`);
  }
});

test('Firefox: every quick-run engine is said, timelines are named by their runs, labels keep apart at 500 px', async (t) => {
  await ff.resize(500, 900);
  await ff.visit(server.url, poolReady);
  await ff.eval(click, '#run');
  await waitFor(() => /^Quick run finished/.test(document.querySelector('#announcer').textContent));
  const said = await ff.eval(announced);
  t.diagnostic(said);
  for (const engine of await ff.eval(quickEngines)) assert.ok(said.includes(`${engine}: `), `${engine} in: ${said}`);
  const names = await ff.eval(timelineNames);
  assert.equal(names.length, 4);
  assert.equal(new Set(names).size, 4, names.join(' | '));
  await ff.eval(click, '#quick-results tr[data-engine=shared] button.show-timeline');
  await waitFor(() => !!document.querySelector('#timeline svg text'));
  const texts = await ff.eval(overlappingTexts, '#timeline svg');
  assert.ok(texts.texts >= 4, `${texts.texts} labels`);
  assert.deepEqual(texts.overlaps, []);
  assert.deepEqual(await violations(), [], 'axe, with a timeline open');
  // A second-long timeline: four-digit labels.
  await ff.eval(click, '#run-preset');
  await waitFor(() => /^Preset finished/.test(document.querySelector('#announcer').textContent), undefined, 120);
  await ff.eval(click, '#preset-results tbody tr button.show-timeline');
  await waitFor(() => /Sleep-bound add — serial/.test(document.querySelector('#timeline-title')?.textContent ?? ''));
  const long = await ff.eval(overlappingTexts, '#timeline svg');
  assert.deepEqual(long.overlaps, [], `${long.texts} labels`);
  // The chart's axes, over 1 to 16 workers.
  await ff.eval(setValue, ['#bench-tasks', 2]);
  await ff.eval(setValue, ['#bench-size', 10]);
  await ff.eval(setValue, ['#bench-max', 16]);
  await ff.eval(click, '#run-sweep');
  await waitFor(() => /^Sweep finished/.test(document.querySelector('#announcer').textContent), undefined, 180);
  const chart = await ff.eval(overlappingTexts, '#chart svg');
  assert.ok(chart.texts >= 10, `${chart.texts} chart texts`);
  assert.deepEqual(chart.overlaps, []);
});

test('Firefox: a broken script is said with its line and column; a failed sweep says why', async (t) => {
  await ff.resize(1280, 900);
  await ff.visit(`${server.url}play.html`, poolReady);
  await ff.eval(setValue, ['#script', 'fn task(i) {\n  let x = ;\n}\n']);
  assert.equal(await ff.eval(() => document.querySelector('#script').getAttribute('aria-invalid')), 'true');
  await waitFor(() => /^Script error: line 2, column 11: /.test(document.querySelector('#script-said').textContent), undefined, 5);
  await ff.eval(setValue, ['#script', 'fn task(i) {\n  i + y\n}\n']);
  await ff.eval(setValue, ['#bench-tasks', 2]);
  await ff.eval(setValue, ['#bench-max', 2]);
  await ff.eval(click, '#run-sweep');
  await waitFor(() => /^Sweep finished/.test(document.querySelector('#announcer').textContent));
  assert.ok(await ff.eval(idle));
  const said = await ff.eval(announced);
  t.diagnostic(said);
  assert.match(said, /^Sweep finished: no point measured\. \d+ points failed, each with: task 0: line 2, column 7: Variable not found: y\.$/);
});
