// The shared-memory pool's host and its threads. JavaScript because a Worker can only start from
// a script URL, and only a script can load the wasm-bindgen glue into it; and because the pool's
// threads are Web Workers that wasm-bindgen-rayon creates from its own script, so only a script
// can name them and hear them fail. The page imports this file (through the glue) for
// spawnPoolHost(); the host runs it as its main script; every worker that imports the glue
// evaluates it too, and each part below runs only where its worker's name says.
//
// The host instantiates the page's compiled module with NO memory, so the glue creates a fresh
// shared one, and calls wasm-bindgen-rayon's initThreadPool(n): rayon's global pool of n threads,
// each a nested worker sharing the host's memory. Terminating the host ends them all.

const HOST_NAME = 'corescope-pool-host';
const THREAD_NAME = 'corescope-pool-thread';

export function spawnPoolHost() {
  return new Worker(new URL(import.meta.url), { type: 'module', name: HOST_NAME });
}

/** The host boot.js started before the module was compiled (see startPoolHostEarly). */
let early = null;

/**
 * Called by boot.js as the page starts, before its module is compiled: starts the host, which
 * loads the glue now and instantiates the module once `compiling` gives it, with a thread per
 * core, while the page instantiates its own and renders. What the host says before the page
 * takes it (takeEarlyPoolHost) is kept for it.
 */
export function startPoolHostEarly(glueUrl, compiling) {
  const host = spawnPoolHost();
  const heard = [];
  host.onmessage = (e) => {
    if (e.isTrusted) markHostPhase(e.data);
    heard.push(e);
  };
  host.onerror = (e) => {
    e.preventDefault();
    heard.push(e);
  };
  const cores = navigator.hardwareConcurrency;
  const threads = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  host.postMessage({ glueUrl });
  compiling.then((module) => host.postMessage({ module, threads }), () => host.terminate());
  early = { host, heard, threads };
  performance.mark('corescope:pool-host-spawned');
}

/**
 * The host boot.js started, with the events it sent so far, if it was started with `threads`
 * threads: `[worker, events]`, once. A host of another size is ended.
 */
export function takeEarlyPoolHost(threads) {
  const taken = early;
  early = null;
  if (taken === null) return undefined;
  taken.host.onmessage = taken.host.onerror = null;
  if (taken.threads === threads) return [taken.host, taken.heard];
  taken.host.terminate();
  return undefined;
}

/**
 * Puts a host's progress note on the page's timeline at the moment the host sent it (a mark
 * named `corescope:host: …`), not when the page, busy starting, got round to it.
 */
export function markHostPhase(data) {
  if (data?.kind !== 'progress' || typeof data.at !== 'number') return;
  performance.mark(`corescope:host: ${data.message}`, { startTime: Math.max(0, data.at - performance.timeOrigin) });
}

/** Called on each pool thread once the pool is up: the rayon index a trap report names. */
export function noteThreadIndex(index) {
  self.corescopeThread = index;
}

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

if (typeof WorkerGlobalScope !== 'undefined' && self.name === HOST_NAME) {
  // Where a start has got to, for the page to name if the pool never gets ready.
  const progress = (message) =>
    self.postMessage({ kind: 'progress', message, at: performance.timeOrigin + performance.now() });
  // The start's messages: `{glueUrl, module, threads}` at once (from the page's module), or
  // `{glueUrl}` as the page starts and `{module, threads}` once its module is compiled (from
  // boot.js, so the glue loads here while the page compiles). Rust answers every later message.
  const waiting = [];
  let wake = null;
  const hear = ({ data }) => (wake ? (wake(data), (wake = null)) : waiting.push(data));
  const next = () => (waiting.length ? Promise.resolve(waiting.shift()) : new Promise((r) => (wake = r)));
  self.addEventListener('message', hear);
  (async () => {
    let glue;
    let threads = 0;
    let readyThreads = 0;
    const Base = self.Worker;
    try {
      let data = await next();
      progress('loading the module\'s JavaScript');
      const loading = import(data.glueUrl);
      loading.catch(() => {}); // awaited below, perhaps after it fails
      if (data.module === undefined) {
        progress('waiting for the page to compile the module');
        data = { ...data, ...(await next()) };
      }
      self.removeEventListener('message', hear);
      glue = await loading;
      progress('instantiating the module');
      await glue.default({ module_or_path: data.module });
      progress(`fetching the pool threads' script (0 of ${data.threads} threads created)`);
      // wasm-bindgen-rayon starts each pool thread with `new Worker(url, {type: 'module'})`:
      // name them (so their part below runs) and pass on what they report.
      self.Worker = class extends Base {
        constructor(url, options) {
          super(url, { ...options, name: THREAD_NAME });
          threads += 1;
          const counted = () => `${threads} of ${data.threads} threads created, ${readyThreads} ready`;
          progress(counted());
          this.addEventListener('message', ({ data: said }) => {
            if (said && said.type === 'wasm_bindgen_worker_ready') {
              readyThreads += 1;
              progress(counted());
            } else if (said && (said.kind === 'panic' || said.kind === 'failed')) {
              glue.pool_host_note(said.kind, String(said.message ?? 'no reason given'), said.thread ?? -1);
            }
          });
          this.addEventListener('error', (e) => {
            e.preventDefault();
            glue.pool_host_note('failed', e.message || 'an uncaught error', -1);
          });
        }

        // The thread calls the glue's init as `init(data.module, data.memory)`, a form the glue
        // warns is deprecated (once per thread, in every console). Handing it one object as
        // `module` instead is the form the glue asks for: `init({ module_or_path, memory })`.
        postMessage(message, ...rest) {
          if (message && message.type === 'wasm_bindgen_worker_init') {
            const { module, memory } = message;
            message = { ...message, module: { module_or_path: module, memory }, memory: undefined };
          }
          super.postMessage(message, ...rest);
        }
      };
      await glue.initThreadPool(data.threads);
      glue.pool_host_main();
    } catch (e) {
      self.postMessage({ kind: 'failed', message: `could not start the pool: ${describe(e)}` });
      return;
    } finally {
      self.Worker = Base;
    }
    self.postMessage({ kind: 'ready', threads });
  })();
}

if (typeof WorkerGlobalScope !== 'undefined' && self.name === THREAD_NAME) {
  // A trap ends wasm-bindgen-rayon's thread loop by rejecting its promise, which nothing awaits:
  // without this the host would never hear of it, and wait forever for the thread's task. The
  // host reports it with its task, so it is handled here, not left uncaught.
  self.addEventListener('unhandledrejection', (e) => {
    e.preventDefault();
    self.postMessage({ kind: 'failed', message: describe(e.reason), thread: self.corescopeThread ?? -1 });
  });
  self.addEventListener('error', (e) => {
    e.preventDefault();
    self.postMessage({ kind: 'failed', message: e.message || 'an uncaught error', thread: self.corescopeThread ?? -1 });
  });
}
