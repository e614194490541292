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

/** Called on each pool thread once the pool is up: the rayon index a trap report names. */
export function noteThreadIndex(index) {
  self.corescopeThread = index;
}

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

if (typeof WorkerGlobalScope !== 'undefined' && self.name === HOST_NAME) {
  // Where a start has got to, for the page to name if the pool never gets ready.
  const progress = (message) => self.postMessage({ kind: 'progress', message });
  self.addEventListener('message', async ({ data }) => {
    let glue;
    let threads = 0;
    let readyThreads = 0;
    const Base = self.Worker;
    try {
      progress('loading the module\'s JavaScript');
      glue = await import(data.glueUrl);
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
  }, { once: true });
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
