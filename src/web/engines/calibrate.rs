//! Measures how many cores really scale here: the same CPU task on 1, 2, … 2 × hardwareConcurrency
//! shared-memory workers, one task per worker, so a machine with c free cores does k ≤ c tasks
//! in one task's time and slows beyond. Browsers clamp or round `hardwareConcurrency`, and a
//! virtual machine can deliver less than it reports; the throughput curve tells.

use crate::cancel::Cancel;
use crate::run::{Mode, check};
use crate::web::engines::{main_thread, shared_pool};
use crate::web::platform::now_ms;
use crate::workloads::{Job, Workload};

/// The whole calibration, warm-up included, stays within this.
pub const BUDGET_MS: f64 = 3_000.0;
/// Passes over every worker count; each point is the median of the passes that fit.
const PASSES: usize = 3;

/// Returns `(workers, tasks per second)` for 1…`max_workers` (none for 0), each task checked.
/// A count the pool has not got room for fails the curve (see [`pool::get_for`]).
///
/// [`pool::get_for`]: crate::web::engines::pool::get_for
pub async fn throughput_curve(max_workers: usize) -> Result<Vec<(usize, f64)>, String> {
    let started = now_ms();
    let cancel = Cancel::new();
    let sizing = Job::new(Workload::EmptyLoop { count: 2_000_000 }, 1);
    main_thread::warm_up(&sizing).await;
    shared_pool::warm_up(&sizing, max_workers).await;
    let once = shared_pool::run(sizing.clone(), 1, false, &cancel)
        .await
        .map_err(|e| e.to_string())?;
    let per_count = once.elapsed_ms.max(0.05) / 2_000_000.0;
    // Worst case (one real core) a pass costs unit × (1 + 2 + … + max) ms.
    let left = BUDGET_MS - (now_ms() - started) - 200.0;
    let pass_units = (max_workers * (max_workers + 1) / 2) as f64;
    let unit_ms = (left / (PASSES as f64 * pass_units)).clamp(3.0, 50.0);
    let count = ((unit_ms / per_count) as u64).max(100_000);
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); max_workers];
    'passes: for _ in 0..PASSES {
        for k in 1..=max_workers {
            // The next point may take k units if only one core is real.
            if now_ms() - started + k as f64 * unit_ms > BUDGET_MS {
                break 'passes;
            }
            let job = Job::new(Workload::EmptyLoop { count }, k);
            let raw = shared_pool::run(job.clone(), k, false, &cancel)
                .await
                .map_err(|e| e.to_string())?;
            let run = check(Mode::Shared { gil: false }, k, &job, &job.answer(), raw)
                .map_err(|e| e.to_string())?;
            samples[k - 1].push(k as f64 / run.run.elapsed_ms.max(1e-3) * 1000.0);
        }
    }
    Ok(samples
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i + 1, crate::stats::median(&s)?)))
        .collect())
}
