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

try {
  const glue = await import(!threaded ? './pkg-single/corescope.js'
    : playground ? './pkg-script/corescope.js' : './pkg/corescope.js');
  await glue.default();
  glue.start_app();
  // scripts/bench.sh drives the module's bench functions from here.
  if (new URLSearchParams(location.search).has('bench')) window.corescope = glue;
} catch (e) {
  const status = document.getElementById('boot-status');
  if (status) {
    status.className = 'boot boot-failed';
    status.textContent = `corescope could not start: ${e && e.message || e}`;
  }
  throw e;
}
