//! The page's state as plain data and one reducer: components render it and send [`Action`]s;
//! nothing else changes it. No browser types here, so every transition is tested natively.

use crate::experiment::{Outcome, PresetId, Step};
use crate::isolation;
use crate::machine::Machine;
use crate::predict::Costs;
use crate::run::Mode;
use crate::settings::{self, Limit, Settings, View, page_max_workers};
use crate::settings::{Scale, sweep_workloads};
use crate::share::{self, Config, Link, LinkError, Results};
use crate::stats::{CoreEstimate, Responsiveness, effective_cores};
use crate::sweep::{Measured, Plan, Point, Predicting, Predictions, record, summaries};
use crate::timeline::Timeline;
use crate::workloads::{Fault, Job, Workload};
use std::rc::Rc;

mod announce;
mod bench;
mod links;
mod presets;
mod status;

pub use bench::{BenchState, Progress, Theirs};
pub use links::Route;
pub use presets::PresetState;
pub use status::{Calibration, EngineStatus, PoolStatus, QUICK_MODES, quick_job};

/// The parts of the page a timeline can be opened from; it shows under its own part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Quick,
    Lessons,
    Bench,
}

/// A run's timeline on show.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownTimeline {
    pub section: Section,
    /// Which run, in words.
    pub title: String,
    pub timeline: Rc<Timeline>,
    /// Its worker count, where known (a link's timeline travels without it).
    pub workers: Option<usize>,
    /// Opened from a share link (so not shared on as this page's own).
    pub theirs: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// `navigator.hardwareConcurrency` as the browser reports it.
    pub hardware_concurrency: usize,
    /// `crossOriginIsolated`: without it the page may not share memory with workers.
    pub cross_origin_isolated: bool,
    /// The page loaded the threaded module (it needs cross-origin isolation); the
    /// single-threaded one has no shared-memory engines.
    pub threaded: bool,
    pub pool: PoolStatus,
    /// The most workers a run may have here: the workers slider's top, the sweep's, and the
    /// shared pool's size ([`page_max_workers`]).
    pub max_workers: usize,
    /// Workers the next quick run may keep busy, 1..=`max_workers`.
    pub workers: usize,
    /// A quick run or a preset is running (one at a time).
    pub running: bool,
    pub rows: Vec<(Mode, EngineStatus)>,
    pub preset: PresetState,
    pub bench: BenchState,
    /// How free the main thread stayed during the last worker-engine runs.
    pub responsiveness: Option<Responsiveness>,
    /// A problem to show above everything else (bad input, a failed start).
    pub notice: Option<String>,
    /// Results opened from a share link, if any.
    pub theirs: Option<Rc<Theirs>>,
    pub calibration: Calibration,
    pub timeline: Option<ShownTimeline>,
    /// A link opened while a run was going: applied when the run ends.
    pub pending_link: Option<Link>,
    /// The run the page started last: what its end announces, and where focus goes.
    pub last_run: Option<RunKind>,
    /// What the page's live region says: progress and each outcome, in words, for readers who
    /// cannot watch the tables fill.
    pub announcement: String,
}

/// The three things the page runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    Quick,
    Preset,
    Sweep,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    PoolReady {
        threads: usize,
        most: usize,
    },
    PoolFailed(String),
    SetWorkers(usize),
    RunStarted,
    EngineStarted(Mode),
    EngineFinished {
        mode: Mode,
        outcome: Outcome,
    },
    /// Ends a quick run or a preset, with the longest main-thread gap measured while workers
    /// computed.
    RunFinished {
        responsiveness: Option<Responsiveness>,
    },
    SelectPreset(PresetId),
    SelectSweepWorkload(usize),
    PresetStarted(Vec<Step>),
    StepStarted(usize),
    StepFinished(usize, Outcome),
    SetBenchWorkload(usize),
    SetBenchTasks(usize),
    SetBenchSize(u32),
    /// The editor's script, as typed (what the script workload runs).
    SetBenchScript(String),
    /// The bench's fault injection: which task fails, and how; `None` for none.
    SetFault(Option<Fault>),
    /// The failing task's number as typed: taken if it is a task the bench has, else refused
    /// with the range, keeping the old one.
    SetFaultTask(String),
    SetRepetitions(usize),
    SetBenchMaxWorkers(usize),
    ToggleMode(Mode),
    SetView(View),
    SweepStarted(Plan),
    PointStarted {
        done: usize,
        current: String,
    },
    Sampled {
        point: Point,
        elapsed_ms: f64,
        result: String,
        /// The run's timeline (a point keeps its last repetition's).
        timeline: Option<Timeline>,
    },
    PointFailed {
        point: Point,
        why: String,
    },
    SweepFinished {
        cancelled: bool,
        responsiveness: Option<Responsiveness>,
    },
    /// Opens a share link, decoded from the address ([`Route`]): applies its configuration and
    /// shows its results (after the run, if one is going), or says why it cannot and changes
    /// nothing.
    OpenLink(Result<Link, LinkError>),
    /// A link's predictions, made after it was shown ([`Theirs::predicting`]): kept if that
    /// link is still the one shown.
    Predicted {
        of: Rc<Theirs>,
        predictions: Predictions,
    },
    ClearTheirs,
    CalibrationStarted,
    /// The throughput curve `(workers, tasks per second)`, or why it could not be measured.
    CalibrationFinished(Result<Vec<(usize, f64)>, String>),
    ShowTimeline(Option<ShownTimeline>),
}

impl State {
    /// A fresh page. `hardware_concurrency` of 0 (not reported) counts as 1.
    pub fn new(hardware_concurrency: usize, cross_origin_isolated: bool, threaded: bool) -> Self {
        let hardware_concurrency = hardware_concurrency.max(1);
        let pool = match (threaded, cross_origin_isolated) {
            (true, true) => PoolStatus::Starting,
            (false, _) => PoolStatus::Unavailable(isolation::loaded_single_threaded()),
            (true, false) => PoolStatus::Unavailable(isolation::may_not_share_memory()),
        };
        Self {
            hardware_concurrency,
            cross_origin_isolated,
            threaded,
            pool,
            max_workers: page_max_workers(hardware_concurrency),
            workers: hardware_concurrency.min(2),
            running: false,
            rows: QUICK_MODES
                .iter()
                .map(|&m| (m, EngineStatus::NotRun))
                .collect(),
            preset: PresetState {
                selected: PresetId::SleepBound,
                sweep_workload: 0,
                steps: Vec::new(),
                results: Vec::new(),
                running: None,
            },
            bench: BenchState {
                settings: Settings::default(),
                progress: None,
                plan: None,
                measured: Vec::new(),
                failures: Vec::new(),
                predicted: None,
                cancelled: false,
                swept: None,
                fault: None,
            },
            responsiveness: None,
            notice: None,
            theirs: None,
            calibration: Calibration::NotRun,
            timeline: None,
            pending_link: None,
            last_run: None,
            announcement: String::new(),
        }
    }

    /// Cores that really scaled, once measured.
    pub fn effective_cores(&self) -> Option<usize> {
        self.calibration.effective_cores()
    }

    /// Cores' worth of computing predictions count on: the effective cores once measured, else
    /// hardwareConcurrency (as [`Machine::cores`] counts them for the machine a link names).
    pub fn cores(&self) -> f64 {
        self.effective_cores().unwrap_or(self.hardware_concurrency) as f64
    }

    /// Works out the measured points' predictions again: after each sample, a new sweep, and
    /// a new measure of the cores, what they are made from.
    fn repredict(&mut self) {
        let cores = self.cores();
        let b = &mut self.bench;
        b.predicted = (b.plan.as_ref())
            .and_then(|plan| Predictions::of(&b.measured, &plan.modes, plan.max_workers, cores));
    }

    /// A run, preset, sweep or measurement ended: the page takes input again, and a link
    /// opened meanwhile is applied now.
    fn run_ended(&mut self) {
        self.running = false;
        if let Some(link) = self.pending_link.take() {
            self.apply_link(link);
            let opened = "The run has finished, so the link from the address bar is open now.";
            self.notice = Some(match self.notice.take() {
                Some(more) => format!("{opened} {more}"),
                None => opened.into(),
            });
        }
    }

    /// Checks a control's value against its limit; the message names the limit.
    fn in_range(&mut self, limit: Limit, v: usize) -> bool {
        let ok = limit.contains(v);
        self.notice = (!ok).then(|| {
            format!(
                "{} must be between {} and {}; got {v}, kept the old value",
                limit.what, limit.min, limit.max
            )
        });
        ok
    }

    /// Takes `action`: says what it means in the live region, and changes the state. While a
    /// run is going, an action that would change what it runs is refused with a notice.
    pub fn apply(&mut self, action: Action) {
        if let Some(said) = self.announce(&action) {
            self.announcement = said;
        }
        if self.running
            && let Some(refused) = self.busy(&action)
        {
            self.notice = Some(refused);
            return;
        }
        self.reduce(action);
    }

    /// Why `action` must wait while a run is going, or `None` if it may be taken.
    fn busy(&self, action: &Action) -> Option<String> {
        Some(match action {
            Action::SetWorkers(_) => format!(
                "wait for the run to finish before changing the workers; kept {}",
                self.workers
            ),
            Action::SelectPreset(_) | Action::SelectSweepWorkload(_) => {
                "wait for the run to finish before changing the preset".into()
            }
            Action::SetBenchWorkload(_)
            | Action::SetBenchTasks(_)
            | Action::SetBenchSize(_)
            | Action::SetBenchScript(_)
            | Action::SetRepetitions(_)
            | Action::ToggleMode(_)
            | Action::SetFault(_)
            | Action::SetFaultTask(_) => {
                "wait for the run to finish, or cancel it, before changing the sweep".into()
            }
            Action::CalibrationStarted => {
                "wait for the run to finish before measuring the cores".into()
            }
            _ => return None,
        })
    }

    /// A run begins: the page takes no input until it ends, and the last notice goes. A quick
    /// run, preset or sweep (`kind`) also clears the last run's responsiveness and becomes the
    /// run whose end the page announces and moves focus to.
    fn run_started(&mut self, kind: Option<RunKind>) {
        if let Some(kind) = kind {
            if !self.running {
                self.last_run = Some(kind);
            }
            self.responsiveness = None;
        }
        self.running = true;
        self.notice = None;
    }

    fn reduce(&mut self, action: Action) {
        match action {
            Action::PoolReady { threads, most } => self.pool = PoolStatus::Ready { threads, most },
            Action::PoolFailed(why) => {
                self.pool =
                    PoolStatus::Failed(format!("the shared-memory pool failed to start: {why}"))
            }
            Action::SetWorkers(n) => {
                if (1..=self.max_workers).contains(&n) {
                    self.workers = n;
                    self.notice = None;
                } else {
                    self.notice = Some(format!(
                        "workers must be between 1 and {}; kept {}",
                        self.max_workers, self.workers
                    ));
                }
            }
            Action::RunStarted => {
                self.run_started(Some(RunKind::Quick));
                for row in &mut self.rows {
                    row.1 = EngineStatus::NotRun;
                }
            }
            Action::EngineStarted(mode) => self.set_status(mode, EngineStatus::Running),
            Action::EngineFinished { mode, outcome } => {
                self.set_status(mode, EngineStatus::Done(outcome))
            }
            Action::RunFinished { responsiveness } => {
                self.preset.running = None;
                self.responsiveness = responsiveness;
                self.run_ended();
            }
            Action::SelectPreset(id) => self.preset.selected = id,
            Action::SelectSweepWorkload(i) => self.select_sweep_workload(i),
            Action::PresetStarted(steps) => {
                self.run_started(Some(RunKind::Preset));
                self.preset.start(steps);
            }
            Action::StepStarted(i) => self.preset.running = Some(i),
            Action::StepFinished(i, outcome) => self.preset.finished(i, outcome),
            Action::SetFault(fault) => self.set_fault(fault),
            Action::SetFaultTask(typed) => self.set_fault_task(&typed),
            Action::SetBenchWorkload(i) => self.set_bench_workload(i),
            Action::SetBenchTasks(n) => self.set_bench_tasks(n),
            Action::SetBenchSize(p) => self.set_bench_size(p),
            Action::SetBenchScript(source) => self.set_bench_script(source),
            Action::SetRepetitions(n) => {
                if self.in_range(settings::REPETITIONS, n) {
                    self.bench.settings.repetitions = n;
                }
            }
            Action::SetBenchMaxWorkers(n) => {
                if self.in_range(settings::top_workers_limit(self.max_workers), n) {
                    self.bench.settings.max_workers = n;
                }
            }
            Action::ToggleMode(mode) => self.bench.settings.toggle(mode),
            Action::SetView(view) => self.bench.settings.view = view,
            Action::OpenLink(link) => self.open_link(link),
            Action::Predicted { of, predictions } => {
                if let Some(shown) = &self.theirs
                    && Rc::ptr_eq(shown, &of)
                {
                    self.theirs = Some(Rc::new(Theirs {
                        predicted: Some(predictions),
                        ..(*of).clone()
                    }));
                }
            }
            Action::ClearTheirs => self.theirs = None,
            Action::CalibrationStarted => {
                self.run_started(None);
                self.calibration = Calibration::Running;
            }
            Action::CalibrationFinished(curve) => {
                self.run_ended();
                self.calibration = Calibration::finished(curve);
                self.repredict();
            }
            Action::ShowTimeline(shown) => self.timeline = shown,
            Action::SweepStarted(plan) => {
                self.run_started(Some(RunKind::Sweep));
                let swept = self.link_config();
                self.bench.start(plan, swept);
                self.repredict();
            }
            Action::PointStarted { done, current } => {
                if let Some(p) = &mut self.bench.progress {
                    p.done = done;
                    p.current = current;
                }
            }
            Action::Sampled {
                point,
                elapsed_ms,
                result,
                timeline,
            } => {
                record(
                    &mut self.bench.measured,
                    point,
                    elapsed_ms,
                    result,
                    timeline,
                );
                self.repredict();
            }
            Action::PointFailed { point, why } => self.bench.failures.push((point, why)),
            Action::SweepFinished {
                cancelled,
                responsiveness,
            } => {
                self.bench.progress = None;
                self.bench.cancelled = cancelled;
                self.responsiveness = responsiveness;
                self.run_ended();
            }
        }
    }
}

#[cfg(test)]
mod tests;
