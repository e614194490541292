// The references the bench measures in its own run: a plain-JS echo worker in the same browser,
// and the seeds' Python on this machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summarize } from './stats.mjs';

/** In the page: round trips of a 32-byte transferred buffer to a plain-JS echo worker, in ms. */
export const ECHO = async () => {
  const url = URL.createObjectURL(new Blob(['onmessage = e => postMessage(e.data, [e.data]);'], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const once = () => new Promise(resolve => {
    worker.onmessage = resolve;
    const buffer = new ArrayBuffer(32);
    worker.postMessage(buffer, [buffer]);
  });
  for (let i = 0; i < 100; i++) await once();
  const times = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  worker.terminate();
  URL.revokeObjectURL(url);
  return times;
};

/**
 * In the page: `tiny` tiny tasks (2 ** i) on a plain-JS pool of `workers` workers, cut into
 * chunks as CPython's Pool.map cuts them (tasks ÷ (4 × workers), rounded up) and each chunk's
 * results sent back in one transferred array: `reps` times on a pool created for the call (its
 * workers started, then terminated, inside the clock) and on one pool reused; in ms.
 */
export const JS_POOL = async (workers, tiny, reps) => {
  const source = `onmessage = e => {
    const [start, end] = e.data, out = new Float64Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = 2 ** i;
    postMessage([start, out], [out.buffer]);
  };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const chunk = Math.ceil(tiny / (4 * workers));
  const map = pool => new Promise(resolve => {
    const results = new Float64Array(tiny);
    let next = 0, done = 0;
    const give = w => {
      if (next >= tiny) return;
      const start = next;
      next = Math.min(tiny, next + chunk);
      w.postMessage([start, next]);
    };
    for (const w of pool) {
      w.onmessage = e => {
        const [start, out] = e.data;
        results.set(out, start);
        done += out.length;
        if (done === tiny) resolve(results); else give(w);
      };
      give(w);
    }
  });
  const start = () => Array.from({ length: workers }, () => new Worker(url));
  const check = results => {
    for (let i = 0; i < tiny; i++) if (results[i] !== 2 ** i) throw new Error(`plain-JS pool: task ${i} gave ${results[i]}`);
  };
  const created = [], reused = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const pool = start();
    const results = await map(pool);
    pool.forEach(w => w.terminate());
    created.push(performance.now() - t);
    check(results);
  }
  const pool = start();
  check(await map(pool));
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const results = await map(pool);
    reused.push(performance.now() - t);
    check(results);
  }
  pool.forEach(w => w.terminate());
  URL.revokeObjectURL(url);
  return { created, reused };
};

/**
 * The seeds' Python on this machine: `tiny` tiny tasks (2.0 ** i) on a reused `Pool` of `workers`
 * and on one created for the call, `reps` times each, in ms; created with the machine's default
 * start method and with each other one it has (fork, spawn, forkserver: CPython 3.14 made
 * forkserver Linux's default); or why it did not run.
 */
export function pythonPool(workers, tiny, reps) {
  const program = `
import json, sys, time
import multiprocessing as mp
def f(i): return 2.0 ** i
if __name__ == '__main__':
    default = mp.get_start_method()
    created = {}
    for method in mp.get_all_start_methods():
        ctx = mp.get_context(method)
        created[method] = []
        for _ in range(${reps}):
            t = time.perf_counter()
            with ctx.Pool(${workers}) as p: p.map(f, range(${tiny}))
            created[method].append((time.perf_counter() - t) * 1000)
    with mp.Pool(${workers}) as p:
        p.map(f, range(${tiny}))
        reused = []
        for _ in range(${reps}):
            t = time.perf_counter(); p.map(f, range(${tiny})); reused.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"version": sys.version.split()[0], "default": default, "created_ms": created, "reused_ms": reused}))
`;
  try {
    // A file, not `-c`: spawn and forkserver workers import the program's `f` from it.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'corescope-pool-')), 'pool.py');
    writeFileSync(file, program);
    const out = JSON.parse(execFileSync('python3', [file], { encoding: 'utf8', timeout: 300_000 }));
    const by = Object.fromEntries(Object.entries(out.created_ms).map(([method, ms]) => [method, summarize(ms)]));
    return {
      version: out.version, default_method: out.default,
      pool_created: by[out.default], pool_created_by: by, pool_reused: summarize(out.reused_ms),
    };
  } catch (e) {
    return { missing: e.code === 'ENOENT' ? 'python3 is not installed here' : `python3 failed: ${String(e.message).split('\n')[0]}` };
  }
}
