//! The page's state as plain data and one reducer: components render it and send [`Action`]s;
//! nothing else changes it. No browser types here, so every transition is tested natively.

use crate::run::{CheckedRun, Engine, RunError};

/// The shared-memory pool's life: it is started once per page (its size cannot change).
#[derive(Clone, Debug, PartialEq)]
pub enum PoolStatus {
    /// Shared memory is impossible here; the reason says what to fix.
    Unavailable(String),
    Starting,
    Ready {
        threads: usize,
    },
    Failed(String),
}

/// One engine's row in the results table.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineStatus {
    NotRun,
    Running,
    Done(Result<CheckedRun, RunError>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// `navigator.hardwareConcurrency` as the browser reports it.
    pub hardware_concurrency: usize,
    /// `crossOriginIsolated`: without it the page may not share memory with workers.
    pub cross_origin_isolated: bool,
    pub pool: PoolStatus,
    /// Workers the next run may keep busy, 1..=`max_workers()`.
    pub workers: usize,
    pub running: bool,
    pub rows: Vec<(Engine, EngineStatus)>,
    /// Longest gap seen between the page's timer ticks during the last worker-engine runs.
    pub longest_main_thread_gap_ms: Option<f64>,
    /// A problem to show above everything else (bad input, a failed start).
    pub notice: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    PoolReady {
        threads: usize,
    },
    PoolFailed(String),
    SetWorkers(usize),
    RunStarted,
    EngineStarted(Engine),
    EngineFinished {
        engine: Engine,
        outcome: Result<CheckedRun, RunError>,
    },
    /// Ends a run, with the longest main-thread gap measured while workers computed.
    RunFinished {
        longest_main_thread_gap_ms: Option<f64>,
    },
}

impl State {
    /// A fresh page. `hardware_concurrency` of 0 (not reported) counts as 1.
    pub fn new(hardware_concurrency: usize, cross_origin_isolated: bool) -> Self {
        let hardware_concurrency = hardware_concurrency.max(1);
        let pool = if cross_origin_isolated {
            PoolStatus::Starting
        } else {
            PoolStatus::Unavailable(
                "the page is not cross-origin isolated, so it may not share memory with workers: \
                 serve it with Cross-Origin-Opener-Policy: same-origin and \
                 Cross-Origin-Embedder-Policy: require-corp"
                    .into(),
            )
        };
        Self {
            hardware_concurrency,
            cross_origin_isolated,
            pool,
            workers: hardware_concurrency.min(2),
            running: false,
            rows: Engine::ALL
                .iter()
                .map(|&e| (e, EngineStatus::NotRun))
                .collect(),
            longest_main_thread_gap_ms: None,
            notice: None,
        }
    }

    /// The slider's top: twice the reported cores, to show what oversubscription does.
    pub fn max_workers(&self) -> usize {
        2 * self.hardware_concurrency
    }

    /// Why `engine` cannot run now, or `None` when it can.
    pub fn unavailable_reason(&self, engine: Engine) -> Option<String> {
        match engine {
            Engine::MainThread => None,
            Engine::SharedMemory => match &self.pool {
                PoolStatus::Ready { .. } => None,
                PoolStatus::Starting => Some("the shared-memory pool is still starting".into()),
                PoolStatus::Unavailable(why) | PoolStatus::Failed(why) => Some(why.clone()),
            },
            // A threaded module's memory is shared even in its own instance, so isolated workers
            // need cross-origin isolation too.
            Engine::Isolated => (!self.cross_origin_isolated)
                .then(|| "the page is not cross-origin isolated, so it cannot start workers with this module".into()),
        }
    }

    pub fn status(&self, engine: Engine) -> &EngineStatus {
        &self
            .rows
            .iter()
            .find(|(e, _)| *e == engine)
            .expect("every engine has a row")
            .1
    }

    fn set_status(&mut self, engine: Engine, status: EngineStatus) {
        if let Some(row) = self.rows.iter_mut().find(|(e, _)| *e == engine) {
            row.1 = status;
        }
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::PoolReady { threads } => self.pool = PoolStatus::Ready { threads },
            Action::PoolFailed(why) => {
                self.pool =
                    PoolStatus::Failed(format!("the shared-memory pool failed to start: {why}"))
            }
            Action::SetWorkers(n) => {
                if (1..=self.max_workers()).contains(&n) {
                    self.workers = n;
                    self.notice = None;
                } else {
                    self.notice = Some(format!(
                        "workers must be between 1 and {} (twice hardwareConcurrency); kept {}",
                        self.max_workers(),
                        self.workers
                    ));
                }
            }
            Action::RunStarted => {
                self.running = true;
                self.notice = None;
                self.longest_main_thread_gap_ms = None;
                for row in &mut self.rows {
                    row.1 = EngineStatus::NotRun;
                }
            }
            Action::EngineStarted(engine) => self.set_status(engine, EngineStatus::Running),
            Action::EngineFinished { engine, outcome } => {
                self.set_status(engine, EngineStatus::Done(outcome))
            }
            Action::RunFinished {
                longest_main_thread_gap_ms,
            } => {
                self.running = false;
                self.longest_main_thread_gap_ms = longest_main_thread_gap_ms;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RawRun;

    #[test]
    fn an_isolated_page_starts_its_pool_and_a_plain_one_says_why_not() {
        assert_eq!(State::new(4, true).pool, PoolStatus::Starting);
        let plain = State::new(4, false);
        assert!(matches!(plain.pool, PoolStatus::Unavailable(_)));
        assert!(
            plain
                .unavailable_reason(Engine::SharedMemory)
                .expect("unavailable")
                .contains("Cross-Origin-Opener-Policy")
        );
        assert!(plain.unavailable_reason(Engine::Isolated).is_some());
        assert_eq!(plain.unavailable_reason(Engine::MainThread), None);
    }

    #[test]
    fn workers_range_from_one_to_twice_the_cores() {
        let mut s = State::new(2, true);
        assert_eq!(s.max_workers(), 4);
        s.apply(Action::SetWorkers(4));
        assert_eq!(s.workers, 4);
        s.apply(Action::SetWorkers(0));
        assert_eq!(s.workers, 4, "an out-of-range value keeps the old one");
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("between 1 and 4")
        );
        s.apply(Action::SetWorkers(1_000_000));
        assert_eq!(s.workers, 4);
        s.apply(Action::SetWorkers(1));
        assert_eq!((s.workers, s.notice.clone()), (1, None));
    }

    #[test]
    fn zero_reported_cores_count_as_one() {
        assert_eq!(State::new(0, true).max_workers(), 2);
    }

    #[test]
    fn a_run_resets_rows_then_fills_them() {
        let mut s = State::new(2, true);
        s.apply(Action::PoolReady { threads: 4 });
        assert_eq!(s.unavailable_reason(Engine::SharedMemory), None);
        s.apply(Action::RunStarted);
        assert!(s.running);
        s.apply(Action::EngineStarted(Engine::MainThread));
        assert_eq!(s.status(Engine::MainThread), &EngineStatus::Running);
        let run = RawRun {
            results: vec![11],
            arrival: vec![0],
            elapsed_ms: 3.0,
            startup_ms: None,
            workers_used: 1,
        };
        let outcome = Ok(CheckedRun {
            engine: Engine::MainThread,
            workers: 1,
            run,
        });
        s.apply(Action::EngineFinished {
            engine: Engine::MainThread,
            outcome: outcome.clone(),
        });
        assert_eq!(s.status(Engine::MainThread), &EngineStatus::Done(outcome));
        s.apply(Action::RunFinished {
            longest_main_thread_gap_ms: Some(7.0),
        });
        assert!(!s.running);
        assert_eq!(s.longest_main_thread_gap_ms, Some(7.0));
        s.apply(Action::RunStarted);
        assert_eq!(s.status(Engine::MainThread), &EngineStatus::NotRun);
    }
}
