// Loads the wasm module and hands the page to Rust. JavaScript because a page can only start a
// wasm-bindgen module from a script; everything after start_app() is Rust.
import init, { start_app } from './pkg/corescope.js';

try {
  await init();
  start_app();
} catch (e) {
  const status = document.getElementById('boot-status');
  if (status) {
    status.className = 'boot boot-failed';
    status.textContent = `corescope could not start: ${e && e.message || e}`;
  }
  throw e;
}
