// Loads the wasm module and hands the page to Rust. JavaScript because a page can only start a
// wasm-bindgen module from a script; everything after start_app() is Rust.
//
// The threaded module shares its memory with workers, which the browser allows only on a
// cross-origin isolated page; elsewhere the single-threaded build loads, without the
// shared-memory engines, and the page says why.
//
// The playground (play.html) loads the threaded module built with the script interpreter, which
// is about 320 KB gzip that the page's usual visitor never needs.
const threaded = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
const playground = document.documentElement.hasAttribute('data-playground');

// Only a page that is not isolated needs the service worker that isolates it (on a host that
// cannot send the headers; see coi-config.js), so only such a page fetches its two scripts,
// in order, while the single-threaded module loads.
if (self.crossOriginIsolated !== true) {
  const load = src => new Promise(resolve => {
    const script = Object.assign(document.createElement('script'), { src, async: false });
    script.onload = script.onerror = resolve;
    document.head.append(script);
  });
  load('coi-config.js').then(() => load('coi-serviceworker.js'));
}

/** The module at `path`, fetched and compiled. */
async function compile(path) {
  const url = new URL(path, import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  // A host that sends another type for .wasm (compileStreaming refuses it) costs a copy.
  return response.headers.get('Content-Type') === 'application/wasm'
    ? WebAssembly.compileStreaming(response)
    : WebAssembly.compile(await response.arrayBuffer());
}

const pkg = !threaded ? './pkg-single' : playground ? './pkg-script' : './pkg';
/** The pool host's script, once it has started the host (see below). */
let early = null;

try {
  // The module is fetched and compiled here, once, while the glue loads. The threaded module's
  // pool host starts now too (its script is preloaded, as the glue's snippets are: see
  // scripts/dist.sh): it loads the glue while the module compiles, and instantiates its copy
  // and starts its threads while the page instantiates its own and renders.
  const compiling = compile(`${pkg}/corescope_bg.wasm`);
  compiling.then(() => performance.mark('corescope:module-compiled'), () => {});
  // The isolated workers' module (worker/; with the interpreter on the playground), fetched
  // once the page's own is in, so that it never slows the page's start. Until it is compiled,
  // or if it cannot be, isolated workers load the page's module.
  const worker = playground && threaded ? './pkg-worker-script' : './pkg-worker';
  const workerCompiling = compiling.then(() => compile(`${worker}/corescope_worker_bg.wasm`));
  workerCompiling.catch(() => {}); // reported once the page hands it on, as a warning
  const glueUrl = new URL(`${pkg}/corescope.js`, import.meta.url).href;
  const host = threaded && document.querySelector('link[rel="modulepreload"][href$="/pool_host.js"]');
  // A head start only: where it cannot be had, the page starts its host itself, later.
  if (host) {
    try {
      early = await import(host.href);
      early.startPoolHostEarly(glueUrl, compiling);
    } catch (e) {
      console.warn(`the pool's host starts with the page's module instead: ${e && e.message || e}`);
    }
  }
  const glue = await import(glueUrl);
  await glue.default({ module_or_path: await compiling });
  glue.use_worker_module(new URL(`${worker}/corescope_worker.js`, import.meta.url).href, workerCompiling);
  glue.start_app();
  // scripts/bench.sh drives the module's bench functions from here.
  if (new URLSearchParams(location.search).has('bench')) window.corescope = glue;
} catch (e) {
  // A page that could not start ends the host it started for it (and its threads).
  early?.takeEarlyPoolHost(-1);
  const status = document.getElementById('boot-status');
  if (status) {
    status.className = 'boot boot-failed';
    status.textContent = `corescope could not start: ${e && e.message || e}`;
  }
  throw e;
}
