//! The lesson presets — the seeds' experiments — as data: each is a list of steps (a job, a mode,
//! a worker count), and a lesson written from the numbers the steps produced. Nothing here is a
//! canned claim about speed: every sentence about this machine is computed from its own run.
//!
//! Each preset is one value in its own file below: its names, its seeds and what they found, its
//! steps and its lesson. This file holds what they share, and the table of them all.

mod asyncio_waits;
mod cpu_bound;
mod factorial_map;
mod gil_threads;
mod global_variable;
mod race;
mod list_append;
mod pool_overhead;
mod process_vs_pool;
mod queue_order;
mod scaling_sweep;
mod sleep_bound;
mod sum_range;

use crate::predict::{self, Costs};
use crate::run::{CheckedRun, Join, Mode, RawRun, RunError, chunking_note};
use crate::settings::Scale;
use crate::stats::speedup;
use crate::timeline::Timeline;
pub(crate) use crate::words::count;
use crate::workloads::{Job, Value, Workload, file_write, show_list};

/// One measured step of a preset.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Names the step for the lesson and for tests.
    pub id: String,
    pub label: String,
    pub mode: Mode,
    pub workers: usize,
    pub job: Job,
}

impl Step {
    /// What a step's run shows beyond its time: tasks that arrived out of order, the page's
    /// total after a step that touches a global, the stand-in for a file.
    pub fn extras(&self, run: &RawRun) -> String {
        let arrival = run.arrival();
        let order = if arrival.windows(2).any(|w| w[0] > w[1]) && arrival.len() <= 12 {
            format!(" Arrived in task order {arrival:?}.")
        } else {
            String::new()
        };
        let total = if self.job.uses_globals() {
            format!(" Page's total afterwards: {}.", run.page_total)
        } else {
            String::new()
        };
        let stand_in = if matches!(self.job.workload, Workload::FileWrite { .. }) {
            format!(" File: {}.", file_write::STAND_IN)
        } else {
            String::new()
        };
        format!("{order}{total}{stand_in}")
    }

    fn new(
        id: impl Into<String>,
        label: impl Into<String>,
        mode: Mode,
        workers: usize,
        job: Job,
    ) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            mode,
            workers: workers.max(1),
            job,
        }
    }
}

/// The presets, in PRODUCT order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PresetId {
    SleepBound,
    CpuBound,
    GilThreads,
    GlobalVariable,
    ListAppend,
    ProcessVsPool,
    SumRange,
    QueueOrder,
    FactorialMap,
    PoolOverhead,
    ScalingSweep,
    FreeThreadRace,
    AsyncioWaits,
}

/// One preset: what the page says about it, the steps it runs and the lesson it writes from
/// their numbers. Each lives in its own file under `experiment/`.
struct Preset {
    id: PresetId,
    /// Its short name: the page's `data-preset`.
    key: &'static str,
    title: &'static str,
    /// Which seeds it comes from.
    seeds: &'static str,
    /// What the seed's author reported, in their words and numbers.
    seed_found: &'static str,
    /// Builds its steps.
    steps: fn(&StepsContext) -> Vec<Step>,
    /// The lesson for a machine reporting `cores`, written from this run's numbers; sentences
    /// whose numbers are missing are left out.
    lesson: fn(usize, &Outcomes<'_>) -> Vec<String>,
}

/// What a preset's steps are built for: a machine reporting `cores` (at least 1) with up to
/// `max_workers` workers; the sweep runs `sweep_workload`.
struct StepsContext<'a> {
    scale: Scale,
    cores: usize,
    max_workers: usize,
    sweep_workload: &'a Workload,
}

/// The modes the presets' steps run in, by short name: the page's reused pool, a pool created
/// for the call, shared-memory threads without and with a GIL, coroutines on the page's event
/// loop, and ([`per_task`]) a worker per task.
const POOL: Mode = Mode::Pool { reuse: true };
const FRESH_POOL: Mode = Mode::Pool { reuse: false };
const SHARED: Mode = Mode::Shared { gil: false };
const GIL: Mode = Mode::Shared { gil: true };
const ASYNCIO: Mode = Mode::Asyncio;

/// A fresh worker per task, joined as `join` says.
fn per_task(join: Join) -> Mode {
    Mode::PerTask { join }
}

/// Every preset, in PRODUCT order (share links number them by it): entry `i` is the `i`-th
/// variant of [`PresetId`].
static PRESETS: [Preset; 13] = [
    sleep_bound::PRESET,
    cpu_bound::PRESET,
    gil_threads::PRESET,
    global_variable::PRESET,
    list_append::PRESET,
    process_vs_pool::PRESET,
    sum_range::PRESET,
    queue_order::PRESET,
    factorial_map::PRESET,
    pool_overhead::PRESET,
    scaling_sweep::PRESET,
    race::PRESET,
    asyncio_waits::PRESET,
];

impl PresetId {
    pub const ALL: [PresetId; 13] = {
        let mut all = [PresetId::SleepBound; 13];
        let mut i = 0;
        while i < all.len() {
            all[i] = PRESETS[i].id;
            i += 1;
        }
        all
    };

    /// Everything about this preset: [`PRESETS`] is in the variants' order (a test checks).
    fn preset(self) -> &'static Preset {
        &PRESETS[self as usize]
    }

    pub fn key(self) -> &'static str {
        self.preset().key
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn title(self) -> &'static str {
        self.preset().title
    }

    /// Which seeds the preset comes from.
    pub fn seeds(self) -> &'static str {
        self.preset().seeds
    }

    /// What the seed's author reported, in their words and numbers.
    pub fn seed_found(self) -> &'static str {
        self.preset().seed_found
    }
}

/// Builds the steps of `preset` for a machine reporting `cores` (hardwareConcurrency) with up to
/// `max_workers` workers. The sweep runs `sweep_workload`.
pub fn steps(
    preset: PresetId,
    scale: Scale,
    cores: usize,
    max_workers: usize,
    sweep_workload: &Workload,
) -> Vec<Step> {
    (preset.preset().steps)(&StepsContext {
        scale,
        cores: cores.max(1),
        max_workers,
        sweep_workload,
    })
}

/// A preset step whose run lasts less than this is run [`SHORT_STEP_RUNS`] times and shows its
/// median run: on a shared machine one run of a few hundred ms can come out nearly twice as
/// long as the next, enough to turn a lesson around. Longer steps average their noise out.
pub const SHORT_STEP_MS: f64 = 500.0;
pub const SHORT_STEP_RUNS: usize = 5;

/// Whether a step that has run `runs` (all checked) should run once more.
pub fn run_again(runs: &[CheckedRun]) -> bool {
    runs.len() < SHORT_STEP_RUNS
        && runs
            .first()
            .is_some_and(|r| r.run.elapsed_ms < SHORT_STEP_MS)
}

/// The run with the median time (the lower middle one of an even count).
pub fn median_run(mut runs: Vec<CheckedRun>) -> CheckedRun {
    assert!(!runs.is_empty(), "a step has at least one run");
    runs.sort_by(|a, b| a.run.elapsed_ms.total_cmp(&b.run.elapsed_ms));
    runs.swap_remove((runs.len() - 1) / 2)
}

/// One step's outcome.
/// A run's checked result, shared rather than copied: the page's state keeps it in more than
/// one place and is copied on every action.
pub type Outcome = Result<std::rc::Rc<CheckedRun>, RunError>;

/// Looks up outcomes by step id.
pub struct Outcomes<'a> {
    pub steps: &'a [Step],
    pub results: &'a [Option<Outcome>],
}

impl<'a> Outcomes<'a> {
    pub fn run(&self, id: &str) -> Option<&'a CheckedRun> {
        let i = self.steps.iter().position(|s| s.id == id)?;
        self.results.get(i)?.as_ref()?.as_deref().ok()
    }

    /// The time of the serial step that ran the very same `job`: speedups compare a step only
    /// with it.
    pub fn serial_ms(&self, job: &Job) -> Option<f64> {
        let i = (self.steps.iter()).position(|s| s.mode == Mode::MainThread && &s.job == job)?;
        match self.results.get(i)? {
            Some(Ok(run)) => Some(run.run.elapsed_ms),
            _ => None,
        }
    }

    /// Each step's predicted time, from what the preset measured: the tasks of the serial step
    /// that ran the same job (or else the same workload: split over the step's tasks where the
    /// workload splits one total, as the list append does, else each task as long as the serial
    /// tasks' average), `cores`, and the start-up and messaging of the steps that ran. `None`
    /// before that serial step has run, and for a step no serial step ran the workload of.
    pub fn predictions(&self, cores: f64) -> Vec<Option<f64>> {
        let timelines: Vec<Timeline> = self
            .steps
            .iter()
            .zip(self.results)
            .filter_map(|(step, r)| match r {
                Some(Ok(run)) => Some(Timeline::of(step.mode, &step.job, &run.run)),
                _ => None,
            })
            .collect();
        // The serial steps that ran, each with what its run says about its tasks.
        let serials: Vec<(&Step, Costs)> = self
            .steps
            .iter()
            .zip(self.results)
            .filter_map(|(step, r)| match (step.mode, r) {
                (Mode::MainThread, Some(Ok(run))) => Some((step, run)),
                _ => None,
            })
            .map(|(step, run)| {
                let serial = Timeline::of(Mode::MainThread, &step.job, &run.run);
                let costs = Costs::from_serial(&serial, cores).with_overheads(timelines.iter());
                (step, costs)
            })
            .collect();
        self.steps
            .iter()
            .map(|step| {
                // The serial step of the very same job, else one of the same workload.
                let (serial, costs) =
                    serials
                        .iter()
                        .find(|(s, _)| s.job == step.job)
                        .or_else(|| {
                            serials
                                .iter()
                                .find(|(s, _)| s.job.workload == step.job.workload)
                        })?;
                let tasks = if step.job == serial.job {
                    costs.tasks.clone()
                } else {
                    let total = costs
                        .tasks
                        .iter()
                        .fold((0.0, 0.0), |(w, c), t| (w + t.0, c + t.1));
                    // The serial total split over this step's tasks, or the serial tasks' average.
                    let share = match step.job.workload {
                        Workload::ListAppend { .. } => step.job.tasks,
                        _ => costs.tasks.len(),
                    };
                    let share = share.max(1) as f64;
                    vec![(total.0 / share, total.1 / share); step.job.tasks]
                };
                let costs = Costs {
                    tasks,
                    ..costs.clone()
                };
                Some(predict::predict(step.mode, step.workers, &costs)).filter(|&ms| ms > 0.0)
            })
            .collect()
    }

    /// Where the steps' predictions missed most, in a sentence (see [`predict::largest_gap`]).
    pub fn prediction_gap(&self, cores: f64) -> Option<String> {
        let compared: Vec<predict::Compared> = self
            .steps
            .iter()
            .zip(self.predictions(cores))
            .filter(|(step, _)| step.mode != Mode::MainThread)
            .filter_map(|(step, predicted)| {
                let ms = self.ms(&step.id)?;
                Some((step.mode, step.workers, step.job.tasks, predicted?, ms))
            })
            .collect();
        // Each step is a single run.
        let gap = predict::largest_gap(&compared, cores, true)?;
        Some(format!("Predicted beside measured, largest gap: {gap}."))
    }

    /// A checked step's timed span in ms.
    pub fn ms(&self, id: &str) -> Option<f64> {
        self.run(id).map(|r| r.run.elapsed_ms)
    }

    fn speedup(&self, serial: &str, id: &str) -> Option<f64> {
        speedup(self.ms(serial)?, self.ms(id)?)
    }
}

/// The workloads `steps` run, with their sizes, and how often a short step runs.
pub fn sizes(steps: &[Step]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for s in steps {
        let this = format!(
            "{} × {}",
            s.job.workload.describe(),
            count(s.job.tasks, "task")
        );
        if !seen.contains(&this) {
            seen.push(this);
        }
    }
    format!(
        "Here: {}. A step that runs in under {} is run {} times and shows its median run.",
        seen.join("; "),
        crate::stats::secs(SHORT_STEP_MS),
        SHORT_STEP_RUNS
    )
}

fn times(x: f64) -> String {
    format!("{x:.2}×")
}

/// What a finished run's row says after its checked result: the workers it used, what went into
/// its time besides the tasks (start-up, messages, GIL waits) and its speedup over serial; and
/// [`speed_cells`]' note.
pub fn run_details(
    run: &CheckedRun,
    serial_ms: Option<f64>,
) -> (String, Option<(&'static str, String)>) {
    let r = &run.run;
    let startup = match (r.startup_ms, run.mode) {
        (Some(ms), Mode::Pool { reuse: true }) => {
            format!(", pool start-up before the clock {ms:.1} ms")
        }
        (Some(ms), _) => format!(", of which start-up {ms:.1} ms"),
        (None, _) => String::new(),
    };
    let messaging = r
        .messaging_ms
        .map(|ms| format!(", messaging {ms:.1} ms"))
        .unwrap_or_default();
    let waited = match (r.gil_wait_ms(), run.mode) {
        (0.0, _) => String::new(),
        (ms, Mode::Asyncio) => format!(", due tasks waited {ms:.1} ms for the loop"),
        (ms, _) => format!(", GIL waits {ms:.1} ms"),
    };
    let (speedup, note) = speed_cells(run, serial_ms);
    let on = match run.mode {
        Mode::Asyncio => format!(" {} on one thread", count(run.workers, "coroutine")),
        _ => format!(
            " on {} of {}",
            r.workers_used(),
            count(run.workers, "worker")
        ),
    };
    let details = format!("{on}{startup}{messaging}{waited}{speedup}");
    (details, note)
}

/// A finished run's speedup over serial (", 1.85× serial"), and a note where the number alone
/// would mislead: the stopped-too-early clock is a mistake, not a speedup; a worker engine
/// slower than serial says what its overheads cost; a pool that chunked unevenly says so.
pub fn speed_cells(
    run: &CheckedRun,
    serial_ms: Option<f64>,
) -> (String, Option<(&'static str, String)>) {
    let r = &run.run;
    if run.mode
        == (Mode::PerTask {
            join: Join::ClockStopsBeforeJoin,
        })
    {
        return (
            String::new(),
            Some((
                "mistake",
                " A measuring mistake, not a speedup: the clock stopped once the workers were started, before they were joined, so this measures only the start-up.".into(),
            )),
        );
    }
    let speedup = serial_ms.and_then(|serial| speedup(serial, r.elapsed_ms));
    let shown = speedup
        .map(|x| {
            if x < 0.01 {
                ", under 0.01× serial".to_string()
            } else {
                format!(", {x:.2}× serial")
            }
        })
        .unwrap_or_default();
    let startup_in_clock = match run.mode {
        Mode::Pool { reuse: true } => 0.0,
        _ => r.startup_ms.unwrap_or(0.0),
    };
    let overhead = startup_in_clock + r.messaging_ms.unwrap_or(0.0);
    let note = match (serial_ms, speedup) {
        (Some(serial), Some(x)) if x < 1.0 && overhead >= r.elapsed_ms - serial => Some((
            "why",
            format!(
                " Slower than serial because of its overheads, not its computing: starting workers and passing messages took {overhead:.1} ms of it, while all the tasks together compute for {serial:.1} ms serially. Larger tasks hide the overheads."
            ),
        )),
        _ => match run.mode {
            Mode::Pool { .. } => {
                chunking_note(r.results.len(), run.workers).map(|n| ("why", format!(" {n}.")))
            }
            _ => None,
        },
    };
    (shown, note)
}

/// The lesson of `preset`, written from this run's numbers. Sentences whose numbers are missing
/// (a step not run yet, or failed) are left out.
pub fn lesson(preset: PresetId, cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    (preset.preset().lesson)(cores, o)
}

fn arrival_values(run: &crate::run::RawRun) -> Vec<Value> {
    run.arrival()
        .into_iter()
        .map(|i| run.results[i].clone())
        .collect()
}

fn list(values: &[Value]) -> String {
    show_list(values, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{RawRun, TaskRecord};

    /// `step`'s outcome, as if it took `elapsed_ms`.
    pub(super) fn outcome(step: &Step, elapsed_ms: f64) -> Outcome {
        fake(step, elapsed_ms).map(std::rc::Rc::new)
    }

    pub(super) fn fake(step: &Step, elapsed_ms: f64) -> Result<CheckedRun, RunError> {
        let answer = step.job.answer();
        let results = answer.values;
        let records = (0..step.job.tasks)
            .map(|i| TaskRecord {
                index: i,
                worker: i % step.workers,
                start_ms: 0.0,
                end_ms: 1.0,
                gil_wait_ms: 0.0,
                held: Vec::new(),
            })
            .collect();
        let run = RawRun {
            results,
            records,
            elapsed_ms,
            startup_ms: None,
            messaging_ms: None,
            page_total: 0,
            ..RawRun::default()
        };
        Ok(CheckedRun {
            mode: step.mode,
            workers: step.workers,
            run,
            total: answer.total,
        })
    }

    #[test]
    fn each_step_is_predicted_from_the_serial_step_and_the_largest_gap_named() {
        let steps = steps(PresetId::GilThreads, Scale::Full, 2, 16, &Workload::Square);
        let serial = |step: &Step| {
            let mut run = fake(step, 1000.0).expect("a fake run");
            for (i, r) in run.run.records.iter_mut().enumerate() {
                (r.start_ms, r.end_ms) = (100.0 * i as f64, 100.0 * (i + 1) as f64);
            }
            Ok(run)
        };
        let mut results: Vec<Option<Outcome>> = vec![None; steps.len()];
        let nothing_yet = Outcomes {
            steps: &steps,
            results: &results,
        }
        .predictions(2.0);
        assert!(nothing_yet.iter().all(Option::is_none));
        results[0] = Some(serial(&steps[0]).map(std::rc::Rc::new));
        let gil10 = steps.iter().position(|s| s.id == "gil-10").expect("gil-10");
        results[gil10] = Some(outcome(&steps[gil10], 1900.0));
        let o = Outcomes {
            steps: &steps,
            results: &results,
        };
        let predicted: Vec<(String, Option<f64>)> = steps
            .iter()
            .map(|s| s.id.clone())
            .zip(o.predictions(2.0))
            .collect();
        let at = |id: &str| predicted.iter().find(|(s, _)| s == id).and_then(|p| p.1);
        assert_eq!(at("serial-10"), Some(1000.0));
        assert_eq!(at("gil-10"), Some(1000.0), "one core's worth under the GIL");
        assert_eq!(at("shared-10"), Some(500.0), "two cores");
        assert_eq!(
            at("gil-1"),
            Some(100.0),
            "one task as long as the serial tasks' average"
        );
        let gap = o.prediction_gap(2.0).expect("a gap");
        assert!(gap.starts_with("Predicted beside measured, largest gap: shared memory + GIL, 10 workers: predicted 1.00 s, measured 1.90 s (+90%)"), "{gap}");
    }

    #[test]
    fn every_preset_has_steps_with_distinct_ids_and_a_known_key() {
        for p in PresetId::ALL {
            let steps = steps(p, Scale::Full, 2, 16, &Workload::Square);
            assert!(!steps.is_empty(), "{p:?}");
            let ids: std::collections::BTreeSet<_> = steps.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids.len(), steps.len(), "{p:?} has duplicate step ids");
            assert_eq!(PresetId::from_key(p.key()), Some(p));
        }
        assert_eq!(PresetId::from_key("nope"), None);
        for (i, p) in PresetId::ALL.into_iter().enumerate() {
            assert_eq!(p as usize, i, "PRESETS follows PresetId's order");
        }
    }

    #[test]
    fn every_preset_names_itself_and_the_seed_it_follows() {
        let gil = PresetId::GilThreads;
        assert_eq!(gil.title(), "GIL threads");
        assert_eq!(gil.seeds(), "000");
        assert!(gil.seed_found().contains("0.958 s"), "{}", gil.seed_found());
        let distinct = |f: fn(PresetId) -> &'static str| {
            let all: std::collections::BTreeSet<_> = PresetId::ALL.into_iter().map(f).collect();
            all.len() == PresetId::ALL.len() && !all.contains("")
        };
        assert!(distinct(PresetId::title));
        assert!(distinct(PresetId::seed_found));
    }

    /// The lesson of `preset` on 2 cores from every step's fake run of `ms`, as `set` leaves it.
    pub(super) fn lesson_of(
        preset: PresetId,
        ms: f64,
        set: impl Fn(&Step, &mut CheckedRun),
    ) -> String {
        let steps = steps(preset, Scale::Full, 2, 16, &Workload::Square);
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .map(|s| {
                let mut run = fake(s, ms).expect("a fake run");
                set(s, &mut run);
                Some(Ok(std::rc::Rc::new(run)))
            })
            .collect();
        let o = Outcomes {
            steps: &steps,
            results: &results,
        };
        lesson(preset, 2, &o).join(" ")
    }

    /// The lesson of `preset` on `cores` from elapsed times by step id (other steps missing).
    pub(super) fn lesson_from(preset: PresetId, cores: usize, times: &[(&str, f64)]) -> String {
        let steps = steps(preset, Scale::Full, cores, 16, &Workload::Square);
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .map(|s| {
                let t = times.iter().find(|(id, _)| *id == s.id)?.1;
                Some(outcome(s, t))
            })
            .collect();
        lesson(
            preset,
            cores,
            &Outcomes {
                steps: &steps,
                results: &results,
            },
        )
        .join(" ")
    }

    #[test]
    fn short_steps_run_five_times_and_show_their_median_run() {
        let steps = steps(PresetId::ListAppend, Scale::Full, 2, 16, &Workload::Square);
        let run = |ms: f64| fake(&steps[0], ms).expect("checked");
        let five = [130.0, 240.0, 135.0, 128.0, 250.0].map(run);
        for n in 1..5 {
            assert!(run_again(&five[..n]), "after {n} runs");
        }
        assert!(!run_again(&five));
        assert!(!run_again(&[run(1500.0)]), "a long step runs once");
        assert!(
            !run_again(&[run(SHORT_STEP_MS)]),
            "so does one just long enough"
        );
        // Two slow runs out of five do not move the median.
        assert_eq!(median_run(five.to_vec()).run.elapsed_ms, 135.0);
        assert_eq!(median_run(vec![run(7.0)]).run.elapsed_ms, 7.0);
        let four = [40.0, 10.0, 30.0, 20.0].map(run).to_vec();
        assert_eq!(median_run(four).run.elapsed_ms, 20.0, "the lower middle");
    }

    #[test]
    fn the_early_clock_is_a_mistake_not_a_speedup() {
        let steps = steps(PresetId::SumRange, Scale::Full, 2, 16, &Workload::Square);
        let early = steps
            .iter()
            .find(|s| s.id == "clock-before-join")
            .expect("the step");
        let Ok(run) = fake(early, 2.0) else {
            unreachable!()
        };
        let (speedup, note) = speed_cells(&run, Some(1208.0));
        assert_eq!(speedup, "");
        let (class, text) = note.expect("a note");
        assert_eq!(class, "mistake");
        assert!(text.contains("measures only the start-up"), "{text}");
        // A worker engine slower than serial because of its start-up says so.
        let joined = steps
            .iter()
            .find(|s| s.id == "start-then-join")
            .expect("the step");
        let Ok(mut slow) = fake(joined, 60.0) else {
            unreachable!()
        };
        slow.run.startup_ms = Some(45.0);
        let (speedup, note) = speed_cells(&slow, Some(20.0));
        assert_eq!(speedup, ", 0.33× serial");
        assert!(
            note.expect("a note")
                .1
                .contains("starting workers and passing messages took 45.0 ms")
        );
    }

    #[test]
    fn a_runs_details_name_its_workers_and_what_went_into_its_time() {
        let steps = steps(
            PresetId::ProcessVsPool,
            Scale::Full,
            2,
            16,
            &Workload::Square,
        );
        let pool = steps
            .iter()
            .find(|s| s.mode == Mode::Pool { reuse: true })
            .expect("a pool step");
        let Ok(mut run) = fake(pool, 50.0) else {
            unreachable!()
        };
        run.run.startup_ms = Some(12.34);
        run.run.messaging_ms = Some(3.0);
        let (details, _) = run_details(&run, Some(100.0));
        assert_eq!(
            details,
            format!(
                " on {} of {} workers, pool start-up before the clock 12.3 ms, messaging 3.0 ms, \
                 2.00× serial",
                run.run.workers_used(),
                run.workers
            )
        );
        run.mode = Mode::Pool { reuse: false };
        let (details, _) = run_details(&run, None);
        assert!(details.ends_with(" workers, of which start-up 12.3 ms, messaging 3.0 ms"));
    }

    #[test]
    fn a_steps_extras_say_what_its_time_cannot() {
        let queue = steps(PresetId::QueueOrder, Scale::Quick, 2, 16, &Workload::Square);
        let step = &queue[0];
        let mut run = match fake(step, 10.0) {
            Ok(r) => r.run,
            Err(_) => unreachable!(),
        };
        assert_eq!(step.extras(&run), "", "in order, no global, no file");
        run.records.reverse();
        for (start, r) in run.records.iter_mut().enumerate() {
            r.start_ms = start as f64;
            r.end_ms = start as f64 + 1.0;
        }
        let arrival = run.arrival();
        assert!(arrival.len() <= 12 && arrival.windows(2).any(|w| w[0] > w[1]));
        assert_eq!(
            step.extras(&run),
            format!(" Arrived in task order {arrival:?}.")
        );
        let global = steps(
            PresetId::GlobalVariable,
            Scale::Quick,
            2,
            16,
            &Workload::Square,
        );
        let counter = global
            .iter()
            .find(|s| s.job.uses_globals())
            .expect("a step");
        let run = RawRun {
            page_total: 0,
            ..RawRun::default()
        };
        assert_eq!(counter.extras(&run), " Page's total afterwards: 0.");
    }

    #[test]
    fn sizes_list_each_workload_once() {
        let job = |tasks| Job::new(Workload::Square, tasks);
        let step = |id: &str, tasks| Step::new(id, id, Mode::MainThread, 1, job(tasks));
        let text = sizes(&[step("a", 4), step("b", 4), step("c", 8)]);
        let square = Workload::Square.describe();
        assert_eq!(
            text,
            format!(
                "Here: {square} × 4 tasks; {square} × 8 tasks. A step that runs in under 500.0 \
                 ms is run 5 times and shows its median run."
            )
        );
    }

    #[test]
    fn speedups_compare_with_the_serial_run_of_the_same_job() {
        let job = |tasks| Job::new(Workload::Square, tasks);
        let steps = [
            Step::new("serial", "serial", Mode::MainThread, 1, job(4)),
            Step::new("pool", "pool", Mode::Pool { reuse: true }, 2, job(4)),
            Step::new("other", "other", Mode::MainThread, 1, job(8)),
        ];
        let results = [
            Some(outcome(&steps[0], 40.0)),
            Some(outcome(&steps[1], 25.0)),
            None,
        ];
        let o = Outcomes {
            steps: &steps,
            results: &results,
        };
        assert_eq!(o.serial_ms(&job(4)), Some(40.0));
        assert_eq!(o.serial_ms(&job(8)), None, "not run yet");
        assert_eq!(o.serial_ms(&job(5)), None, "no serial step of that job");
    }

    #[test]
    fn missing_numbers_leave_sentences_out() {
        let steps = steps(PresetId::GilThreads, Scale::Full, 2, 16, &Workload::Square);
        let results = vec![None; steps.len()];
        assert!(
            lesson(
                PresetId::GilThreads,
                2,
                &Outcomes {
                    steps: &steps,
                    results: &results
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn every_preset_writes_a_lesson_from_a_complete_run() {
        for p in PresetId::ALL {
            let steps = steps(p, Scale::Quick, 2, 4, &Workload::EmptyLoop { count: 10 });
            let results: Vec<Option<Outcome>> = steps
                .iter()
                .enumerate()
                .map(|(i, s)| Some(outcome(s, 10.0 + i as f64)))
                .collect();
            let text = lesson(
                p,
                2,
                &Outcomes {
                    steps: &steps,
                    results: &results,
                },
            );
            assert!(!text.is_empty(), "{p:?} wrote no lesson");
        }
    }

    /// `step`'s outcome whose tasks ran one after another on worker 0, task i for `lens[i]` ms.
    fn ran(step: &Step, lens: &[f64]) -> Option<Outcome> {
        let mut run = fake(step, lens.iter().sum()).expect("a fake run");
        let mut at = 0.0;
        for (r, len) in run.run.records.iter_mut().zip(lens) {
            (r.worker, r.start_ms, r.end_ms) = (0, at, at + len);
            at += len;
        }
        Some(Ok(std::rc::Rc::new(run)))
    }

    #[test]
    fn a_step_is_predicted_from_the_serial_run_of_its_job_else_of_its_workload() {
        let step = |id: &str, mode, workload: &Workload, tasks| {
            Step::new(id, id, mode, 1, Job::new(workload.clone(), tasks))
        };
        let list = Workload::ListAppend {
            total: 1000,
            seed: 1,
        };
        let nap = Workload::SleepAdd { ms: 5 };
        let steps = [
            step("serial-4", Mode::MainThread, &Workload::Square, 4),
            step("serial-2", Mode::MainThread, &Workload::Square, 2),
            step("shared-2", SHARED, &Workload::Square, 2),
            step("shared-3", SHARED, &Workload::Square, 3),
            step("fresh-2", FRESH_POOL, &Workload::Square, 2),
            step("list-1", Mode::MainThread, &list, 1),
            step("list-4", SHARED, &list, 4),
            step("naps-2", Mode::MainThread, &nap, 2),
            step("naps-4", SHARED, &nap, 4),
        ];
        let mut fresh = ran(&steps[4], &[30.0, 30.0]).expect("ran");
        if let Ok(run) = &mut fresh {
            std::rc::Rc::make_mut(run).run.lives = vec![crate::run::WorkerLife {
                worker: 0,
                spawn_ms: 0.0,
                ready_ms: 25.0,
            }];
        }
        let results = [
            ran(&steps[0], &[10.0; 4]),
            ran(&steps[1], &[30.0; 2]),
            None,
            None,
            Some(fresh),
            ran(&steps[5], &[40.0]),
            None,
            ran(&steps[7], &[10.0; 2]),
            None,
        ];
        let o = Outcomes {
            steps: &steps,
            results: &results,
        };
        let fresh_costs = Costs {
            tasks: vec![(0.0, 30.0); 2],
            cores: 2.0,
            startup_ms: 25.0,
            message_ms: 0.0,
        };
        let with_startup = predict::predict(FRESH_POOL, 1, &fresh_costs);
        assert!(with_startup > 60.0, "{with_startup}");
        assert_eq!(
            o.predictions(2.0),
            [
                Some(40.0),
                Some(60.0),
                Some(60.0), // serial-2's own tasks
                Some(30.0), // three of serial-4's average task
                Some(with_startup),
                Some(40.0),
                Some(40.0), // one list split four ways
                Some(20.0),
                Some(40.0), // four tasks that each sleep 5 ms and compute 5 ms
            ]
        );
    }

    #[test]
    fn a_serial_run_too_short_to_time_predicts_nothing() {
        let steps = [Step::new(
            "serial",
            "serial",
            Mode::MainThread,
            1,
            Job::new(Workload::Square, 2),
        )];
        let results = [ran(&steps[0], &[0.0, 0.0])];
        let o = Outcomes {
            steps: &steps,
            results: &results,
        };
        assert_eq!(o.predictions(2.0), [None]);
    }

    #[test]
    fn coroutines_wait_for_the_loop_where_threads_wait_for_the_gil() {
        let job = Job::new(Workload::Square, 2);
        let asyncio = Step::new("asyncio", "asyncio", ASYNCIO, 2, job.clone());
        let Ok(mut run) = fake(&asyncio, 10.0) else {
            unreachable!()
        };
        run.run.records[1].gil_wait_ms = 3.0;
        let (details, _) = run_details(&run, None);
        assert_eq!(
            details,
            " 2 coroutines on one thread, due tasks waited 3.0 ms for the loop"
        );
        run.mode = GIL;
        let (details, _) = run_details(&run, None);
        assert_eq!(details, " on 2 of 2 workers, GIL waits 3.0 ms");
    }

    /// The speedup cell and the note of a run of `mode` on `tasks` tasks and `workers` that took
    /// `elapsed_ms` (with `startup_ms` and `messaging_ms`) beside a serial run of `serial_ms`.
    fn cells(
        mode: Mode,
        (tasks, workers): (usize, usize),
        (elapsed_ms, startup_ms, messaging_ms): (f64, Option<f64>, Option<f64>),
        serial_ms: f64,
    ) -> (String, Option<(&'static str, String)>) {
        let step = Step::new("s", "s", mode, workers, Job::new(Workload::Square, tasks));
        let Ok(mut run) = fake(&step, elapsed_ms) else {
            unreachable!()
        };
        (run.run.startup_ms, run.run.messaging_ms) = (startup_ms, messaging_ms);
        speed_cells(&run, Some(serial_ms))
    }

    #[test]
    fn a_speedup_under_a_hundredth_is_said_to_be() {
        let cell = |elapsed| cells(SHARED, (2, 2), (elapsed, None, None), 1.0).0;
        assert_eq!(cell(200.0), ", under 0.01× serial");
        assert_eq!(cell(100.0), ", 0.01× serial");
        assert_eq!(cell(0.5), ", 2.00× serial");
    }

    #[test]
    fn a_run_is_blamed_on_its_overheads_only_when_they_cover_its_slowness() {
        let why = |mode, timed, serial| cells(mode, (4, 2), timed, serial).1;
        let slower = |ms: f64| {
            Some((
                "why",
                format!(
                    " Slower than serial because of its overheads, not its computing: starting workers and passing messages took {ms:.1} ms of it, while all the tasks together compute for 40.0 ms serially. Larger tasks hide the overheads."
                ),
            ))
        };
        // Start-up and messages together, 40 ms, cover the 30 ms it lost.
        assert_eq!(
            why(FRESH_POOL, (70.0, Some(30.0), Some(10.0)), 40.0),
            slower(40.0)
        );
        // Exactly covered.
        assert_eq!(
            why(FRESH_POOL, (70.0, Some(20.0), Some(10.0)), 40.0),
            slower(30.0)
        );
        // Not covered: 10 ms of overheads do not explain losing 60.
        assert_eq!(why(FRESH_POOL, (100.0, Some(10.0), None), 40.0), None);
        // A reused pool started before the clock: its start-up is not in its time.
        assert_eq!(why(POOL, (50.0, Some(100.0), None), 40.0), None);
        // As fast as serial, or faster: nothing to explain.
        assert_eq!(why(FRESH_POOL, (40.0, Some(5.0), None), 40.0), None);
        assert_eq!(why(FRESH_POOL, (20.0, Some(5.0), None), 40.0), None);
        // Slower with no overheads at all.
        assert_eq!(why(SHARED, (50.0, None, None), 40.0), None);
    }

    #[test]
    fn a_pool_that_chunked_unevenly_says_so() {
        let note = chunking_note(50, 4).map(|n| ("why", format!(" {n}.")));
        assert!(note.is_some(), "50 tasks in chunks of 4 over 4 workers");
        assert_eq!(cells(POOL, (50, 4), (10.0, None, None), 20.0).1, note);
        assert_eq!(cells(FRESH_POOL, (50, 4), (10.0, None, None), 20.0).1, note);
        assert_eq!(cells(SHARED, (50, 4), (10.0, None, None), 20.0).1, None);
    }
}
