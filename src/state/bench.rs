//! The experiment bench's part of the state: its controls, a sweep under way and its points,
//! and a link's sweep shown beside them.

use super::*;
use crate::workloads::script;

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
    /// The measured points' predictions, worked out again when a point or the cores change
    /// (see `State::repredict`), never per render.
    pub predicted: Option<Predictions>,
}

/// A sweep received in a share link, shown beside this page's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Theirs {
    pub config: Config,
    pub results: Results,
    pub timeline: Option<Rc<Timeline>>,
    /// Their sweep's predictions, made once from the costs the link carries after the link is
    /// shown ([`Theirs::predicting`], [`Action::Predicted`]), never per render.
    pub predicted: Option<Predictions>,
}

impl Theirs {
    /// A link's sweep, its predictions not made yet.
    pub fn new(config: Config, results: Results, timeline: Option<Rc<Timeline>>) -> Self {
        Theirs {
            config,
            results,
            timeline,
            predicted: None,
        }
    }

    /// The predictions of their sweep, to be made from the costs the link carries (none
    /// without them): a link from a machine of hundreds of cores may need hundreds of
    /// schedules simulated, which the page makes a few at a time.
    pub fn predicting(&self) -> Option<Predicting> {
        let measured = self.results.points.iter().map(|p| p.point);
        let (modes, top) = (&self.config.settings.modes, self.top_workers());
        (self.results.costs.clone()).map(|costs| Predicting::new(costs, modes, top, measured))
    }

    /// Their sweep's top worker count, on their page.
    pub fn top_workers(&self) -> usize {
        let their_max = page_max_workers(self.results.machine.hardware_concurrency);
        self.config.settings.top_workers(their_max)
    }

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
    /// A sweep of `plan` begins, with the configuration it is `swept` with: the last sweep's
    /// points and failures go.
    pub(super) fn start(&mut self, plan: Plan, swept: Config) {
        self.progress = Some(Progress {
            done: 0,
            total: plan.total_runs(),
            current: String::new(),
        });
        self.plan = Some(plan);
        self.swept = Some(swept);
        self.measured.clear();
        self.failures.clear();
        self.cancelled = false;
    }

    /// The job the controls describe, with the injected fault (always on a task it has).
    pub fn job(&self) -> Job {
        self.settings.job().with_fault(self.fault)
    }

    /// The bench with its controls set to `settings`, the rest as it is.
    pub(super) fn with(&self, settings: Settings) -> BenchState {
        BenchState {
            settings,
            ..self.clone()
        }
    }

    /// The last task's number: tasks are numbered from 0.
    pub(super) fn last_task(&self) -> usize {
        self.settings.tasks.max(1) - 1
    }

    /// Moves the failing task onto the last task when the tasks no longer reach it, so a sweep
    /// never fails on a task the controls do not show; says so when it moved.
    pub(super) fn keep_fault_in_range(&mut self) -> Option<String> {
        let last = self.last_task();
        let fault = self.fault.as_mut().filter(|f| f.task > last)?;
        let was = std::mem::replace(&mut fault.task, last);
        Some(format!(
            "the failing task is now task {last}, the last of {} (task {was} is past the end)",
            self.settings.tasks
        ))
    }
}

impl State {
    pub(super) fn set_fault(&mut self, fault: Option<Fault>) {
        let last = Limit {
            what: "the failing task",
            min: 0,
            max: self.bench.last_task(),
        };
        if fault.is_none_or(|f| self.in_range(last, f.task)) {
            self.bench.fault = fault;
        }
    }

    pub(super) fn set_bench_workload(&mut self, i: usize) {
        if self.in_range(settings::WORKLOAD, i) {
            self.set_bench_if_it_fits(self.bench.with(Settings {
                workload: i,
                ..self.bench.settings.clone()
            }));
        }
    }

    /// Takes `n` tasks; a failing task past the last moves onto the last, saying so.
    pub(super) fn set_bench_tasks(&mut self, n: usize) {
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

    pub(super) fn set_bench_size(&mut self, percent: u32) {
        if self.in_range(settings::SIZE_PERCENT, percent as usize) {
            self.set_bench_if_it_fits(self.bench.with(Settings {
                size_percent: percent,
                ..self.bench.settings.clone()
            }));
        }
    }

    /// Takes the editor's script, unless it is longer than a script may be.
    pub(super) fn set_bench_script(&mut self, source: String) {
        match script::check_size(&source) {
            Ok(()) => {
                self.notice = None;
                self.bench.settings.script = source;
            }
            Err(why) => self.notice = Some(format!("{why}; kept the old one")),
        }
    }

    /// Takes the bench's new controls unless their job needs more memory than a run may use;
    /// then keeps the old ones and says why. Returns whether it took them.
    pub(super) fn set_bench_if_it_fits(&mut self, next: BenchState) -> bool {
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
    pub(super) fn set_fault_task(&mut self, typed: &str) {
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

    /// The sweep the bench's controls describe, up to its top worker count.
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
        self.bench.settings.top_workers(self.max_workers)
    }
}
