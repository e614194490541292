// Share links and exports end to end in headless Chromium: a sweep's link, copied to the
// clipboard, opens in a fresh browser context with the sender's numbers and nothing run; one
// click runs it there and overlays both; the exports hold both; a damaged link, or one whose
// predictions contradict its own points, says why and leaves a usable page; the largest valid
// link shows at once and draws the rest in slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { servedPage, screenshot, setRange } from './harness.mjs';

const env = servedPage();

/** A page in a browser context of its own (no shared storage), failing on any page error. */
async function freshPage(url) {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, errors, context };
}

/** Median cells of the sweep table for `whose`, keyed engine@workers, as the page shows them. */
const medians = (page, whose) => page.$$eval(`.sweep-table tr[data-whose=${whose}]`, rows =>
  Object.fromEntries(rows.map(r => [`${r.dataset.mode}@${r.dataset.workers}`, r.querySelector('[data-ms]').textContent])));

async function sweep(page) {
  await page.click('#run-sweep');
  await page.waitForSelector('main[data-running=true]');
  await page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
}

/** Saves what clicking `selector` downloads; returns its bytes. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

let shared = null;

test('a copied link opens elsewhere with the same numbers, then runs here and overlays both', async (t) => {
  const sender = await freshPage(env.server.url);
  await sender.page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await setRange(sender.page, '#bench-tasks', 4);
  await setRange(sender.page, '#bench-size', 10);
  await setRange(sender.page, '#bench-max', 4);
  await sender.page.uncheck('input[data-mode=gil]');
  await sweep(sender.page);
  const theirs = await medians(sender.page, 'mine');
  assert.equal(Object.keys(theirs).length, 1 + 2 * 4, 'serial + 2 engines × 4 worker counts');

  await sender.page.click('#copy-link');
  await sender.page.waitForSelector('#share-link');
  const link = await sender.page.inputValue('#share-link');
  assert.match(await sender.page.textContent('#share-status'), /^Copied to the clipboard\./);
  assert.equal(await sender.page.evaluate(() => navigator.clipboard.readText()), link);
  assert.ok(link.startsWith(env.server.url + '#v1.'), link);
  t.diagnostic(`link (${link.length} characters): ${link}`);
  shared = link;

  const receiver = await freshPage(link);
  await receiver.page.waitForSelector('#theirs');
  assert.match(await receiver.page.textContent('#theirs'), /hardwareConcurrency \d+, cross-origin isolated, on \d{4}-\d\d-\d\d: 4 tasks .* Nothing has run on this machine yet/);
  assert.deepEqual(await medians(receiver.page, 'theirs'), theirs, 'the sender\'s numbers, unchanged');
  assert.deepEqual(await medians(receiver.page, 'mine'), {}, 'nothing ran on opening');
  assert.ok((await receiver.page.$eval('#chart svg', el => el.outerHTML)).includes('(theirs)'));
  assert.equal(await receiver.page.$eval('#bench-tasks', el => el.value), '4', 'the configuration came along');
  assert.equal(receiver.page.url(), link, 'the address bar keeps the link');

  await receiver.page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
  await receiver.page.click('#run-compare');
  await receiver.page.waitForSelector('main[data-running=true]');
  await receiver.page.waitForSelector('main[data-running=false]', { timeout: 120_000 });
  const mine = await medians(receiver.page, 'mine');
  assert.deepEqual(Object.keys(mine).sort(), Object.keys(theirs).sort(), 'the same points, run here');
  assert.deepEqual(await medians(receiver.page, 'theirs'), theirs, 'theirs still shown beside mine');
  const svg = await receiver.page.$eval('#chart svg', el => el.outerHTML);
  assert.ok(svg.includes('(mine)') && svg.includes('(theirs)'), 'the chart overlays both');
  t.diagnostic(`screenshot: ${await screenshot(receiver.page, 'share-compare.png')}`);

  const csv = await download(receiver.page, '#export-csv');
  const lines = csv.bytes.toString().trim().split('\n');
  assert.match(lines[0], /^whose,engine,engine_key,workers,median_ms,min_ms,max_ms/);
  assert.equal(lines.filter(l => l.startsWith('mine,')).length, 9);
  assert.equal(lines.filter(l => l.startsWith('theirs,')).length, 9);
  assert.match(csv.name, /^corescope-\d{4}-\d\d-\d\d\.csv$/);
  const json = JSON.parse((await download(receiver.page, '#export-json')).bytes.toString());
  assert.equal(json.format, 'corescope-results');
  assert.deepEqual(json.sweeps.map(s => [s.whose, s.points.length]), [['mine', 9], ['theirs', 9]]);
  const svgFile = (await download(receiver.page, '#export-svg')).bytes.toString();
  const [, svgHeight] = svgFile.match(/^<svg width="900" height="(\d+)"/) ?? [];
  assert.ok(Number(svgHeight) > 460, `the plot with its caption and legend: ${svgFile.slice(0, 200)}`);
  for (const whose of ['mine', 'theirs']) {
    assert.match(svgFile, new RegExp(`>${whose}: 4 tasks of .*>${whose}: measured in .* with hardwareConcurrency \\d+`), `the caption describes ${whose}`);
  }
  const png = (await download(receiver.page, '#export-png')).bytes;
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1800, 2 * Number(svgHeight)], 'drawn at twice the chart\'s size');

  // The address bar follows the configuration: a reload keeps a moved slider.
  await setRange(receiver.page, '#bench-tasks', 7);
  await receiver.page.waitForFunction(() => location.hash.startsWith('#v1.'));
  await receiver.page.reload();
  await receiver.page.waitForSelector('#bench-tasks');
  assert.equal(await receiver.page.$eval('#bench-tasks', el => el.value), '7');

  assert.deepEqual(sender.errors, []);
  assert.deepEqual(receiver.errors, []);
  await sender.context.close();
  await receiver.context.close();
});

/** `link` (of a sweep of `tasks` tasks) with what its predictions are made from set to 0 ms for
 * every task, and its checksum made anew. The costs end the link's fields, as varints: their
 * task count, each task's wait and computing, the start-up and the messaging; a varint's last
 * byte is the one under 0x80, so they are found from the end. */
function withZeroCosts(link, tasks) {
  const at = link.indexOf('#v1.') + 4;
  const bytes = Buffer.from(link.slice(at), 'base64url');
  const fields = bytes.subarray(0, bytes.length - 4);
  let start = fields.length;
  for (let n = 0; n < 2 * tasks + 3; n++) {
    start--;
    while (start > 0 && fields[start - 1] & 0x80) start--;
  }
  assert.equal(fields[start], tasks, 'the costs begin with their task count');
  const zeroed = Buffer.concat([fields.subarray(0, start), Buffer.from([tasks, ...new Array(2 * tasks + 2).fill(0)])]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(zeroed));
  return link.slice(0, at) + Buffer.concat([zeroed, crc]).toString('base64url');
}

test('a damaged, future or self-contradicting link says why and leaves a usable page with the defaults', async (t) => {
  assert.ok(shared, 'the first test made a link');
  const at = shared.indexOf('#v1.') + 20;
  const damaged = shared.slice(0, at) + (shared[at] === 'A' ? 'B' : 'A') + shared.slice(at + 1);
  const cases = [
    [damaged, /This link could not be opened: the link is damaged or cut short \(its checksum does not match\)\. Nothing from it was applied\./],
    [shared.slice(0, -12), /the link is damaged or cut short/],
    [shared.replace('#v1.', '#v9.'), /made by a newer corescope \(format 9\); this page reads format 1/],
    [`${env.server.url}#<img src=x onerror=alert(1)>`, /is not a corescope link/],
  ];
  // The same link, its predictions' costs set to 0 ms for every task: it contradicts its own
  // serial point, so it is refused, not drawn as "computing 0 ms" beside seconds.
  cases.push([withZeroCosts(shared, 4), /This link could not be opened: the link's predictions are made from tasks that took no time \(computing 0 ms, waiting 0 ms\)/]);
  for (const [url, message] of cases) {
    const { page, errors, context } = await freshPage(url);
    await page.waitForSelector('.notice');
    assert.match(await page.textContent('.notice'), message);
    assert.equal(await page.$$eval('#theirs', e => e.length), 0, 'nothing of the link is shown as theirs');
    assert.equal(await page.$$eval('img', e => e.length), 0, 'nothing of the link is rendered as HTML');
    assert.equal(await page.$eval('#bench-tasks', el => el.value), '10', 'the default configuration');
    assert.equal(decodeURIComponent(page.url()), decodeURIComponent(url), 'the broken link stays in the address bar');
    if (url === damaged) {
      t.diagnostic(`a damaged link shows: ${await page.textContent('.notice')}`);
      t.diagnostic(`screenshot: ${await screenshot(page, 'share-broken.png')}`);
      // Usable: the quick run works.
      await page.waitForSelector('#pool[data-ready=true]', { state: 'attached', timeout: 30_000 });
      await page.click('#run');
      await page.waitForSelector('main[data-running=true]');
      await page.waitForSelector('main[data-running=false]', { timeout: 60_000 });
      assert.equal(await page.$$eval('section.quick tr[data-status=ok]', r => r.length), 4);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the largest valid link shows at once, then draws its rows and predictions in slices', async (t) => {
  const maker = await freshPage(`${env.server.url}?bench`);
  await maker.page.waitForFunction(() => window.corescope);
  const fragment = await maker.page.evaluate(() => window.corescope.bench_largest_link());
  await maker.context.close();
  const { page, errors, context } = await freshPage(`${env.server.url}#${fragment}`);
  await page.waitForSelector('#theirs');
  const points = Number((await page.textContent('.sweep-fold summary')).match(/^Every point: (\d+) measured$/)[1]);
  assert.ok(points > 300, `${points} points`);
  // Every row comes, a hundred a task, and the predictions for every engine to 1,024 workers.
  await page.waitForFunction(n => document.querySelectorAll('.sweep-table tbody tr').length === n, points, { timeout: 60_000 });
  await page.waitForSelector('#predictions', { timeout: 60_000 });
  assert.match(await page.textContent('#predictions'), /^Predicted for theirs \(thin dotted lines\): each engine's schedule simulated from the serial run's 1,?000 tasks/);
  const lines = await page.$$eval('#chart svg polyline', l => l.length);
  assert.ok(lines >= 8, `${lines} lines: each engine measured and predicted`);
  t.diagnostic(`the largest link (${fragment.length} characters, ${points} points): ${await screenshot(page, 'share-largest.png')}`);
  assert.deepEqual(errors, []);
  await context.close();
});
