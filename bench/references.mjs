// The references the bench measures in its own run: a plain-JS echo worker in the same browser,
// and the seeds' Python on this machine.
import { execFileSync } from 'node:child_process';
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
 * The seeds' Python on this machine: `tiny` tiny tasks (2.0 ** i) on a reused `Pool` of `workers`
 * and on one created (forked) for the call, `reps` times each, in ms; or why it did not run.
 */
export function pythonPool(workers, tiny, reps) {
  const program = `
import json, sys, time
from multiprocessing import Pool
def f(i): return 2.0 ** i
if __name__ == '__main__':
    created = []
    for _ in range(${reps}):
        t = time.perf_counter()
        with Pool(${workers}) as p: p.map(f, range(${tiny}))
        created.append((time.perf_counter() - t) * 1000)
    with Pool(${workers}) as p:
        p.map(f, range(${tiny}))
        reused = []
        for _ in range(${reps}):
            t = time.perf_counter(); p.map(f, range(${tiny})); reused.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"version": sys.version.split()[0], "created_ms": created, "reused_ms": reused}))
`;
  try {
    const out = JSON.parse(execFileSync('python3', ['-c', program], { encoding: 'utf8', timeout: 120_000 }));
    return { version: out.version, pool_created: summarize(out.created_ms), pool_reused: summarize(out.reused_ms) };
  } catch (e) {
    return { missing: e.code === 'ENOENT' ? 'python3 is not installed here' : `python3 failed: ${String(e.message).split('\n')[0]}` };
  }
}
