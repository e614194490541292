//! The engines. Each takes a job and a worker count and returns a [`RawRun`] (results in
//! submission order, each task's record in arrival order, the timed span); [`measure`] runs one
//! and checks it against the serial answer before anything shows its time.

pub mod calibrate;
pub mod isolated;
pub mod main_thread;
pub mod shared_pool;

use crate::experiment::Outcome;
use crate::run::{Cancel, Mode, RawRun, RunError, check};
use crate::stats::Responsiveness;
use crate::web::platform::after_paint;
use crate::web::probe::GapProbe;
use crate::workloads::Job;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::thread::LocalKey;

/// `true` the first time `job`'s workload is seen in `seen`: each warm-up runs once per workload
/// per page.
pub(crate) fn first_time(
    seen: &'static LocalKey<RefCell<BTreeSet<&'static str>>>,
    job: &Job,
) -> bool {
    seen.with(|s| s.borrow_mut().insert(job.workload.name()))
}

/// Runs `job` the way `mode` says, until done or cancelled.
pub async fn run(mode: Mode, job: &Job, workers: usize, cancel: &Cancel) -> Result<RawRun, String> {
    match mode {
        Mode::MainThread => main_thread::run(job, cancel).await,
        Mode::Shared { gil } => shared_pool::run(job.clone(), workers, gil, cancel).await,
        Mode::Pool { reuse } => isolated::run_pool(job, workers, reuse, cancel).await,
        Mode::PerTask { join } => isolated::run_per_task(job, join, cancel).await,
    }
}

/// A checked run, and for worker modes how free the page's main thread stayed while it ran.
pub async fn measure(
    mode: Mode,
    job: &Job,
    workers: usize,
    cancel: &Cancel,
) -> (Outcome, Option<Responsiveness>) {
    main_thread::warm_up(job).await;
    if let Mode::Shared { .. } = mode {
        shared_pool::warm_up(job).await;
    }
    // Let the page paint what changed (a new row, the chart, "running") before workers take the
    // cores, and before the main thread is taken over by a serial run.
    after_paint().await;
    let probe = (mode != Mode::MainThread).then(GapProbe::start);
    let raw = run(mode, job, workers, cancel).await;
    let gap = probe.map(GapProbe::stop);
    let outcome = raw
        .map_err(RunError::Failed)
        .and_then(|raw| check(mode, workers, job, &job.expected(), raw));
    (outcome, gap)
}
