//! What an engine reports about one run, and the check that stands between a run and its time:
//! a result that differs from the serial answer is reported as wrong and its time is withheld.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The three ways corescope runs the same tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Engine {
    /// A plain loop on the page's own thread.
    MainThread,
    /// Web Workers sharing one wasm memory, driven by rayon.
    SharedMemory,
    /// Web Workers each with its own instance and memory, talking only by messages.
    Isolated,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::MainThread, Engine::SharedMemory, Engine::Isolated];

    pub fn label(self) -> &'static str {
        match self {
            Engine::MainThread => "main thread",
            Engine::SharedMemory => "shared memory",
            Engine::Isolated => "isolated workers",
        }
    }

    /// The Python construct the engine stands in for.
    pub fn python_analog(self) -> &'static str {
        match self {
            Engine::MainThread => "a plain for loop",
            Engine::SharedMemory => "threads without a GIL",
            Engine::Isolated => "multiprocessing.Pool",
        }
    }

    /// A stable name for test hooks and links.
    pub fn key(self) -> &'static str {
        match self {
            Engine::MainThread => "main",
            Engine::SharedMemory => "shared",
            Engine::Isolated => "isolated",
        }
    }
}

/// What an engine measured, before it is checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRun {
    /// Results in submission order.
    pub results: Vec<i64>,
    /// Task indices in the order their results reached the page.
    pub arrival: Vec<usize>,
    /// Wall-clock time from submitting the first task to holding every result.
    pub elapsed_ms: f64,
    /// Part of `elapsed_ms` spent starting workers before the first task could be sent.
    pub startup_ms: Option<f64>,
    /// Distinct workers (threads or isolated instances) that ran at least one task.
    pub workers_used: usize,
}

/// A run whose results matched the reference: only these carry a time to show.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedRun {
    pub engine: Engine,
    pub workers: usize,
    pub run: RawRun,
}

/// Why a run's time is not shown.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The engine finished but returned something other than the serial answer.
    WrongResult { expected: Vec<i64>, got: Vec<i64> },
    /// The engine could not run (no shared memory, a worker failed to start, a task trapped…).
    Failed(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::WrongResult { expected, got } => {
                write!(f, "wrong result: expected {expected:?}, got {got:?}")
            }
            RunError::Failed(why) => f.write_str(why),
        }
    }
}

/// Checks `run` against the serial `reference` and that every task arrived exactly once.
pub fn check(
    engine: Engine,
    workers: usize,
    reference: &[i64],
    run: RawRun,
) -> Result<CheckedRun, RunError> {
    if run.results != reference {
        return Err(RunError::WrongResult {
            expected: reference.to_vec(),
            got: run.results,
        });
    }
    let mut seen = run.arrival.clone();
    seen.sort_unstable();
    if seen != (0..reference.len()).collect::<Vec<_>>() {
        return Err(RunError::Failed(format!(
            "results arrived for tasks {:?}: each of the {} tasks must arrive exactly once",
            run.arrival,
            reference.len()
        )));
    }
    Ok(CheckedRun {
        engine,
        workers,
        run,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(results: Vec<i64>, arrival: Vec<usize>) -> RawRun {
        RawRun {
            results,
            arrival,
            elapsed_ms: 12.5,
            startup_ms: None,
            workers_used: 2,
        }
    }

    #[test]
    fn a_matching_run_passes_with_its_time() {
        let checked = check(
            Engine::SharedMemory,
            2,
            &[11, 12],
            raw(vec![11, 12], vec![1, 0]),
        )
        .expect("results match");
        assert_eq!(checked.run.elapsed_ms, 12.5);
        assert_eq!(checked.workers, 2);
    }

    #[test]
    fn a_wrong_result_is_rejected() {
        let err = check(
            Engine::Isolated,
            2,
            &[11, 12],
            raw(vec![11, 13], vec![0, 1]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            RunError::WrongResult {
                expected: vec![11, 12],
                got: vec![11, 13]
            }
        );
        assert!(err.to_string().contains("wrong result"));
    }

    #[test]
    fn a_missing_or_repeated_arrival_is_rejected() {
        let err = check(
            Engine::Isolated,
            2,
            &[11, 12],
            raw(vec![11, 12], vec![0, 0]),
        )
        .unwrap_err();
        assert!(matches!(err, RunError::Failed(_)), "{err:?}");
    }
}
