//! What `scripts/bench.sh` calls in the page (through `window.corescope` when the page is opened
//! with `?bench`): one checked run of any engine, and the micro-benchmarks the bench reports —
//! isolated-worker start-up, message round trips. The harness repeats, summarizes and compares.

use crate::cancel::Cancel;
use crate::run::Mode;
use crate::settings::{Scale, sweep_workloads};
use crate::web::engines::{self, isolated};
use crate::workloads::Job;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct Measured {
    elapsed_ms: f64,
    /// The page's longest long task, and longest gap between timer ticks, during a worker run.
    longest_task_ms: Option<f64>,
    longest_gap_ms: Option<f64>,
    /// When the first task started and the last one ended, on the run's clock: what came before
    /// and after the tasks is the engine's fixed cost (start-up, messages, waking threads).
    first_start_ms: f64,
    last_end_ms: f64,
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(value).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The engine whose key is `key`.
fn engine_called(key: &str) -> Result<Mode, JsValue> {
    Mode::ALL
        .into_iter()
        .find(|m| m.key() == key)
        .ok_or_else(|| JsValue::from_str(&format!("no engine is called {key}")))
}

/// One checked run of `mode_key`'s engine on sweep workload `workload` at `size_percent` of its
/// seed size, `tasks` tasks, `workers` workers. Rejects when the result is wrong.
#[wasm_bindgen]
pub async fn bench_run(
    mode_key: String,
    workload: usize,
    size_percent: u32,
    tasks: usize,
    workers: usize,
) -> Result<JsValue, JsValue> {
    let mode = engine_called(&mode_key)?;
    let all = sweep_workloads(Scale::Full);
    let workload = all
        .get(workload)
        .ok_or_else(|| JsValue::from_str("no such workload"))?;
    let job = Job::new(workload.scaled(size_percent), tasks);
    let (outcome, probe) = engines::measure(mode, &job, workers, &Cancel::new()).await;
    let run = outcome.map_err(|e| JsValue::from_str(&e.to_string()))?;
    // A serial run's probe measures its freeze, not a worker run's gaps.
    let probe = probe.filter(|p| p.worker_runs > 0);
    let records = &run.run.records;
    to_js(&Measured {
        elapsed_ms: run.run.elapsed_ms,
        first_start_ms: records
            .iter()
            .map(|r| r.start_ms)
            .fold(f64::INFINITY, f64::min),
        last_end_ms: records.iter().map(|r| r.end_ms).fold(0.0, f64::max),
        longest_task_ms: probe.and_then(|p| p.longest_task_ms),
        longest_gap_ms: probe.map(|p| p.longest_gap_ms),
    })
}

/// One checked run of `mode_key`'s engine on the visitor's script `source` (the playground's
/// module): its elapsed ms and the page's total afterwards.
#[wasm_bindgen]
pub async fn bench_script(
    mode_key: String,
    source: String,
    tasks: usize,
    workers: usize,
) -> Result<JsValue, JsValue> {
    let mode = engine_called(&mode_key)?;
    let job = Job::new(crate::workloads::Workload::Script { source }, tasks);
    let (outcome, _) = engines::measure(mode, &job, workers, &Cancel::new()).await;
    let run = outcome.map_err(|e| JsValue::from_str(&e.to_string()))?;
    to_js(&(run.run.elapsed_ms, run.run.page_total))
}

/// Spawn-to-ready of `n` isolated workers, in ms.
#[wasm_bindgen]
pub async fn bench_spawn_to_ready(n: usize) -> Result<Vec<f64>, JsValue> {
    isolated::spawn_to_ready(n)
        .await
        .map_err(|e| JsValue::from_str(&e))
}

/// `n` `postMessage` round trips to an isolated worker, in ms.
#[wasm_bindgen]
pub async fn bench_round_trips(n: usize) -> Result<Vec<f64>, JsValue> {
    isolated::round_trips(n)
        .await
        .map_err(|e| JsValue::from_str(&e))
}

/// The fragment of the largest valid link a page may have to open
/// ([`crate::share::largest::link`]), for the browser tests to open.
#[wasm_bindgen]
pub fn bench_largest_link() -> Result<String, JsValue> {
    crate::share::largest::link().map_err(|e| JsValue::from_str(&e))
}
