//! Browser glue: the engines, the isolated worker's entry point, and the page. Everything that
//! touches `web-sys`/`js-sys` lives under here. The page's modules (Yew's components, the run
//! driver, the bench's functions) are built only with the `page` feature, which the isolated
//! workers' module (`worker/`) leaves out.

#[cfg(feature = "page")]
pub mod app;
#[cfg(feature = "page")]
pub mod bench;
#[cfg(feature = "page")]
pub mod benchmarks;

#[cfg(feature = "page")]
pub mod driver;
pub mod engines;
#[cfg(feature = "page")]
pub mod facts;
#[cfg(feature = "page")]
pub mod lessons;
pub mod links;
#[cfg(feature = "page")]
pub mod outcome;
pub mod panics;
pub mod platform;
pub mod probe;
#[cfg(feature = "page")]
pub mod props;
#[cfg(feature = "page")]
pub mod quick_run;
#[cfg(feature = "page")]
pub mod share_panel;
#[cfg(feature = "page")]
pub mod sweep_table;
#[cfg(feature = "page")]
pub mod theirs;
#[cfg(feature = "page")]
pub mod timeline_view;

#[cfg(feature = "page")]
use wasm_bindgen::prelude::*;

/// wasm-bindgen-rayon's `initThreadPool`, exported from the module for the pool's host
/// (`pool_host.js`); never called on the page.
#[cfg(all(feature = "threads", feature = "page"))]
pub use wasm_bindgen_rayon::init_thread_pool;

/// The page's entry point, called by `boot.js` once the module is loaded.
///
/// An explicit call rather than `#[wasm_bindgen(start)]`: the start function would also run in
/// every isolated worker, which loads this same module where there is no worker module.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub fn start_app() -> Result<(), JsValue> {
    // Yew would otherwise replace the hook with its own when it renders.
    yew::set_custom_panic_hook(Box::new(panics::hook));
    platform::mark("corescope:module-ready");
    let first = app::arrival();
    // The shared-memory pool's host starts while the page renders; the page adopts it.
    #[cfg(feature = "threads")]
    if first.pool == crate::state::PoolStatus::Starting {
        engines::pool::start_early(first.max_workers);
    }
    let root = platform::document()?
        .get_element_by_id("app")
        .ok_or_else(|| JsValue::from_str("index.html has no element with id \"app\""))?;
    root.set_inner_html("");
    yew::Renderer::<app::App>::with_root_and_props(root, app::AppProps { first }).render();
    Ok(())
}
