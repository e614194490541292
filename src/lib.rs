//! corescope: run the classic lessons of parallel programming — serial loops, threads sharing
//! memory, isolated processes — in the browser on real Web Workers, and see the numbers.
//!
//! The crate has two halves:
//! - a **pure core** that knows nothing about the browser and is tested natively with
//!   `cargo test`: [`workloads`] (what one task does, with known answers), [`gil`] (a lock that
//!   behaves like CPython's), [`run`] (the ways to run a job, what a run reports and how it is
//!   checked), [`experiment`] (the lesson presets as data, and lessons written from their
//!   numbers), [`stats`] (speedup, efficiency, Amdahl fit), [`state`] (the page's state as a
//!   plain reducer) and [`view`] (what the bench shows, drawn by [`chart`]);
//! - **browser glue** in `web` (wasm32 only): the engines (main thread, shared-memory pool with
//!   or without the GIL, isolated workers as a pool or one per task), the isolated worker's
//!   entry point and the Yew page.

// clippy.toml bans std's clock, which panics in the browser. Natively web_time::Instant *is*
// std's, so the ban would flag correct code; the wasm32 clippy run still enforces it.
#![cfg_attr(not(target_arch = "wasm32"), allow(clippy::disallowed_methods))]

// The pure core, lowest layer first: each module imports only those above it (scripts/layers.mjs
// reads this order and checks it).
pub mod thread_cache;
pub mod words;
pub mod cancel;
pub mod workloads;
pub mod gil;
pub mod run;
pub mod stats;
pub mod timeline;
pub mod predict;
pub mod settings;
pub mod sweep;
pub mod fits;
pub mod chart;
pub mod experiment;
pub mod machine;
pub mod trace;
pub mod share;
pub mod export;
pub mod isolation;
pub mod state;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;

// The threaded module's threads allocate from caches of their own rather than all queueing for
// std's one lock ([`thread_cache`]); the single-threaded module keeps std's allocator.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
pub mod allocator {
    use crate::thread_cache::{Cache, ThreadCache, class_of};
    thread_local! {
        static CACHE: Cache = const { Cache::new() };
    }
    #[global_allocator]
    static ALLOCATOR: ThreadCache<std::alloc::System> =
        ThreadCache::new(std::alloc::System, &CACHE);

    /// Free blocks this thread keeps for requests of `size` bytes (1 to 32 KiB): what shows
    /// that its allocations go through its own lists.
    pub fn kept_here(size: usize) -> u32 {
        CACHE.with(|c| c.kept(class_of(size)))
    }
}
