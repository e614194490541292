//! What the page knows of its engines: the shared-memory pool's life, the quick run's rows,
//! the measurement of the cores, and which engines this page's module has.

use super::*;

/// The shared-memory pool's life: started once per page at one thread per core, and replaced
/// once by one of the page's maximum size when a run first needs more.
#[derive(Clone, Debug, PartialEq)]
pub enum PoolStatus {
    /// Shared memory is impossible here; the reason says what to fix.
    Unavailable(String),
    Starting,
    /// Started with `threads` threads; grows to `most` when a run first needs more.
    Ready {
        threads: usize,
        most: usize,
    },
    Failed(String),
}

impl PoolStatus {
    /// The facts panel's line, with the threads the pool has `now` (it may have grown).
    pub fn describe(&self, now: usize) -> String {
        match self {
            PoolStatus::Ready { threads, most } => {
                let now = now.max(*threads);
                match now < *most {
                    true => format!(
                        "ready, {now} threads; up to {most} start when a run needs more than {now}"
                    ),
                    false => format!("ready, {now} threads"),
                }
            }
            PoolStatus::Starting => "starting…".into(),
            PoolStatus::Unavailable(why) | PoolStatus::Failed(why) => format!("off: {why}"),
        }
    }
}

/// The quick run's engines: one row each.
pub const QUICK_MODES: [Mode; 4] = [
    Mode::MainThread,
    Mode::Shared { gil: false },
    Mode::Pool { reuse: false },
    Mode::Asyncio,
];

/// The quick run's job: seed 000's `add_compute` over its ten pairs, at the seed's size.
pub fn quick_job() -> Job {
    Job::new(Workload::EmptyLoop { count: 3_000_000 }, 10)
}

/// One engine's row in the quick run's table.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineStatus {
    NotRun,
    Running,
    Done(Outcome),
}

/// The measurement of how many cores really scale.
#[derive(Clone, Debug, PartialEq)]
pub enum Calibration {
    NotRun,
    Running,
    Done {
        /// (workers, tasks per second).
        curve: Vec<(usize, f64)>,
        estimate: CoreEstimate,
    },
    Failed(String),
}

impl Calibration {
    /// Cores that really scaled, once measured.
    pub fn effective_cores(&self) -> Option<usize> {
        match self {
            Calibration::Done { estimate, .. } => Some(estimate.cores),
            _ => None,
        }
    }

    /// The measurement's end: the throughput curve `(workers, tasks per second)` it took, or
    /// why it could not.
    pub(super) fn finished(curve: Result<Vec<(usize, f64)>, String>) -> Self {
        match curve.map(|c| (effective_cores(&c), c)) {
            Ok((Some(estimate), curve)) => Calibration::Done { curve, estimate },
            Ok((None, _)) => Calibration::Failed("no time was measured with one worker".into()),
            Err(why) => Calibration::Failed(why),
        }
    }

    /// The measured effective cores beside what the browser reports (`hc`), or how to measure
    /// them.
    pub fn describe(&self, hc: usize) -> String {
        match self {
            Calibration::NotRun => "not measured: runs a fixed CPU task on 1 to 2 × hardwareConcurrency shared-memory workers ".into(),
            Calibration::Running => "measuring… ".into(),
            Calibration::Failed(why) => format!("could not be measured: {why} "),
            Calibration::Done { curve, estimate } => estimate.describe(curve, hc),
        }
    }
}

impl State {
    /// Whether `mode` is missing from this page's module (shared memory in the single-threaded
    /// build): runs leave it out rather than fail it.
    pub fn is_off(&self, mode: Mode) -> bool {
        !self.threaded && matches!(mode, Mode::Shared { .. })
    }

    /// Why `mode` cannot run now, or `None` when it can.
    pub fn unavailable_reason(&self, mode: Mode) -> Option<String> {
        match mode {
            Mode::MainThread | Mode::Asyncio => None,
            Mode::Shared { .. } if !self.threaded => Some(isolation::shared_memory_off()),
            Mode::Shared { .. } => match &self.pool {
                PoolStatus::Ready { .. } => None,
                PoolStatus::Starting => Some("the shared-memory pool is still starting".into()),
                PoolStatus::Unavailable(why) | PoolStatus::Failed(why) => Some(why.clone()),
            },
            // A threaded module's memory is shared even in its own instance, so isolated workers
            // of the threaded module need cross-origin isolation too; the single-threaded
            // module's do not.
            Mode::Pool { .. } | Mode::PerTask { .. } => {
                (self.threaded && !self.cross_origin_isolated).then(isolation::cannot_start_workers)
            }
        }
    }

    pub fn status(&self, mode: Mode) -> Option<&EngineStatus> {
        self.rows.iter().find(|(m, _)| *m == mode).map(|(_, s)| s)
    }

    pub(super) fn set_status(&mut self, mode: Mode, status: EngineStatus) {
        if let Some(row) = self.rows.iter_mut().find(|(m, _)| *m == mode) {
            row.1 = status;
        }
    }
}
