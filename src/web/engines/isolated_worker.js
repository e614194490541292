// The isolated worker's bootstrap. JavaScript because a Worker can only start from a script URL,
// and only a script can load the wasm-bindgen glue into the new worker. This file is both:
// the page imports it (through the glue) for spawnIsolatedWorker(), and each isolated worker
// runs it as its main script, recognised by its name.
//
// A worker gets a compiled WebAssembly.Module by message and instantiates it with NO memory, so
// the glue creates a fresh one: statics (a global total, say) are its own, exactly like a
// process's copy. It never fetches the .wasm by a guessed name. The module is the worker module
// (worker/: the workloads and the batch loop, a fraction of the page's), which boot.js compiles
// as the page starts; until it has, or where it could not, the page's own module.

const WORKER_NAME = 'corescope-isolated';

export function spawnIsolatedWorker() {
  return new Worker(new URL(import.meta.url), { type: 'module', name: WORKER_NAME });
}

/** The worker module's glue URL and, once compiled, the module; null while there is none. */
let workerModule = null;

/** Called through the page's module by boot.js: the worker module, as it compiles. */
export function useWorkerModule(glueUrl, compiling) {
  const offered = { glueUrl, module: null };
  workerModule = offered;
  compiling.then(
    (module) => { offered.module = module; },
    (e) => {
      console.warn(`isolated workers load the page's module: the worker module did not load (${e})`);
      if (workerModule === offered) workerModule = null;
    },
  );
}

/** Sends `worker` the module to load: the worker module if it is compiled, else the page's. */
export function bootIsolatedWorker(worker, pageGlueUrl, pageModule) {
  worker.postMessage(workerModule?.module
    ? { glueUrl: workerModule.glueUrl, module: workerModule.module }
    : { glueUrl: pageGlueUrl, module: pageModule });
}

if (typeof WorkerGlobalScope !== 'undefined' && self.name === WORKER_NAME) {
  // Where its start has got to, for the page to name if it never gets ready.
  const progress = (message) => self.postMessage({ kind: 'progress', message });
  self.addEventListener('message', async ({ data }) => {
    try {
      progress('loading the module\'s JavaScript');
      const glue = await import(data.glueUrl);
      progress('instantiating the module');
      await glue.default({ module_or_path: data.module });
      // From here on Rust answers every message (isolated_worker_main, in isolated_worker.rs,
      // installs onmessage).
      glue.isolated_worker_main();
      self.postMessage({ kind: 'ready' });
    } catch (e) {
      self.postMessage({ kind: 'failed', message: String(e && e.stack || e) });
    }
  }, { once: true });
}
