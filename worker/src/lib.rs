//! The module an isolated worker loads (`isolated_worker.js` imports its glue and instantiates
//! it with a memory of its own): corescope's workloads, the script interpreter when built with
//! `script`, and the loop that runs the batches the page sends
//! ([`isolated_worker_main`]). Nothing of the page: this crate builds corescope without its
//! `page` feature, whose exports are the only way into Yew, the charts and the page's text, so
//! the linker leaves them out (see docs/architecture.md).

#[cfg(target_arch = "wasm32")]
pub use corescope::web::engines::isolated_worker::isolated_worker_main;
