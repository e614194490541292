//! The page's state as plain data and one reducer: components render it and send [`Action`]s;
//! nothing else changes it. No browser types here, so every transition is tested natively.

use crate::experiment::{Outcome, PresetId, Step};
use crate::isolation;
use crate::machine::Machine;
use crate::predict::Costs;
use crate::run::Mode;
use crate::settings::{self, Limit, Settings, View, page_max_workers};
use crate::settings::{Scale, sweep_workloads};
use crate::share::{self, Config, Link, Results};
use crate::stats::{CoreEstimate, Responsiveness, effective_cores};
use crate::sweep::{Measured, Plan, Point, Predictions, record, summaries};
use crate::timeline::Timeline;
use crate::workloads::{Fault, Job, Workload};

/// The shared-memory pool's life: it is started once per page (its size cannot change).
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
pub const QUICK_MODES: [Mode; 3] = [
    Mode::MainThread,
    Mode::Shared { gil: false },
    Mode::Pool { reuse: false },
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
    pub timeline: Timeline,
    /// Opened from a share link (so not shared on as this page's own).
    pub theirs: bool,
}

/// The lesson presets' part of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetState {
    pub selected: PresetId,
    /// Index into [`sweep_workloads`] for the scaling sweep.
    pub sweep_workload: usize,
    /// The steps of the last run started (empty before the first).
    pub steps: Vec<Step>,
    pub results: Vec<Option<Outcome>>,
    /// The step running now.
    pub running: Option<usize>,
}

/// A sweep under way.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// The point running now, in words.
    pub current: String,
}

/// The experiment bench: a workload swept over modes and worker counts.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchState {
    /// What the controls are set to.
    pub settings: Settings,
    pub progress: Option<Progress>,
    /// The plan the measured points belong to.
    pub plan: Option<Plan>,
    pub measured: Vec<Measured>,
    /// Points that failed or gave a wrong result, with why.
    pub failures: Vec<(Point, String)>,
    /// The last sweep was cancelled (its measured points are kept).
    pub cancelled: bool,
    /// The configuration the measured points were swept with (the controls may have moved
    /// since): what a share link of them carries.
    pub swept: Option<Config>,
    /// A task made to fail on purpose (the bench's fault injection); never in a link.
    pub fault: Option<Fault>,
}

/// A sweep received in a share link, shown beside this page's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Theirs {
    pub config: Config,
    pub results: Results,
    pub timeline: Option<Timeline>,
}

impl Theirs {
    /// Whose machine measured their sweep, and what it ran.
    pub fn describe(&self) -> String {
        let job = self.config.settings.job();
        format!(
            "results from a shared link, {}: {} tasks of {}, median of {}. Nothing has run on \
             this machine yet; their lines are dashed.",
            self.results.machine.describe(),
            job.tasks,
            job.workload.describe(),
            self.config.settings.repetitions,
        )
    }
}

impl BenchState {
    /// The job the controls describe, with the injected fault (always on a task it has).
    pub fn job(&self) -> Job {
        self.settings.job().with_fault(self.fault)
    }

    /// The bench with its controls set to `settings`, the rest as it is.
    fn with(&self, settings: Settings) -> BenchState {
        BenchState {
            settings,
            ..self.clone()
        }
    }

    /// The last task's number: tasks are numbered from 0.
    fn last_task(&self) -> usize {
        self.settings.tasks.max(1) - 1
    }

    /// Moves the failing task onto the last task when the tasks no longer reach it, so a sweep
    /// never fails on a task the controls do not show; says so when it moved.
    fn keep_fault_in_range(&mut self) -> Option<String> {
        let last = self.last_task();
        let fault = self.fault.as_mut().filter(|f| f.task > last)?;
        let was = std::mem::replace(&mut fault.task, last);
        Some(format!(
            "the failing task is now task {last}, the last of {} (task {was} is past the end)",
            self.settings.tasks
        ))
    }
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
    /// Workers the next quick run may keep busy, 1..=`max_workers()`.
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
    pub theirs: Option<Theirs>,
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

/// A finished run in words: its time, or why it failed.
fn said(outcome: &Outcome) -> String {
    match outcome {
        Ok(run) => format!("{:.1} ms, the same result as serial", run.run.elapsed_ms),
        Err(e) => format!("failed: {e}"),
    }
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
    /// Opens a share link's fragment: applies its configuration and shows its results (after
    /// the run, if one is going), or says why it cannot and changes nothing.
    OpenLink(String),
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

    /// What the live region says after `action`, from the state before it; `None` leaves it.
    fn announce(&self, action: &Action) -> Option<String> {
        let step = |i: usize| self.preset.steps.get(i).map(|s| s.label.as_str());
        Some(match action {
            Action::RunStarted if !self.running => "Quick run started.".into(),
            Action::EngineFinished { mode, outcome } => {
                format!("{}: {}.", mode.label(), said(outcome))
            }
            Action::PresetStarted(steps) if !self.running => format!(
                "{} started: {}.",
                self.preset.selected.title(),
                crate::words::count(steps.len(), "step")
            ),
            Action::StepStarted(i) => format!(
                "Step {} of {}: {}.",
                i + 1,
                self.preset.steps.len(),
                step(*i)?
            ),
            Action::StepFinished(i, outcome) => format!("{}: {}.", step(*i)?, said(outcome)),
            Action::RunFinished { .. } => match self.last_run {
                Some(RunKind::Preset) => {
                    let outcomes = crate::experiment::Outcomes {
                        steps: &self.preset.steps,
                        results: &self.preset.results,
                    };
                    let lesson = crate::experiment::lesson(
                        self.preset.selected,
                        self.hardware_concurrency,
                        &outcomes,
                    );
                    format!("Preset finished. {}", lesson.join(" "))
                }
                _ => "Quick run finished.".into(),
            },
            Action::SweepStarted(plan) if !self.running => format!(
                "Sweep started: {}.",
                crate::words::count(plan.total_runs(), "run")
            ),
            Action::PointFailed { point, why } => format!("{}: failed: {why}", point.describe()),
            Action::SweepFinished { cancelled, .. } => {
                let points = summaries(&self.bench.measured);
                let kept = crate::words::count(points.len(), "point");
                match cancelled {
                    true => format!("Sweep cancelled; {kept} kept."),
                    false => format!(
                        "Sweep finished: {kept} measured. {}",
                        crate::sweep::chart_summary(&points, &self.bench.settings.modes)
                    ),
                }
            }
            _ => return None,
        })
    }

    /// Cores that really scaled, once measured.
    pub fn effective_cores(&self) -> Option<usize> {
        match &self.calibration {
            Calibration::Done { estimate, .. } => Some(estimate.cores),
            _ => None,
        }
    }

    /// Cores' worth of computing predictions count on: the effective cores once measured, else
    /// hardwareConcurrency (as [`Machine::cores`] counts them for the machine a link names).
    pub fn cores(&self) -> f64 {
        self.effective_cores().unwrap_or(self.hardware_concurrency) as f64
    }

    /// What the last sweep's predictions were made from, on `cores`, as a link or an export
    /// carries it: in whole microseconds, one entry per task of the sweep, `None` before the
    /// sweep has points and a serial baseline (or for a script).
    pub fn sweep_costs(&self, cores: f64) -> Option<Costs> {
        let swept = self.bench.swept.as_ref()?;
        Predictions::costs(&self.bench.measured, cores)
            .filter(|c| c.tasks.len() == swept.settings.tasks)
            .map(|c| c.quantized())
    }

    /// The configuration the controls describe, as a link carries it.
    pub fn link_config(&self) -> Config {
        Config {
            settings: self.bench.settings.clone(),
            workers: self.workers,
            preset: self.preset.selected,
        }
    }

    /// What the address bar holds: the configuration, with their results while the
    /// configuration is still theirs.
    pub fn address(&self) -> String {
        let config = self.link_config();
        let theirs = self.theirs.as_ref().filter(|t| t.config == config);
        share::encode(&Link {
            config,
            results: theirs.map(|t| t.results.clone()),
            timeline: theirs.and_then(|t| t.timeline.clone()),
        })
    }

    /// The link to share: the last sweep's configuration and results on `machine` when there
    /// are results, else the controls' configuration; with the timeline on show, if it is
    /// this page's own.
    pub fn share_link(&self, machine: Machine) -> Link {
        let points = summaries(&self.bench.measured);
        let timeline = self
            .timeline
            .as_ref()
            .filter(|t| !t.theirs)
            .map(|t| t.timeline.quantized());
        let (config, points) = match &self.bench.swept {
            Some(config) if !points.is_empty() => (config.clone(), points),
            _ => (self.link_config(), Vec::new()),
        };
        // What this page's predictions were made from, for the page that opens the link.
        let costs = self.sweep_costs(machine.cores());
        let results = (!points.is_empty() || timeline.is_some()).then_some(Results {
            machine,
            points,
            costs,
        });
        Link {
            config,
            results,
            timeline,
        }
    }

    /// Applies a decoded link's configuration. Worker counts above this page's maximum are
    /// lowered to it, and the notice says so.
    fn apply_link(&mut self, link: Link) {
        let c = link.config;
        let max = self.max_workers();
        let mut lowered = Vec::new();
        if c.workers > max {
            lowered.push(format!("the quick run's {} workers", c.workers));
        }
        if c.settings.max_workers > max {
            lowered.push(format!("the sweep's {} workers", c.settings.max_workers));
        }
        self.workers = c.workers.min(max);
        self.preset.selected = c.preset;
        // 0 (the page's maximum) stays 0, so the configuration is still theirs.
        self.bench.settings = Settings {
            max_workers: c.settings.max_workers.min(max),
            ..c.settings.clone()
        };
        let moved = self.bench.keep_fault_in_range();
        let lowered = (!lowered.is_empty()).then(|| {
            format!(
                "This page runs at most {max} workers here (twice hardwareConcurrency, at least \
                 16), so {} will run with {max}.",
                lowered.join(" and ")
            )
        });
        let moved = moved.map(|m| format!("The link has {} tasks: {m}.", c.settings.tasks));
        self.notice = match (lowered, moved) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        };
        if let (Some(timeline), Some(results)) = (&link.timeline, &link.results) {
            self.timeline = Some(ShownTimeline {
                section: Section::Bench,
                title: format!(
                    "theirs — {}, measured in {} on {}",
                    timeline.mode.label(),
                    results.machine.browser,
                    results.machine.date
                ),
                timeline: timeline.clone(),
                theirs: true,
            });
        }
        self.theirs = link.results.map(|results| Theirs {
            config: c,
            results,
            timeline: link.timeline,
        });
    }

    /// Takes the bench's new controls unless their job needs more memory than a run may use;
    /// then keeps the old ones and says why. Returns whether it took them.
    fn set_bench_if_it_fits(&mut self, next: BenchState) -> bool {
        match next.job().check_memory() {
            Ok(()) => {
                self.bench = next;
                true
            }
            Err(why) => {
                self.notice = Some(format!("{why}; kept the old setting"));
                false
            }
        }
    }

    /// Takes the failing task as typed in its field when the bench has that task; otherwise
    /// keeps the old one and names the range.
    fn set_fault_task(&mut self, typed: &str) {
        let Some(fault) = self.bench.fault else {
            self.notice = Some("choose how the task fails before choosing which task".into());
            return;
        };
        let last = self.bench.last_task();
        match typed.trim().parse::<usize>() {
            Ok(task) if task <= last => {
                self.bench.fault = Some(Fault { task, ..fault });
                self.notice = None;
            }
            _ => {
                let typed = typed.trim();
                let got = match typed.chars().count() {
                    0 => "no number".to_string(),
                    1..=24 => format!("\"{typed}\""),
                    _ => format!("\"{}…\"", typed.chars().take(24).collect::<String>()),
                };
                self.notice = Some(format!(
                    "the failing task must be a whole number from 0 to {last} (the {} tasks are \
                     numbered from 0); got {got}, kept task {}",
                    self.bench.settings.tasks, fault.task
                ));
            }
        }
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

    /// The sweep the bench's controls describe, up to `max_workers()`.
    pub fn bench_plan(&self) -> Plan {
        Plan {
            job: self.bench.job(),
            modes: (self.bench.settings.modes.iter().copied())
                .filter(|&m| !self.is_off(m))
                .collect(),
            max_workers: self.bench_max_workers(),
            repetitions: self.bench.settings.repetitions,
        }
    }

    /// The sweep's top worker count on this page (see [`Settings::top_workers`]).
    pub fn bench_max_workers(&self) -> usize {
        self.bench.settings.top_workers(self.hardware_concurrency)
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

    /// The slider's top and the shared pool's size (see [`page_max_workers`]).
    pub fn max_workers(&self) -> usize {
        page_max_workers(self.hardware_concurrency)
    }

    /// The sweep's workload as picked.
    pub fn sweep_workload(&self) -> Workload {
        let all = sweep_workloads(Scale::Full);
        all[self.preset.sweep_workload.min(all.len() - 1)].clone()
    }

    /// The selected preset's steps with their results: the last run's if it ran this preset
    /// (with this sweep workload), else the plan with no results yet.
    pub fn shown_preset(&self) -> (Vec<Step>, Vec<Option<Outcome>>) {
        let planned = self.preset_steps(Scale::Full);
        let ran = &self.preset.steps;
        let same = ran.len() == planned.len()
            && ran.first().map(|s| &s.id) == planned.first().map(|s| &s.id)
            && ran
                .iter()
                .zip(&planned)
                .all(|(a, b)| a.job.workload == b.job.workload);
        if same && !ran.is_empty() {
            (ran.clone(), self.preset.results.clone())
        } else {
            let none = vec![None; planned.len()];
            (planned, none)
        }
    }

    /// Which of `steps` is running, in words (empty when none is).
    pub fn preset_progress(&self, steps: &[Step]) -> String {
        match self.preset.running {
            Some(i) if self.running => format!(
                "step {} of {}: {}",
                i + 1,
                steps.len(),
                steps.get(i).map_or("", |s| s.label.as_str())
            ),
            _ => String::new(),
        }
    }

    /// The steps the selected preset runs on this machine.
    pub fn preset_steps(&self, scale: Scale) -> Vec<Step> {
        crate::experiment::steps(
            self.preset.selected,
            scale,
            self.hardware_concurrency,
            self.max_workers(),
            &self.sweep_workload(),
        )
    }

    /// Whether `mode` is missing from this page's module (shared memory in the single-threaded
    /// build): runs leave it out rather than fail it.
    pub fn is_off(&self, mode: Mode) -> bool {
        !self.threaded && matches!(mode, Mode::Shared { .. })
    }

    /// Why `mode` cannot run now, or `None` when it can.
    pub fn unavailable_reason(&self, mode: Mode) -> Option<String> {
        match mode {
            Mode::MainThread => None,
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

    fn set_status(&mut self, mode: Mode, status: EngineStatus) {
        if let Some(row) = self.rows.iter_mut().find(|(m, _)| *m == mode) {
            row.1 = status;
        }
    }

    pub fn apply(&mut self, action: Action) {
        if let Some(said) = self.announce(&action) {
            self.announcement = said;
        }
        match &action {
            Action::RunStarted if !self.running => self.last_run = Some(RunKind::Quick),
            Action::PresetStarted(_) if !self.running => self.last_run = Some(RunKind::Preset),
            Action::SweepStarted(_) if !self.running => self.last_run = Some(RunKind::Sweep),
            _ => {}
        }
        self.reduce(action);
    }

    fn reduce(&mut self, action: Action) {
        match action {
            Action::PoolReady { threads, most } => self.pool = PoolStatus::Ready { threads, most },
            Action::PoolFailed(why) => {
                self.pool =
                    PoolStatus::Failed(format!("the shared-memory pool failed to start: {why}"))
            }
            Action::SetWorkers(_) if self.running => {
                self.notice = Some(format!(
                    "wait for the run to finish before changing the workers; kept {}",
                    self.workers
                ));
            }
            Action::SetWorkers(n) => {
                if (1..=self.max_workers()).contains(&n) {
                    self.workers = n;
                    self.notice = None;
                } else {
                    self.notice = Some(format!(
                        "workers must be between 1 and {}; kept {}",
                        self.max_workers(),
                        self.workers
                    ));
                }
            }
            Action::RunStarted => {
                self.running = true;
                self.notice = None;
                self.responsiveness = None;
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
            Action::SelectPreset(_) | Action::SelectSweepWorkload(_) if self.running => {
                self.notice = Some("wait for the run to finish before changing the preset".into());
            }
            Action::SelectPreset(id) => self.preset.selected = id,
            Action::SelectSweepWorkload(i) => {
                if i < sweep_workloads(Scale::Full).len() {
                    self.preset.sweep_workload = i;
                } else {
                    self.notice = Some(format!("there is no sweep workload number {i}"));
                }
            }
            Action::PresetStarted(steps) => {
                self.running = true;
                self.notice = None;
                self.responsiveness = None;
                self.preset.results = vec![None; steps.len()];
                self.preset.steps = steps;
                self.preset.running = None;
            }
            Action::SetBenchWorkload(_)
            | Action::SetBenchTasks(_)
            | Action::SetBenchSize(_)
            | Action::SetBenchScript(_)
            | Action::SetRepetitions(_)
            | Action::ToggleMode(_)
            | Action::SetFault(_)
            | Action::SetFaultTask(_)
                if self.running =>
            {
                self.notice = Some(
                    "wait for the run to finish, or cancel it, before changing the sweep".into(),
                );
            }
            Action::SetFault(fault) => {
                let last = Limit {
                    what: "the failing task",
                    min: 0,
                    max: self.bench.last_task(),
                };
                if fault.is_none_or(|f| self.in_range(last, f.task)) {
                    self.bench.fault = fault;
                }
            }
            Action::SetFaultTask(typed) => self.set_fault_task(&typed),
            Action::SetBenchWorkload(i) => {
                if self.in_range(settings::WORKLOAD, i) {
                    self.set_bench_if_it_fits(self.bench.with(Settings {
                        workload: i,
                        ..self.bench.settings.clone()
                    }));
                }
            }
            Action::SetBenchTasks(n) => {
                if self.in_range(settings::TASKS, n) {
                    let mut next = self.bench.with(Settings {
                        tasks: n,
                        ..self.bench.settings.clone()
                    });
                    let moved = next.keep_fault_in_range();
                    if self.set_bench_if_it_fits(next) {
                        self.notice = moved;
                    }
                }
            }
            Action::SetBenchSize(p) => {
                if self.in_range(settings::SIZE_PERCENT, p as usize) {
                    self.set_bench_if_it_fits(self.bench.with(Settings {
                        size_percent: p,
                        ..self.bench.settings.clone()
                    }));
                }
            }
            Action::SetBenchScript(source) => {
                let max = crate::workloads::script::MAX_SOURCE_BYTES;
                if source.len() > max {
                    self.notice = Some(format!(
                        "a script may have {} KB; this one has {} bytes, kept the old one",
                        max >> 10,
                        source.len()
                    ));
                } else {
                    self.notice = None;
                    self.bench.settings.script = source;
                }
            }
            Action::SetRepetitions(n) => {
                if self.in_range(settings::REPETITIONS, n) {
                    self.bench.settings.repetitions = n;
                }
            }
            Action::SetBenchMaxWorkers(n) => {
                if self.in_range(settings::top_workers_limit(self.hardware_concurrency), n) {
                    self.bench.settings.max_workers = n;
                }
            }
            Action::ToggleMode(mode) => self.bench.settings.toggle(mode),
            Action::SetView(view) => self.bench.settings.view = view,
            Action::OpenLink(fragment) => match share::decode(&fragment) {
                Ok(link) if self.running => {
                    self.pending_link = Some(link);
                    self.notice = Some(
                        "This link will be opened when the run finishes: settings do not change \
                         while a run is going."
                            .into(),
                    );
                }
                Ok(link) => self.apply_link(link),
                Err(why) => {
                    self.pending_link = None;
                    self.notice = Some(format!(
                        "This link could not be opened: {why}. Nothing from it was applied."
                    ))
                }
            },
            Action::ClearTheirs => self.theirs = None,
            Action::CalibrationStarted if self.running => {
                self.notice = Some("wait for the run to finish before measuring the cores".into());
            }
            Action::CalibrationStarted => {
                self.running = true;
                self.notice = None;
                self.calibration = Calibration::Running;
            }
            Action::CalibrationFinished(curve) => {
                self.run_ended();
                self.calibration = match curve.map(|c| (effective_cores(&c), c)) {
                    Ok((Some(estimate), curve)) => Calibration::Done { curve, estimate },
                    Ok((None, _)) => {
                        Calibration::Failed("no time was measured with one worker".into())
                    }
                    Err(why) => Calibration::Failed(why),
                };
            }
            Action::ShowTimeline(shown) => self.timeline = shown,
            Action::SweepStarted(plan) => {
                self.running = true;
                self.notice = None;
                self.responsiveness = None;
                self.bench.progress = Some(Progress {
                    done: 0,
                    total: plan.total_runs(),
                    current: String::new(),
                });
                self.bench.plan = Some(plan);
                self.bench.swept = Some(self.link_config());
                self.bench.measured.clear();
                self.bench.failures.clear();
                self.bench.cancelled = false;
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
            } => record(
                &mut self.bench.measured,
                point,
                elapsed_ms,
                result,
                timeline,
            ),
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
            Action::StepStarted(i) => self.preset.running = Some(i),
            Action::StepFinished(i, outcome) => {
                if let Some(slot) = self.preset.results.get_mut(i) {
                    *slot = Some(outcome);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_says_how_many_threads_it_has_and_may_start() {
        let ready = PoolStatus::Ready {
            threads: 2,
            most: 16,
        };
        assert_eq!(
            ready.describe(2),
            "ready, 2 threads; up to 16 start when a run needs more than 2"
        );
        assert_eq!(
            ready.describe(0),
            ready.describe(2),
            "before the count arrives"
        );
        assert_eq!(ready.describe(16), "ready, 16 threads");
        let whole = PoolStatus::Ready {
            threads: 16,
            most: 16,
        };
        assert_eq!(whole.describe(16), "ready, 16 threads");
    }
    use crate::run::{CheckedRun, RawRun, RunError, TaskRecord};
    use crate::workloads::Value;

    #[test]
    fn a_fault_is_injected_only_on_a_task_the_job_has_and_never_mid_run() {
        use crate::workloads::FaultKind;
        let mut s = State::new(4, true, true);
        let fault = |task| {
            Some(Fault {
                task,
                kind: FaultKind::Trap,
            })
        };
        s.apply(Action::SetFault(fault(9)));
        assert_eq!(s.bench.job().fault, fault(9));
        s.apply(Action::SetFault(fault(10)));
        assert!(
            s.notice
                .as_deref()
                .unwrap_or("")
                .contains("the failing task must be between 0 and 9"),
            "{:?}",
            s.notice
        );
        assert_eq!(s.bench.fault, fault(9), "kept the old value");
        // Fewer tasks: the last one fails, and the control shows it.
        s.apply(Action::SetBenchTasks(3));
        assert_eq!(s.bench.job().fault, fault(2));
        assert_eq!(s.bench.fault, fault(2));
        s.running = true;
        s.apply(Action::SetFault(None));
        s.apply(Action::SetFaultTask("1".into()));
        assert_eq!(s.bench.fault, fault(2), "unchanged while running");
        s.running = false;
        s.apply(Action::SetFault(None));
        assert_eq!(s.bench.job().fault, None);
        assert_eq!(
            s.link_config().settings.job().fault,
            None,
            "a link never carries a fault"
        );
    }

    fn trap_on(task: usize) -> Option<Fault> {
        Some(Fault {
            task,
            kind: crate::workloads::FaultKind::Trap,
        })
    }

    #[test]
    fn a_typed_failing_task_is_taken_only_if_the_bench_has_it_and_refusals_name_the_range() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SetFaultTask("3".into()));
        assert_eq!(s.bench.fault, None);
        assert!(
            s.notice.take().expect("a notice").contains("choose how"),
            "no task without a fault kind"
        );
        s.apply(Action::SetFault(trap_on(0)));
        s.apply(Action::SetFaultTask(" 2 ".into()));
        assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(2), None));
        for (typed, got) in [
            ("-3", "got \"-3\""),
            ("10", "got \"10\""),
            ("12345678901234567890", "got \"12345678901234567890\""),
            ("4294967295", "got \"4294967295\""),
            ("2.5", "got \"2.5\""),
            ("", "got no number"),
            (&"9".repeat(40), "got \"999999999999999999999999…\""),
        ] {
            s.apply(Action::SetFaultTask(typed.into()));
            assert_eq!(s.bench.fault, trap_on(2), "{typed:?} keeps the old task");
            let notice = s.notice.take().expect("a notice");
            assert!(
                notice.contains("a whole number from 0 to 9")
                    && notice.contains(got)
                    && notice.ends_with("kept task 2"),
                "{typed:?}: {notice}"
            );
        }
        s.apply(Action::SetFaultTask("9".into()));
        assert_eq!(s.bench.job().fault, trap_on(9));
    }

    #[test]
    fn fewer_tasks_than_the_failing_task_move_it_to_the_last_task_saying_so() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SetFault(trap_on(9)));
        s.apply(Action::SetBenchTasks(4));
        assert_eq!(s.bench.settings.tasks, 4);
        assert_eq!(
            s.bench.fault,
            trap_on(3),
            "the control shows the task that fails"
        );
        assert_eq!(s.bench.job().fault, trap_on(3));
        let notice = s.notice.take().expect("a notice");
        assert!(
            notice.contains("task 3, the last of 4") && notice.contains("task 9"),
            "{notice}"
        );
        s.apply(Action::SetBenchTasks(20));
        assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(3), None));
        // A refused task count moves nothing.
        s.apply(Action::SetBenchTasks(0));
        assert_eq!((s.bench.settings.tasks, s.bench.fault), (20, trap_on(3)));
        // Nor does a count that still has the task.
        s.apply(Action::SetBenchTasks(4));
        assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(3), None));
        // A link's task count moves it the same way (links never carry the fault itself).
        s.apply(Action::SetFault(trap_on(3)));
        let mut sender = State::new(2, true, true);
        sender.apply(Action::SetBenchTasks(2));
        s.apply(Action::OpenLink(share::encode(
            &sender.share_link(machine(2)),
        )));
        assert_eq!((s.bench.settings.tasks, s.bench.fault), (2, trap_on(1)));
        let notice = s.notice.expect("a notice");
        assert!(
            notice.contains("The link has 2 tasks") && notice.contains("task 1, the last of 2"),
            "{notice}"
        );
    }

    #[test]
    fn a_link_opened_during_a_run_is_applied_when_the_run_ends() {
        let mut sender = State::new(2, true, true);
        sender.apply(Action::SetBenchTasks(7));
        let link = share::encode(&sender.share_link(machine(2)));
        let ends: [(Action, Action); 3] = [
            (
                Action::RunStarted,
                Action::RunFinished {
                    responsiveness: None,
                },
            ),
            (
                Action::SweepStarted(State::new(2, true, true).bench_plan()),
                Action::SweepFinished {
                    cancelled: true,
                    responsiveness: None,
                },
            ),
            (
                Action::CalibrationStarted,
                Action::CalibrationFinished(Err("cancelled".into())),
            ),
        ];
        for (start, end) in ends {
            let mut s = State::new(2, true, true);
            s.apply(start);
            s.apply(Action::OpenLink(link.clone()));
            assert_eq!(s.bench.settings.tasks, 10, "nothing changes mid-run");
            assert!(s.pending_link.is_some());
            assert!(
                s.notice
                    .as_deref()
                    .expect("a notice")
                    .contains("will be opened when the run finishes")
            );
            s.apply(end);
            assert!(!s.running);
            assert_eq!(s.bench.settings.tasks, 7, "applied at the end");
            assert_eq!(s.pending_link, None);
            assert_eq!(s.address(), link, "the address bar shows the link applied");
            assert!(
                s.notice
                    .as_deref()
                    .expect("a notice")
                    .contains("the link from the address bar is open now")
            );
        }
        // A broken link during a run is refused at once, and drops one waiting.
        let mut s = State::new(2, true, true);
        s.apply(Action::RunStarted);
        s.apply(Action::OpenLink(link.clone()));
        s.apply(Action::OpenLink("#v1.AAAA".into()));
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .starts_with("This link could not be opened")
        );
        s.apply(Action::RunFinished {
            responsiveness: None,
        });
        assert_eq!(s.bench.settings.tasks, 10);
    }

    #[test]
    fn an_isolated_page_starts_its_pool_and_a_plain_one_says_why_not() {
        assert_eq!(State::new(4, true, true).pool, PoolStatus::Starting);
        let plain = State::new(4, false, true);
        assert!(matches!(plain.pool, PoolStatus::Unavailable(_)));
        assert!(
            plain
                .unavailable_reason(Mode::Shared { gil: false })
                .expect("unavailable")
                .contains("Cross-Origin-Opener-Policy")
        );
        assert!(
            plain
                .unavailable_reason(Mode::Pool { reuse: true })
                .is_some()
        );
        assert_eq!(plain.unavailable_reason(Mode::MainThread), None);
    }

    #[test]
    fn the_single_threaded_build_leaves_shared_memory_out_and_keeps_isolated_workers() {
        let s = State::new(4, false, false);
        assert!(
            matches!(&s.pool, PoolStatus::Unavailable(why) if why.contains("single-threaded build"))
        );
        for mode in [Mode::Shared { gil: false }, Mode::Shared { gil: true }] {
            assert!(s.is_off(mode));
            assert!(s.unavailable_reason(mode).expect("off").starts_with("off:"));
        }
        assert_eq!(s.unavailable_reason(Mode::Pool { reuse: true }), None);
        assert_eq!(s.unavailable_reason(Mode::MainThread), None);
        assert_eq!(s.bench_plan().modes, [Mode::Pool { reuse: true }]);
        assert!(!State::new(4, true, true).is_off(Mode::Shared { gil: true }));
    }

    #[test]
    fn workers_range_from_one_to_twice_the_cores_or_sixteen() {
        assert_eq!(State::new(2, true, true).max_workers(), 16);
        assert_eq!(State::new(12, true, true).max_workers(), 24);
        let mut s = State::new(2, true, true);
        s.apply(Action::SetWorkers(16));
        assert_eq!(s.workers, 16);
        s.apply(Action::SetWorkers(0));
        assert_eq!(s.workers, 16, "an out-of-range value keeps the old one");
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("between 1 and 16")
        );
        s.apply(Action::SetWorkers(1_000_000));
        assert_eq!(s.workers, 16);
        s.apply(Action::SetWorkers(1));
        assert_eq!((s.workers, s.notice.clone()), (1, None));
        s.apply(Action::RunStarted);
        s.apply(Action::SetWorkers(4));
        assert_eq!(s.workers, 1, "the run's worker count holds while it runs");
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("wait for the run to finish")
        );
    }

    #[test]
    fn zero_reported_cores_count_as_one() {
        assert_eq!(State::new(0, true, true).hardware_concurrency, 1);
    }

    fn gap(ms: f64) -> Responsiveness {
        Responsiveness {
            longest_gap_ms: ms,
            ..Responsiveness::default()
        }
    }

    fn done(mode: Mode) -> Outcome {
        let run = RawRun {
            results: vec![Value::Int(11)],
            records: vec![TaskRecord {
                index: 0,
                worker: 0,
                start_ms: 0.0,
                end_ms: 3.0,
                gil_wait_ms: 0.0,
                held: Vec::new(),
            }],
            elapsed_ms: 3.0,
            startup_ms: None,
            messaging_ms: None,
            page_total: 0,
            ..RawRun::default()
        };
        Ok(CheckedRun {
            mode,
            workers: 1,
            run,
            total: None,
        })
    }

    #[test]
    fn a_run_resets_rows_then_fills_them() {
        let main = Mode::MainThread;
        let mut s = State::new(2, true, true);
        s.apply(Action::PoolReady {
            threads: 4,
            most: 16,
        });
        assert_eq!(s.unavailable_reason(Mode::Shared { gil: true }), None);
        s.apply(Action::RunStarted);
        assert!(s.running);
        s.apply(Action::EngineStarted(main));
        assert_eq!(s.status(main), Some(&EngineStatus::Running));
        s.apply(Action::EngineFinished {
            mode: main,
            outcome: done(main),
        });
        assert_eq!(s.status(main), Some(&EngineStatus::Done(done(main))));
        s.apply(Action::RunFinished {
            responsiveness: Some(gap(7.0)),
        });
        assert!(!s.running);
        assert_eq!(s.responsiveness, Some(gap(7.0)));
        s.apply(Action::RunStarted);
        assert_eq!(s.status(main), Some(&EngineStatus::NotRun));
    }

    #[test]
    fn a_preset_run_fills_its_steps_and_locks_the_picker() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SelectPreset(PresetId::GilThreads));
        let steps = s.preset_steps(Scale::Quick);
        assert_eq!(steps.len(), 5);
        s.apply(Action::PresetStarted(steps));
        s.apply(Action::SelectPreset(PresetId::QueueOrder));
        assert_eq!(
            s.preset.selected,
            PresetId::GilThreads,
            "the preset cannot change mid-run"
        );
        assert!(s.notice.is_some());
        s.apply(Action::StepStarted(1));
        assert_eq!(s.preset.running, Some(1));
        s.apply(Action::StepFinished(1, done(Mode::Shared { gil: true })));
        s.apply(Action::StepFinished(99, done(Mode::MainThread)));
        assert!(s.preset.results[1].is_some() && s.preset.results[0].is_none());
        s.apply(Action::RunFinished {
            responsiveness: None,
        });
        assert_eq!((s.running, s.preset.running), (false, None));
    }

    #[test]
    fn the_lessons_show_the_last_run_of_the_selected_preset_else_its_plan() {
        let mut s = State::new(2, true, true);
        let plan = s.preset_steps(Scale::Full);
        assert_eq!(s.shown_preset(), (plan.clone(), vec![None; plan.len()]));
        assert_eq!(s.preset_progress(&plan), "");
        s.apply(Action::PresetStarted(plan.clone()));
        s.apply(Action::StepStarted(1));
        assert_eq!(
            s.preset_progress(&plan),
            format!("step 2 of {}: {}", plan.len(), plan[1].label)
        );
        s.apply(Action::StepFinished(1, done(plan[1].mode)));
        s.apply(Action::RunFinished {
            responsiveness: None,
        });
        assert_eq!(s.preset_progress(&plan), "", "nothing runs now");
        let (steps, results) = s.shown_preset();
        assert_eq!(steps, plan);
        assert!(results[1].is_some() && results[0].is_none());
        s.apply(Action::SelectPreset(PresetId::CpuBound));
        let other = s.preset_steps(Scale::Full);
        assert_eq!(s.shown_preset(), (other.clone(), vec![None; other.len()]));
    }

    #[test]
    fn the_effective_cores_say_how_they_are_measured_until_they_are() {
        assert!(
            Calibration::NotRun
                .describe(2)
                .starts_with("not measured: runs a fixed CPU")
        );
        assert_eq!(Calibration::Running.describe(2), "measuring… ");
        assert_eq!(
            Calibration::Failed("no pool".into()).describe(2),
            "could not be measured: no pool "
        );
    }

    #[test]
    fn the_sweep_workload_is_picked_by_index() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SelectSweepWorkload(5));
        assert_eq!(s.sweep_workload(), Workload::Square);
        s.apply(Action::SelectSweepWorkload(500));
        assert_eq!(s.sweep_workload(), Workload::Square);
        assert!(s.notice.is_some());
    }

    #[test]
    fn bench_controls_reject_out_of_range_values_naming_the_limit() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SetBenchTasks(0));
        assert_eq!(s.bench.settings.tasks, 10);
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("between 1 and 1000")
        );
        s.apply(Action::SetBenchTasks(40));
        assert_eq!((s.bench.settings.tasks, s.notice.clone()), (40, None));
        s.apply(Action::SetBenchSize(5000));
        assert_eq!(s.bench.settings.size_percent, 100);
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("between 10 and 1000")
        );
        s.apply(Action::SetRepetitions(3));
        assert_eq!(s.bench.settings.repetitions, 3);
        s.apply(Action::SetBenchWorkload(99));
        assert_eq!(s.bench.settings.workload, 0);
        assert_eq!(s.bench_max_workers(), 16);
        s.apply(Action::SetBenchMaxWorkers(17));
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("between 1 and 16")
        );
        s.apply(Action::SetBenchMaxWorkers(4));
        assert_eq!(s.bench_plan().max_workers, 4);
    }

    #[test]
    fn the_editors_script_is_kept_up_to_its_limit() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SetBenchWorkload(settings::SCRIPT_WORKLOAD));
        s.apply(Action::SetBenchScript("fn task(i) { i }".into()));
        assert_eq!(
            s.bench.job().workload,
            crate::workloads::Workload::Script {
                source: "fn task(i) { i }".into()
            }
        );
        s.apply(Action::SetBenchScript("x".repeat(9000)));
        assert_eq!(
            s.bench.settings.script, "fn task(i) { i }",
            "kept the old one"
        );
        assert!(s.notice.as_deref().unwrap_or("").contains("8 KB"));
    }

    #[test]
    fn the_largest_list_append_fits_the_shared_memory() {
        let mut s = State::new(2, true, true);
        s.apply(Action::SetBenchWorkload(3));
        assert_eq!(s.bench.job().workload.name(), "random list append");
        s.apply(Action::SetBenchSize(1000));
        assert_eq!(
            (s.bench.settings.size_percent, s.notice.clone()),
            (1000, None)
        );
    }

    #[test]
    fn a_sweep_records_samples_keeps_them_when_cancelled_and_plans_selected_modes() {
        let mut s = State::new(2, true, true);
        s.apply(Action::ToggleMode(Mode::Shared { gil: true }));
        s.apply(Action::ToggleMode(Mode::Pool { reuse: false }));
        let plan = s.bench_plan();
        assert_eq!(
            plan.modes,
            vec![
                Mode::Shared { gil: false },
                Mode::Pool { reuse: true },
                Mode::Pool { reuse: false }
            ]
        );
        assert_eq!(plan.max_workers, 16);
        s.apply(Action::SweepStarted(plan.clone()));
        assert_eq!(
            s.bench.progress.as_ref().map(|p| p.total),
            Some(plan.total_runs())
        );
        s.apply(Action::SetBenchTasks(5));
        assert_eq!(
            s.bench.settings.tasks, 10,
            "the sweep's controls are locked while it runs"
        );
        let serial = Point {
            mode: Mode::MainThread,
            workers: 1,
        };
        s.apply(Action::Sampled {
            point: serial,
            elapsed_ms: 100.0,
            result: "[11]".into(),
            timeline: None,
        });
        s.apply(Action::Sampled {
            point: serial,
            elapsed_ms: 90.0,
            result: "[11]".into(),
            timeline: None,
        });
        s.apply(Action::SweepFinished {
            cancelled: true,
            responsiveness: Some(gap(9.0)),
        });
        assert!(s.bench.cancelled && !s.running);
        assert_eq!(s.bench.measured.len(), 1);
        assert_eq!(s.bench.measured[0].samples_ms, vec![100.0, 90.0]);
    }

    #[test]
    fn the_live_region_says_what_started_each_outcome_and_how_it_ended() {
        let mut s = State::new(2, true, true);
        s.apply(Action::RunStarted);
        assert_eq!(s.announcement, "Quick run started.");
        assert_eq!(s.last_run, Some(RunKind::Quick));
        s.apply(Action::EngineFinished {
            mode: Mode::Pool { reuse: true },
            outcome: Err(RunError::Failed("task 3 failed: it panicked".into())),
        });
        assert_eq!(
            s.announcement,
            format!(
                "{}: failed: task 3 failed: it panicked.",
                Mode::Pool { reuse: true }.label()
            )
        );
        s.apply(Action::RunFinished {
            responsiveness: None,
        });
        assert_eq!(s.announcement, "Quick run finished.");

        let plan = s.bench_plan();
        s.apply(Action::SweepStarted(plan.clone()));
        assert_eq!(
            s.announcement,
            format!("Sweep started: {} runs.", plan.total_runs())
        );
        assert_eq!(s.last_run, Some(RunKind::Sweep));
        s.apply(Action::RunStarted);
        assert_eq!(
            s.last_run,
            Some(RunKind::Sweep),
            "refused while a sweep runs"
        );
        s.apply(Action::Sampled {
            point: Point {
                mode: Mode::MainThread,
                workers: 1,
            },
            elapsed_ms: 100.0,
            result: "[11]".into(),
            timeline: None,
        });
        s.apply(Action::SweepFinished {
            cancelled: false,
            responsiveness: None,
        });
        assert_eq!(
            s.announcement,
            "Sweep finished: 1 point measured. Median times: serial 100.0 ms."
        );
    }

    fn machine(cores: usize) -> Machine {
        Machine {
            hardware_concurrency: cores,
            browser: "Firefox 140".into(),
            cross_origin_isolated: true,
            date: crate::machine::Date {
                year: 2026,
                month: 11,
                day: 22,
            },
            effective_cores: None,
        }
    }

    #[test]
    fn a_shared_sweep_opens_on_another_page_as_theirs_with_the_same_configuration() {
        let mut sender = State::new(8, true, true);
        sender.apply(Action::SetBenchTasks(40));
        sender.apply(Action::SetRepetitions(3));
        sender.apply(Action::SelectPreset(PresetId::QueueOrder));
        assert_eq!(
            sender.share_link(machine(8)).results,
            None,
            "nothing measured yet: the link carries the configuration alone"
        );
        let plan = sender.bench_plan();
        // The serial run's 40 tasks of 2.5004 ms, which predictions are made from.
        let serial = crate::run::RawRun {
            records: (0..40)
                .map(|i| {
                    let at = |i: usize| 2.5004 * i as f64;
                    crate::run::TaskRecord::new(i, 0, at(i), at(i + 1))
                })
                .collect(),
            elapsed_ms: 100.0,
            ..Default::default()
        };
        let serial = Timeline::of(Mode::MainThread, &plan.job, &serial);
        sender.apply(Action::SweepStarted(plan));
        sender.apply(Action::SetView(View::Speedup));
        for (mode, workers, ms, timeline) in [
            (Mode::MainThread, 1, 100.0, Some(serial)),
            (Mode::Shared { gil: false }, 2, 52.25, None),
        ] {
            sender.apply(Action::Sampled {
                point: Point { mode, workers },
                elapsed_ms: ms,
                result: "[1]".into(),
                timeline,
            });
        }
        sender.apply(Action::SweepFinished {
            cancelled: false,
            responsiveness: None,
        });
        // Measured with 3 effective cores, which the link's predictions are made on.
        let measured_on = Machine {
            effective_cores: Some(3),
            ..machine(8)
        };
        let fragment = share::encode(&sender.share_link(measured_on.clone()));

        let mut receiver = State::new(2, true, true);
        receiver.apply(Action::OpenLink(format!("#{fragment}")));
        assert_eq!(receiver.notice, None);
        assert_eq!(
            (
                receiver.bench.settings.tasks,
                receiver.bench.settings.repetitions,
                receiver.preset.selected
            ),
            (40, 3, PresetId::QueueOrder)
        );
        assert_eq!(
            receiver.bench.settings.view,
            View::Time,
            "the view when the sweep started"
        );
        assert!(receiver.bench.measured.is_empty(), "nothing ran here");
        let theirs = receiver.theirs.clone().expect("their results");
        assert_eq!(theirs.results.machine, measured_on);
        assert_eq!(theirs.results.points, summaries(&sender.bench.measured));
        let costs = theirs
            .results
            .costs
            .clone()
            .expect("what predictions are made from");
        assert_eq!(
            costs,
            (Predictions::costs(&sender.bench.measured, 3.0).expect("costs")).quantized(),
            "the sender's, in whole µs, on the 3 cores measured"
        );
        assert_eq!(costs.tasks.len(), 40);
        assert!(
            costs
                .tasks
                .iter()
                .all(|&(w, c)| w == 0.0 && (c - 2.5).abs() < 0.0015)
        );
        assert_eq!(receiver.link_config(), theirs.config);
        assert!(theirs.describe().contains(
            "with hardwareConcurrency 8 (effective cores measured: 3), cross-origin isolated, on \
             2026-11-22: 40 tasks of "
        ));
        assert!(
            theirs
                .describe()
                .contains(", median of 3. Nothing has run on this machine yet")
        );
        receiver.apply(Action::ClearTheirs);
        assert_eq!(receiver.theirs, None);
    }

    #[test]
    fn a_broken_link_changes_nothing_and_says_why() {
        let mut s = State::new(2, true, true);
        let before = s.clone();
        let good = share::encode(&s.share_link(machine(2)));
        for broken in ["#v1.AAAA", "#v7.AAAA", "#hello", &good[..good.len() - 3]] {
            s.apply(Action::OpenLink(broken.into()));
            let notice = s.notice.take().expect("a notice");
            assert!(
                notice.starts_with("This link could not be opened"),
                "{notice}"
            );
            assert_eq!(s, before, "{broken} changed the page");
        }
    }

    #[test]
    fn worker_counts_above_this_page_maximum_are_lowered_with_a_notice() {
        let mut big = State::new(16, true, true);
        big.apply(Action::SetWorkers(32));
        big.apply(Action::SetBenchMaxWorkers(24));
        let mut s = State::new(2, true, true);
        s.apply(Action::OpenLink(share::encode(
            &big.share_link(machine(16)),
        )));
        assert_eq!((s.workers, s.bench.settings.max_workers), (16, 16));
        let notice = s.notice.expect("a notice");
        assert!(notice.contains("at most 16 workers"), "{notice}");
        assert!(notice.contains("32") && notice.contains("24"), "{notice}");
    }
}
