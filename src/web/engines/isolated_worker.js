// The isolated worker's bootstrap. JavaScript because a Worker can only start from a script URL,
// and only a script can load the wasm-bindgen glue into the new worker. This file is both:
// the page imports it (through the glue) for startIsolatedWorker(), and each isolated worker
// started from the page's module runs it as its main script, recognised by its name.
//
// A worker gets a compiled WebAssembly.Module by message and instantiates it with NO memory, so
// the glue creates a fresh one: statics (a global total, say) are its own, exactly like a
// process's copy. It never fetches the .wasm by a guessed name. The module is the worker module
// (worker/: the workloads and the batch loop, a fraction of the page's), which boot.js compiles
// as the page starts; until it has, or where it could not, the page's own module.
//
// A worker of the worker module fetches nothing: its script is that module's glue with
// `startInWorker` appended, made once on the page as a blob. Fetching the script and then the
// glue (each a request to the server, revalidated) was a third of an isolated worker's start.

const WORKER_NAME = 'corescope-isolated';

/** The worker module: its glue's URL and, once ready, the module and a worker script for it. */
let workerModule = null;

/** Called through the page's module by boot.js: the worker module, as it compiles. */
export function useWorkerModule(glueUrl, compiling) {
  const offered = { glueUrl, module: null, script: null };
  workerModule = offered;
  compiling.then(
    (module) => { offered.module = module; },
    (e) => {
      console.warn(`isolated workers load the page's module: the worker module did not load (${e})`);
      if (workerModule === offered) workerModule = null;
    },
  );
  // A script of its own once the glue is in too; without one, workers import the glue.
  Promise.all([compiling, glueSource(glueUrl)]).then(
    ([, source]) => {
      // The fragment names the script where a browser (or a test) lists the page's workers.
      offered.script = URL.createObjectURL(
        new Blob([source, `\n(${startInWorker})();\n`], { type: 'text/javascript' })) + `#${WORKER_NAME}`;
      performance.mark('corescope:worker-script-ready');
    },
    (e) => compiling.then(
      () => console.warn(`isolated workers import the worker module's glue: no script could be made of it (${e})`),
      () => {}, // reported above
    ),
  );
}

/** The worker module's glue, which must import nothing: a blob's relative imports resolve nowhere. */
async function glueSource(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const source = await response.text();
  if (/^\s*(import|export\s.*\sfrom)\s/m.test(source)) throw new Error(`${url} imports other files`);
  return source;
}

/**
 * A new isolated worker, sent the module to load: the worker module if it is compiled (from its
 * own script, without a fetch, once there is one), else the page's (from this file, which then
 * imports the module's glue).
 */
export function startIsolatedWorker(pageGlueUrl, pageModule) {
  const own = workerModule?.module ? workerModule : null;
  let worker = null;
  if (own?.script) {
    try {
      worker = new Worker(own.script, { type: 'module', name: WORKER_NAME });
    } catch (e) {
      console.warn(`isolated workers import the worker module's glue: its script was refused (${e})`);
      own.script = null;
    }
  }
  const message = worker ? { module: own.module }
    : own ? { glueUrl: own.glueUrl, module: own.module }
      : { glueUrl: pageGlueUrl, module: pageModule };
  worker ??= new Worker(new URL(import.meta.url), { type: 'module', name: WORKER_NAME });
  try {
    worker.postMessage(message);
  } catch (e) {
    // Not yet the page's to end: it would run, and count, for nothing.
    worker.terminate();
    throw e;
  }
  return worker;
}

/**
 * Runs in a worker of the worker module, appended to its glue, whose `initSync` and
 * `isolated_worker_main` are then in scope: instantiate the module sent, and answer.
 */
function startInWorker() {
  self.addEventListener('message', ({ data }) => {
    try {
      self.postMessage({ kind: 'progress', message: 'instantiating the module' });
      initSync({ module: data.module });
      isolated_worker_main();
      self.postMessage({ kind: 'ready' });
    } catch (e) {
      self.postMessage({ kind: 'failed', message: String(e && e.stack || e) });
    }
  }, { once: true });
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
