// Loads the wasm module and hands the page to Rust. JavaScript because a page can only start a
// wasm-bindgen module from a script; everything after start_app() is Rust.
//
// The threaded module shares its memory with workers, which the browser allows only on a
// cross-origin isolated page; elsewhere the single-threaded build loads, without the
// shared-memory engines, and the page says why.
const threaded = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';

try {
  const glue = await import(threaded ? './pkg/corescope.js' : './pkg-single/corescope.js');
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
