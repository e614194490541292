// A shared-memory pool thread's bootstrap. JavaScript because a Worker can only start from a
// script URL, and only a script can load the wasm-bindgen glue into the new worker. The page
// imports this file (through the glue) for spawnPoolWorker(), and each pool worker runs it as
// its main script, recognised by its name.
//
// Unlike an isolated worker, a pool worker instantiates the module with the page's own shared
// memory: it is one more thread of the page's program. It runs one rayon thread until its pool
// is dropped, then frees its stack and thread-locals and says so; the page then terminates it.
// If the thread traps, it says that instead, and its memory stays as it was.

const WORKER_NAME = 'corescope-pool';

export function spawnPoolWorker() {
  return new Worker(new URL(import.meta.url), { type: 'module', name: WORKER_NAME });
}

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

if (typeof WorkerGlobalScope !== 'undefined' && self.name === WORKER_NAME) {
  self.addEventListener('message', async ({ data }) => {
    let glue, wasm;
    try {
      glue = await import(data.glueUrl);
      wasm = await glue.default({ module_or_path: data.module, memory: data.memory });
    } catch (e) {
      self.postMessage({ kind: 'failed', message: `could not load the module: ${describe(e)}` });
      return;
    }
    self.postMessage({ kind: 'ready' });
    try {
      glue.pool_thread_main(data.thread);
    } catch (e) {
      self.postMessage({ kind: 'failed', message: describe(e) });
      return;
    }
    wasm.__wbindgen_thread_destroy();
    self.postMessage({ kind: 'exited' });
  }, { once: true });
}
