//! The one loop that runs what the page measures. The quick run's engines, a preset's steps and a
//! sweep's points are each a list of runs (an engine, a job, a worker count) run in order: a run
//! whose engine is off here is skipped, one that cannot run here fails with the reason, every
//! other is measured and checked against the serial answer, as often as its list asks.

use crate::cancel::Cancel;
use crate::experiment::{Outcome, Step, median_run, run_again};
use crate::run::{CheckedRun, Mode, RunError};
use crate::state::{Action, QUICK_MODES, State, quick_job};
use crate::stats::Responsiveness;
use crate::sweep::Plan;
use crate::timeline::Timeline;
use crate::web::engines;
use crate::web::props::Dispatcher;
use crate::workloads::Job;
use std::rc::Rc;

/// How often each run of a list is measured.
#[derive(Clone, Copy)]
enum Repeat {
    /// This many times; the outcome is the median run.
    Times(usize),
    /// Until [`run_again`] says the runs are enough (a short preset step runs five times).
    UntilSettled,
}

/// What happened to run `i` of a list.
enum Event<'a> {
    /// Its `n`-th measurement (from 0) starts.
    Started(usize),
    /// One measurement finished and was checked.
    Measured(&'a CheckedRun),
    /// It is done: the median measured run, or why it failed.
    Finished(Outcome),
}

/// How a list ended.
struct Ended {
    /// How free the main thread stayed, over every run.
    responsiveness: Option<Responsiveness>,
    cancelled: bool,
}

/// Runs `runs` (engine, job, workers) in order, telling `on` what happened to each by its index.
async fn run_list(
    state: &State,
    runs: &[(Mode, &Job, usize)],
    repeat: Repeat,
    cancel: &Cancel,
    mut on: impl FnMut(usize, Event<'_>),
) -> Ended {
    let mut responsiveness = None;
    let cancelled = |responsiveness| Ended {
        responsiveness,
        cancelled: true,
    };
    for (i, &(mode, job, workers)) in runs.iter().enumerate() {
        if state.is_off(mode) {
            continue;
        }
        if let Some(why) = state.unavailable_reason(mode) {
            on(i, Event::Finished(Err(RunError::Failed(why))));
            continue;
        }
        let mut measured = Vec::new();
        let outcome = loop {
            if cancel.is_cancelled() {
                return cancelled(responsiveness);
            }
            on(i, Event::Started(measured.len()));
            let (outcome, gap) = engines::measure(mode, job, workers, cancel).await;
            responsiveness = Responsiveness::merge_opt(responsiveness, gap);
            match outcome {
                Ok(run) => {
                    on(i, Event::Measured(&run));
                    measured.push(run);
                }
                Err(RunError::Cancelled) => return cancelled(responsiveness),
                Err(e) => break Err(e),
            }
            let again = match repeat {
                Repeat::Times(n) => measured.len() < n,
                Repeat::UntilSettled => run_again(&measured),
            };
            if !again {
                break Ok(median_run(measured));
            }
        };
        on(i, Event::Finished(outcome.map(Rc::new)));
    }
    Ended {
        responsiveness,
        cancelled: false,
    }
}

/// Runs the quick job once on every engine of the quick run.
pub async fn run_quick(state: State, dispatch: Dispatcher) {
    dispatch.dispatch(Action::RunStarted);
    let job = quick_job();
    let runs: Vec<(Mode, &Job, usize)> = QUICK_MODES
        .iter()
        .map(|&mode| {
            let workers = if mode == Mode::MainThread {
                1
            } else {
                state.workers
            };
            (mode, &job, workers)
        })
        .collect();
    let ended = run_list(&state, &runs, Repeat::Times(1), &Cancel::new(), |i, e| {
        let mode = runs[i].0;
        match e {
            Event::Started(_) => dispatch.dispatch(Action::EngineStarted(mode)),
            Event::Measured(_) => {}
            Event::Finished(outcome) => dispatch.dispatch(Action::EngineFinished { mode, outcome }),
        }
    })
    .await;
    dispatch.dispatch(Action::RunFinished {
        responsiveness: ended.responsiveness,
    });
    engines::release_when_idle();
}

/// Runs a preset's steps in order; a short step shows the median of its runs.
pub async fn run_preset(state: State, steps: Vec<Step>, dispatch: Dispatcher) {
    dispatch.dispatch(Action::PresetStarted(steps.clone()));
    let runs: Vec<(Mode, &Job, usize)> =
        steps.iter().map(|s| (s.mode, &s.job, s.workers)).collect();
    let ended = run_list(
        &state,
        &runs,
        Repeat::UntilSettled,
        &Cancel::new(),
        |i, e| match e {
            Event::Started(0) => dispatch.dispatch(Action::StepStarted(i)),
            Event::Started(_) | Event::Measured(_) => {}
            Event::Finished(outcome) => dispatch.dispatch(Action::StepFinished(i, outcome)),
        },
    )
    .await;
    dispatch.dispatch(Action::RunFinished {
        responsiveness: ended.responsiveness,
    });
    engines::release_when_idle();
}

/// Runs every point of `plan`, `repetitions` times each, until done or cancelled; every run is
/// a sample of its point.
pub async fn run_sweep(state: State, plan: Plan, cancel: Cancel, dispatch: Dispatcher) {
    dispatch.dispatch(Action::SweepStarted(plan.clone()));
    let reps = plan.repetitions.max(1);
    let points = plan.points();
    let runs: Vec<(Mode, &Job, usize)> = points
        .iter()
        .map(|p| (p.mode, &plan.job, p.workers))
        .collect();
    let ended = run_list(&state, &runs, Repeat::Times(reps), &cancel, |i, e| {
        let point = points[i];
        match e {
            Event::Started(rep) => dispatch.dispatch(Action::PointStarted {
                done: i * reps + rep,
                current: point.describe_run(rep, reps),
            }),
            Event::Measured(run) => dispatch.dispatch(Action::Sampled {
                point,
                elapsed_ms: run.run.elapsed_ms,
                result: run.result_text(6),
                timeline: Some(Timeline::of(point.mode, &plan.job, &run.run)),
            }),
            Event::Finished(Ok(_)) => {}
            Event::Finished(Err(e)) => dispatch.dispatch(Action::PointFailed {
                point,
                why: e.to_string(),
            }),
        }
    })
    .await;
    dispatch.dispatch(Action::SweepFinished {
        cancelled: ended.cancelled,
        responsiveness: ended.responsiveness,
    });
    engines::release_when_idle();
}
