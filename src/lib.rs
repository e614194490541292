//! corescope: run the classic lessons of parallel programming — serial loops, threads sharing
//! memory, isolated processes — in the browser on real Web Workers, and see the numbers.
//!
//! The crate has two halves:
//! - a **pure core** that knows nothing about the browser and is tested natively with
//!   `cargo test`: [`workloads`] (what one task does, with known answers), [`stats`] (summaries
//!   of timings), [`run`] (engines' reports and how they are checked) and [`state`] (the page's
//!   state as a plain reducer);
//! - **browser glue** in [`web`] (wasm32 only): the three engines, the isolated worker's entry
//!   point and the Yew page.

pub mod run;
pub mod state;
pub mod stats;
pub mod workloads;

#[cfg(target_arch = "wasm32")]
pub mod web;
