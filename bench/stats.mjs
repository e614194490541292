// The bench's arithmetic and its report: summaries of repeated timings, the figures docs/bench.md
// promises with their targets, and the markdown table. Pure functions, unit-tested in
// stats.test.mjs as part of the test command.

/** Median (mean of the middle two for an even count), min, max and count of `samples`. */
export function summarize(samples) {
  const xs = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
  return { median, min: xs[0], max: xs[xs.length - 1], n: xs.length };
}

/** a ÷ b, or null when either is missing or b is not positive. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

/** Parallel efficiency: speedup over serial ÷ workers. */
export function efficiency(serialMs, parallelMs, workers) {
  const speedup = ratio(serialMs, parallelMs);
  return speedup === null || workers < 1 ? null : speedup / workers;
}

/** Whether `value` meets `target` ({ at_most }, { at_least } or { within: [low, high] }); null
 * without a value. */
export function meets(value, target) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if ('within' in target) return value >= target.within[0] && value <= target.within[1];
  if ('at_most' in target) return value <= target.at_most;
  return value >= target.at_least;
}

/** A number for a table: `digits` decimals, '—' when missing. */
export function fmt(value, digits = 1) {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** A markdown table of `rows` (arrays of cells) under `headers`; numeric columns right-aligned. */
export function markdownTable(headers, rows, rightAligned = []) {
  const line = cells => `| ${cells.join(' | ')} |`;
  const rule = headers.map((_, i) => (rightAligned.includes(i) ? '---:' : '---'));
  return [line(headers), line(rule), ...rows.map(r => line(r.map(c => String(c))))].join('\n');
}

/**
 * The headline figures from a bench's raw results: each with its value, unit, target (or none)
 * and whether it was met. `r` holds: hardware_concurrency, points (workload, mode, workers,
 * summary, native), dispatch, spawn, trips, pool_created, pool_reused, tiny_tasks,
 * longest_task_ms, sizes.
 */
export function figures(r) {
  const out = [];
  const add = (name, value, unit, target = null, digits = 2) =>
    out.push({ name, value, unit, target, met: target ? meets(value, target) : null, digits });
  const point = (w, mode, k) => r.points.find(p => p.workload === w && p.mode === mode && p.workers === k);
  for (const w of [...new Set(r.points.map(p => p.workload))]) {
    const serial = point(w, 'main', 1);
    const name = serial?.workload_name ?? `workload ${w}`;
    add(`${name}: wasm serial ÷ native serial`, ratio(serial?.summary?.median, serial?.native?.median), '×', { at_most: 1.3 });
    const k = Math.min(r.hardware_concurrency, Math.max(...r.points.filter(p => p.workload === w && p.mode === 'shared').map(p => p.workers)));
    const shared = point(w, 'shared', k);
    const wasmEff = efficiency(serial?.summary?.median, shared?.summary?.median, k);
    const nativeEff = efficiency(serial?.native?.median, shared?.native?.median, k);
    add(`${name}: shared-memory efficiency at k = ${k} ÷ native rayon's`, ratio(wasmEff, nativeEff), '×', { at_least: 0.95 });
    // The very first timed run of each point, on a page that had run nothing of this workload:
    // one worker does the serial work, so it takes as long, whichever engine ran first.
    if (!/sleep|square/.test(name)) {
      const first = p => p?.samples_ms?.[0];
      add(`${name}: first run, 1 shared-memory worker ÷ serial`, ratio(first(point(w, 'shared', 1)), first(serial)), '×', { within: [0.85, 1.15] });
    }
  }
  if (r.pool_ready) {
    add(`page start → shared pool ready (${r.pool_ready.threads} threads, median of ${r.pool_ready.pages ?? 1} fresh pages)`, r.pool_ready.ms, 'ms', { at_most: 300 }, 0);
    for (const [phase, ms] of Object.entries(r.pool_ready.phases ?? {}).sort((a, b) => a[1] - b[1])) {
      add(`page start → ${phase}`, ms, 'ms', null, 0);
    }
  }
  if (r.largest_link) {
    const l = r.largest_link, n = l.link?.n ?? 0;
    add(`largest link (${l.chars} characters): decoded (median of ${n} fresh pages)`, l.link?.median, 'ms', { at_most: 100 }, 1);
    add('largest link: its first render (chart, first table rows, notes)', l.render?.median, 'ms', { at_most: 100 }, 1);
    add('largest link: page start → first drawn', l.drawn?.median, 'ms', null, 0);
    add('largest link: opened → predictions made (in slices, between input)', l.predicted?.median, 'ms', null, 0);
    if (l.longest_task) {
      add('largest link: the page\'s longest task until predicted (a click waits at most this)', l.longest_task.max, 'ms', { at_most: 100 }, 0);
    }
    add('largest link: a click on the chart\'s view → drawn', l.click?.median, 'ms', { at_most: 100 }, 1);
  }
  add('shared-pool dispatch cost per tiny task', r.dispatch?.median * 1000, 'µs', { at_most: 1 }, 2);
  if (r.dispatch?.to_first_ms != null) {
    add(`shared pool, ${r.tiny_tasks} tiny tasks: page → first task started`, r.dispatch.to_first_ms, 'ms', null, 3);
    add('… first task started → last one ended', r.dispatch.tasks_ms, 'ms', null, 3);
    add('… last task ended → every result on the page', r.dispatch.after_last_ms, 'ms', null, 3);
  }
  add(`isolated worker spawn-to-ready (median of ${r.spawn?.n ?? 0})`, r.spawn?.median, 'ms', { at_most: 10 }, 1);
  add(`postMessage round trip (median of ${r.trips?.n ?? 0})`, r.trips?.median * 1000, 'µs', null, 1);
  const echo = r.references?.js_echo, python = r.references?.python;
  if (echo) {
    add('postMessage round trip ÷ a plain-JS echo worker\'s (same browser)', ratio(r.trips?.median, echo.median), '×', { at_most: 1.2 });
  }
  const js = r.references?.js_pool;
  add(`pool created + ${r.tiny_tasks} tiny squares`, r.pool_created?.median, 'ms', null, 1);
  if (js?.created) {
    add('pool created + tiny squares ÷ plain-JS workers created the same way', ratio(r.pool_created?.median, js.created.median), '×', { at_most: 1.5 });
  }
  if (python?.pool_created) {
    add(`pool created + tiny squares ÷ Python ${python.version}'s ${python.default_method ?? 'fork'} Pool (its default) doing the same`, ratio(r.pool_created?.median, python.pool_created.median), '×', { at_most: 1 });
  }
  for (const [method, s] of Object.entries(python?.pool_created_by ?? {}).sort()) {
    add(`Python's Pool created by ${method} + tiny squares`, s?.median, 'ms', null, 1);
  }
  add(`reused pool, per 1,000 tiny tasks`, r.pool_reused?.median * 1000 / r.tiny_tasks, 'ms', null, 2);
  if (js?.reused) {
    add('plain-JS reused workers, per 1,000 tiny tasks', js.reused.median * 1000 / r.tiny_tasks, 'ms', null, 2);
  }
  if (python?.missing) add(`Python's Pool: not measured, ${python.missing}`, null, '', null);
  if (python?.pool_reused) {
    add(`reused pool ÷ Python ${python.version}'s reused Pool, same tasks`, ratio(r.pool_reused?.median, python.pool_reused.median), '×', { at_most: 1 });
  }
  for (const row of r.scripts ?? []) {
    const gain = scriptGain(row);
    add(`script "${row.script}"${row.busy ? ', one busy process' : ''}: shared-memory speedup at 2 workers ÷ the reused pool's`,
      ratio(gain.shared, gain.pool), '×', { at_least: 0.9 });
  }
  // The long-task observer reports only tasks over 50 ms (and Firefox none): 0 means none seen.
  add('longest main-thread task during worker-engine runs (0: none over 50 ms)', r.longest_task_ms, 'ms', { at_most: 50 }, 1);
  const sizes = Object.entries(r.sizes ?? {});
  for (const [file, s] of sizes) {
    add(`${file} raw`, s.raw / 1000, 'KB', null, 0);
    add(`${file} gzip`, s.gzip / 1000, 'KB', null, 0);
  }
  if (sizes.length) {
    add('JS + wasm the page fetches, gzip', sizes.reduce((sum, [, s]) => sum + s.gzip, 0) / 1000, 'KB', { at_most: 300 }, 0);
  }
  return out;
}

/** The figures as markdown: value, target, met. */
export function figuresTable(list) {
  const target = t => (!t ? '' : 'within' in t ? `${t.within[0]}–${t.within[1]}`
    : 'at_most' in t ? `≤ ${t.at_most}` : `≥ ${t.at_least}`);
  return markdownTable(['figure', 'value', 'target', 'met'],
    list.map(f => [f.name, `${fmt(f.value, f.digits)} ${f.unit}`, target(f.target) && `${target(f.target)} ${f.unit}`,
      f.met === null ? '' : f.met ? 'yes' : '**no**']), [1]);
}

/** A scripts row's speedups from 1 to 2 workers: on shared memory and on the reused pool. */
export function scriptGain(row) {
  const at = key => row.points?.[key]?.median;
  return { shared: ratio(at('shared-1'), at('shared-2')), pool: ratio(at('pool-1'), at('pool-2')) };
}

/** The scripts section: each script's medians at 1 and 2 workers, quiet and busy. */
export function scriptsTable(rows) {
  return markdownTable(['script', 'machine', 'shared 1', 'shared 2', 'speedup', 'pool 1', 'pool 2', 'speedup', 'shared ÷ pool speedup'],
    rows.map(row => {
      const gain = scriptGain(row);
      const ms = key => fmt(row.points?.[key]?.median);
      return [row.script, row.busy ? 'one busy process' : 'quiet', ms('shared-1'), ms('shared-2'), fmt(gain.shared, 2),
        ms('pool-1'), ms('pool-2'), fmt(gain.pool, 2), fmt(ratio(gain.shared, gain.pool), 2)];
    }), [2, 3, 4, 5, 6, 7, 8]);
}

/** Every point beside its native twin. */
export function pointsTable(points) {
  return markdownTable(['workload', 'engine', 'workers', 'median ms', 'min ms', 'max ms', 'native ms', 'wasm ÷ native'],
    points.map(p => [p.workload_name, p.mode_label, p.workers, fmt(p.summary?.median), fmt(p.summary?.min), fmt(p.summary?.max),
      fmt(p.native?.median), fmt(ratio(p.summary?.median, p.native?.median), 2)]), [2, 3, 4, 5, 6, 7]);
}
