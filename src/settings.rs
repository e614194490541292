//! The bench's settings: the workload, tasks, task size, engines, repetitions and top worker
//! count a sweep runs with, their limits, the workloads it picks from, and the job and worker
//! count they resolve to. The presets, the reducer, the share links and the page's controls all
//! speak these types; this module imports nothing of theirs.

use crate::run::Mode;
use crate::workloads::shared_counter::Guard;
use crate::workloads::sum_range::SEED_NUMBERS;
use crate::workloads::{Job, Workload, script};

/// Iterations of the empty loop in the full presets and the bench: 20× the seed's 3,000,000.
/// Compiled, a step (see `workloads::empty_loop::add`) takes about 2.2 ns on these machines,
/// against 26 ns for CPython 3.11's `for i in range(n): pass`: at the seed's count each task
/// would last about 7 ms and start-up noise would drown the lesson; at this one it lasts about
/// 130 ms, near the seed's 78 ms in CPython.
pub const FULL_LOOP_COUNT: u64 = 60_000_000;

/// Full: the seeds' sizes (CPU loops scaled to last about as long as the seed's). Quick: small
/// sizes for tests, same shape and lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Full,
    Quick,
}

impl Scale {
    /// `full` at the full scale, `quick` at the quick one.
    pub fn pick<T>(self, full: T, quick: T) -> T {
        match self {
            Scale::Full => full,
            Scale::Quick => quick,
        }
    }
}

/// The sweep's workloads, numbered as the bench's picker and links number them, at the seeds'
/// sizes.
pub fn sweep_workloads(scale: Scale) -> Vec<Workload> {
    vec![
        Workload::EmptyLoop {
            count: scale.pick(FULL_LOOP_COUNT, 300_000),
        },
        Workload::SleepAdd {
            ms: scale.pick(100, 30),
        },
        Workload::SumRange {
            numbers: SEED_NUMBERS.to_vec(),
            unit: scale.pick(250_000, 10_000),
        },
        Workload::ListAppend {
            total: scale.pick(10_000_000, 100_000),
            seed: 2017,
        },
        Workload::Factorial {
            offset: scale.pick(2000, 100),
        },
        Workload::Square,
        Workload::SharedCounter { amount: 5 },
        Workload::FileWrite { bytes: 5 },
    ]
}

/// The modes the bench can sweep, in the chart's order.
pub const BENCH_MODES: [Mode; 5] = [
    Mode::Shared { gil: false },
    Mode::Shared { gil: true },
    Mode::Pool { reuse: true },
    Mode::Pool { reuse: false },
    // Last, so links made before it keep their numbers.
    Mode::Asyncio,
];

/// The largest `hardwareConcurrency` the limits are computed for (browsers report at most a
/// few hundred).
pub const MAX_HARDWARE_CONCURRENCY: usize = 512;

/// The most workers any page offers: [`page_max_workers`] at [`MAX_HARDWARE_CONCURRENCY`].
pub const MAX_WORKERS: usize = page_max_workers(MAX_HARDWARE_CONCURRENCY);

/// A setting's allowed values, with the name the page's messages give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub what: &'static str,
    pub min: usize,
    pub max: usize,
}

impl Limit {
    pub fn contains(self, v: usize) -> bool {
        (self.min..=self.max).contains(&v)
    }
}

pub const MAX_TASKS: usize = 1000;
/// The task slider's top; a link or a typed value may go up to [`MAX_TASKS`].
pub const TASK_SLIDER_MAX: usize = 100;
pub const TASKS: Limit = Limit {
    what: "tasks",
    min: 1,
    max: MAX_TASKS,
};
/// Task size as a percentage of the workload's seed size.
pub const SIZE_PERCENT: Limit = Limit {
    what: "task size (% of the seed's)",
    min: 10,
    max: 1000,
};
pub const MAX_REPETITIONS: usize = 9;
pub const REPETITIONS: Limit = Limit {
    what: "repetitions",
    min: 1,
    max: MAX_REPETITIONS,
};
/// The sweep's workloads, numbered as [`sweep_workloads`] lists them, then the visitor's
/// script ([`SCRIPT_WORKLOAD`]), then the race's three ([`race_workloads`] from
/// [`RACE_WORKLOAD`]).
pub const WORKLOAD: Limit = Limit {
    what: "the workload number",
    min: 0,
    max: RACE_WORKLOAD + 2,
};
/// The workload number of the visitor's own script, after the built-in workloads.
pub const SCRIPT_WORKLOAD: usize = 8;
/// The first of the race's workload numbers: after the script's, so links made before the race
/// was a workload keep their numbers.
pub const RACE_WORKLOAD: usize = SCRIPT_WORKLOAD + 1;

/// The race on one global total as the bench sweeps it: each task adds 1 many times, with no
/// lock (free threads lose updates), with a lock, and with an atomic add (what keeping every
/// update costs).
pub fn race_workloads(scale: Scale) -> [Workload; 3] {
    let adds = scale.pick(500_000, 50_000);
    [Guard::Unguarded, Guard::Lock, Guard::Atomic].map(|guard| Workload::Race { adds, guard })
}

/// The sweep's top worker count on a page whose maximum is `page_max` (0, the page's maximum,
/// is not typed).
pub fn top_workers_limit(page_max: usize) -> Limit {
    Limit {
        what: "the sweep's top worker count",
        min: 1,
        max: page_max,
    }
}

/// What the chart plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Time,
    Speedup,
    Efficiency,
}

impl View {
    pub const ALL: [View; 3] = [View::Time, View::Speedup, View::Efficiency];

    /// The chart's title in this view.
    pub fn chart_title(self) -> String {
        let what = match self {
            View::Time => "elapsed time",
            View::Speedup => "speedup",
            View::Efficiency => "efficiency",
        };
        format!("corescope — {what} against workers")
    }

    /// The ideal line's name in this view's legend.
    pub fn ideal_name(self) -> &'static str {
        match self {
            View::Time => "ideal (serial ÷ workers)",
            View::Speedup => "ideal (= workers)",
            View::Efficiency => "ideal (1)",
        }
    }
}

/// The largest worker count a page on a machine with `cores` offers: the slider's top and the
/// shared pool's size. Twice the reported cores, to show what oversubscription does, and at
/// least 16, so the seeds' ten workers always fit.
pub const fn page_max_workers(cores: usize) -> usize {
    if 2 * cores > 16 { 2 * cores } else { 16 }
}

/// What a sweep runs: the bench's controls as the page and its links hold them.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Index into [`sweep_workloads`].
    pub workload: usize,
    pub tasks: usize,
    /// Task size as a percentage of the workload's seed size.
    pub size_percent: u32,
    /// A subset of [`BENCH_MODES`], in that order.
    pub modes: Vec<Mode>,
    pub repetitions: usize,
    /// The sweep's top worker count; 0 means the page's maximum.
    pub max_workers: usize,
    pub view: View,
    /// The script the editor holds: what workload [`SCRIPT_WORKLOAD`] runs.
    pub script: String,
}

impl Default for Settings {
    /// The page's opening settings: the seed's ten tasks at their size, on shared memory with
    /// and without the GIL and on a reused pool.
    fn default() -> Self {
        Self {
            workload: 0,
            tasks: 10,
            size_percent: 100,
            modes: vec![
                Mode::Shared { gil: false },
                Mode::Shared { gil: true },
                Mode::Pool { reuse: true },
            ],
            repetitions: 1,
            max_workers: 0,
            view: View::Time,
            script: script::EXAMPLES[0].1.into(),
        }
    }
}

impl Settings {
    /// The job the settings sweep: workload number `workload` (the last one if out of range)
    /// at `size_percent` of its seed size, `tasks` tasks.
    pub fn job(&self) -> Job {
        if self.workload == SCRIPT_WORKLOAD {
            let source = self.script.clone();
            return Job::new(Workload::Script { source }, self.tasks);
        }
        if self.workload >= RACE_WORKLOAD {
            let races = race_workloads(Scale::Full);
            let race = &races[(self.workload - RACE_WORKLOAD).min(races.len() - 1)];
            return Job::new(race.scaled(self.size_percent), self.tasks);
        }
        // Every number under the script's is one of these (a test holds SCRIPT_WORKLOAD to
        // their count).
        let all = sweep_workloads(Scale::Full);
        Job::new(all[self.workload].scaled(self.size_percent), self.tasks)
    }

    /// The sweep's top worker count on a page whose maximum is `page_max`: as set, else the
    /// page's maximum, and never above it.
    pub fn top_workers(&self, page_max: usize) -> usize {
        match self.max_workers {
            0 => page_max,
            n => n.min(page_max),
        }
    }

    /// Adds `mode` to the swept engines, or takes it away; the engines stay in
    /// [`BENCH_MODES`]'s order. Modes the bench cannot sweep are ignored.
    pub fn toggle(&mut self, mode: Mode) {
        let on = !self.modes.contains(&mode);
        self.modes = BENCH_MODES
            .iter()
            .copied()
            .filter(|&m| {
                if m == mode {
                    on
                } else {
                    self.modes.contains(&m)
                }
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_offers_twice_its_cores_and_at_least_sixteen() {
        assert_eq!(page_max_workers(1), 16);
        assert_eq!(page_max_workers(8), 16);
        assert_eq!(page_max_workers(9), 18);
        assert_eq!(page_max_workers(12), 24);
        assert_eq!(MAX_WORKERS, 1024);
    }

    #[test]
    fn a_workload_number_past_the_races_runs_the_last_race() {
        let job = |workload| {
            Settings {
                workload,
                ..Settings::default()
            }
            .job()
        };
        let last = RACE_WORKLOAD + race_workloads(Scale::Full).len() - 1;
        assert_eq!(job(last + 5), job(last));
        assert_ne!(job(last), job(last - 1));
    }

    #[test]
    fn the_top_worker_count_is_the_page_maximum_unless_set_lower() {
        let at = |max_workers| {
            Settings {
                max_workers,
                ..Settings::default()
            }
            .top_workers(page_max_workers(2))
        };
        assert_eq!((at(0), at(1), at(4), at(16), at(17)), (16, 1, 4, 16, 16));
    }

    #[test]
    fn engines_toggle_in_the_charts_order() {
        let mut s = Settings {
            modes: Vec::new(),
            ..Settings::default()
        };
        s.toggle(Mode::Pool { reuse: false });
        s.toggle(Mode::Shared { gil: false });
        s.toggle(Mode::MainThread);
        assert_eq!(s.modes, [BENCH_MODES[0], BENCH_MODES[3]]);
        s.toggle(Mode::Shared { gil: false });
        assert_eq!(s.modes, [BENCH_MODES[3]]);
    }

    #[test]
    fn the_workload_limit_numbers_every_sweep_workload() {
        assert_eq!(SCRIPT_WORKLOAD, sweep_workloads(Scale::Full).len());
        let s = Settings {
            workload: SCRIPT_WORKLOAD,
            ..Settings::default()
        };
        assert_eq!(s.job().workload.name(), "your script");
        // The race's three come after the script's number, each its own guard, sized as set.
        let races: Vec<Workload> = (RACE_WORKLOAD..=WORKLOAD.max)
            .map(|workload| {
                Settings {
                    workload,
                    size_percent: 10,
                    ..Settings::default()
                }
                .job()
                .workload
            })
            .collect();
        let guards = [Guard::Unguarded, Guard::Lock, Guard::Atomic];
        let expected = guards.map(|guard| Workload::Race {
            adds: 50_000,
            guard,
        });
        assert_eq!(races, expected);
    }

    #[test]
    fn each_view_names_its_chart_and_its_ideal() {
        let names: Vec<(String, &str)> = View::ALL
            .iter()
            .map(|v| (v.chart_title(), v.ideal_name()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "corescope — elapsed time against workers".into(),
                    "ideal (serial ÷ workers)"
                ),
                (
                    "corescope — speedup against workers".into(),
                    "ideal (= workers)"
                ),
                ("corescope — efficiency against workers".into(), "ideal (1)"),
            ]
        );
    }

    #[test]
    fn limits_hold_their_ends() {
        assert!(TASKS.contains(1) && TASKS.contains(MAX_TASKS));
        assert!(!TASKS.contains(0) && !TASKS.contains(MAX_TASKS + 1));
        assert_eq!(top_workers_limit(page_max_workers(4)).max, 16);
    }
}
