//! The lesson presets — the seeds' experiments — as data: each is a list of steps (a job, a mode,
//! a worker count), and a lesson written from the numbers the steps produced. Nothing here is a
//! canned claim about speed: every sentence about this machine is computed from its own run.

use crate::run::{CheckedRun, Join, Mode, RunError, chunking_note};
use crate::stats::{amdahl_serial_fraction, secs, speedup};
use crate::workloads::sum_range::SEED_NUMBERS;
use crate::workloads::{Job, Value, Workload, file_write, show_list};

/// Iterations of the empty loop in the full presets: 20× the seed's 3,000,000, because compiled
/// code runs the loop about 50× faster than CPython; at the seed's count each task would last
/// about a millisecond and start-up noise would drown the lesson.
pub const FULL_LOOP_COUNT: u64 = 60_000_000;

/// The sum-of-range unit in the full preset: 10× the seed's 10⁶, for the same reason — at the
/// seed's size the whole sum takes less time here than starting one worker.
pub const FULL_SUM_UNIT: u64 = 10_000_000;

/// Full: the seeds' sizes (CPU loops scaled to last about as long as the seed's). Quick: small
/// sizes for tests, same shape and lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Full,
    Quick,
}

impl Scale {
    fn pick<T>(self, full: T, quick: T) -> T {
        match self {
            Scale::Full => full,
            Scale::Quick => quick,
        }
    }
}

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
}

impl PresetId {
    pub const ALL: [PresetId; 11] = [
        PresetId::SleepBound,
        PresetId::CpuBound,
        PresetId::GilThreads,
        PresetId::GlobalVariable,
        PresetId::ListAppend,
        PresetId::ProcessVsPool,
        PresetId::SumRange,
        PresetId::QueueOrder,
        PresetId::FactorialMap,
        PresetId::PoolOverhead,
        PresetId::ScalingSweep,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PresetId::SleepBound => "sleep",
            PresetId::CpuBound => "cpu-loop",
            PresetId::GilThreads => "gil",
            PresetId::GlobalVariable => "global",
            PresetId::ListAppend => "list-append",
            PresetId::ProcessVsPool => "process-vs-pool",
            PresetId::SumRange => "sum-range",
            PresetId::QueueOrder => "queue",
            PresetId::FactorialMap => "factorial",
            PresetId::PoolOverhead => "pool-overhead",
            PresetId::ScalingSweep => "sweep",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            PresetId::SleepBound => "Sleep-bound add",
            PresetId::CpuBound => "CPU-bound loop",
            PresetId::GilThreads => "GIL threads",
            PresetId::GlobalVariable => "Global variable",
            PresetId::ListAppend => "List append random",
            PresetId::ProcessVsPool => "Process vs Pool for I/O",
            PresetId::SumRange => "Sum of range, process per number",
            PresetId::QueueOrder => "Queue order",
            PresetId::FactorialMap => "Factorial map",
            PresetId::PoolOverhead => "Pool overhead",
            PresetId::ScalingSweep => "Scaling sweep",
        }
    }

    /// Which seeds the preset comes from.
    pub fn seeds(self) -> &'static str {
        match self {
            PresetId::SleepBound => "000, 004",
            PresetId::CpuBound | PresetId::GilThreads => "000",
            PresetId::GlobalVariable => "000, 004",
            PresetId::ListAppend | PresetId::ProcessVsPool => "001",
            PresetId::SumRange => "002",
            PresetId::QueueOrder => "003",
            PresetId::FactorialMap | PresetId::PoolOverhead => "004",
            PresetId::ScalingSweep => "all",
        }
    }

    /// What the seed's author reported, in their words and numbers.
    pub fn seed_found(self) -> &'static str {
        match self {
            PresetId::SleepBound => {
                "10 × add with sleep(0.1): serial 1.004 s; Pool(10).map 0.110 s."
            }
            PresetId::CpuBound => {
                "10 × a 3,000,000-step loop: Pool(1) 0.857 s, Pool(10) 0.908 s on a 2-vCPU t3.large — no speedup past the cores."
            }
            PresetId::GilThreads => {
                "The loop on 1 Python thread 0.116 s; on 10 threads 0.958 s — the GIL lets one run at a time."
            }
            PresetId::GlobalVariable => {
                "8 threads adding 5 to a global end at 40; Pool(2) processes each count 5, 10, 15, 20 and the parent's total stays 0."
            }
            PresetId::ListAppend => {
                "Appending 10,000,000 random numbers: 2 threads 2.003 s real; 2 processes 1.045 s; 4 processes 0.540 s (3.8×)."
            }
            PresetId::ProcessVsPool => {
                "Writing a small file: Process 0.100 s, Pool 0.196 s — the author prefers Process for I/O-bound work."
            }
            PresetId::SumRange => {
                "sum(range(num × 10⁶)) for [11, 23, 53, 34]: the post's timing stopped the clock before joining (a 'drastic reduction'); its final code joins inside the loop, which runs one process at a time."
            }
            PresetId::QueueOrder => {
                "Processes putting x*x on one Queue can come back out of order; tag with the index and sort, or use Pool.map."
            }
            PresetId::FactorialMap => {
                "Pool.map(factorial, range(10)) on processes and on threads: both [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880]."
            }
            PresetId::PoolOverhead => {
                "map(sleep, range(5)): serial 10.0 s, processes 4.04 s, threads 4.02 s. 1000 × pow(2, x): serial 0.0005 s, processes 0.129 s, threads 0.106 s — creating a pool per call costs more than tiny tasks gain."
            }
            PresetId::ScalingSweep => {
                "Every seed ends with the same question: how far does this machine scale?"
            }
        }
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
    let cores = cores.max(1);
    let s = scale;
    let pool = Mode::Pool { reuse: true };
    let fresh_pool = Mode::Pool { reuse: false };
    let shared = Mode::Shared { gil: false };
    let gil = Mode::Shared { gil: true };
    let per_task = |join| Mode::PerTask { join };
    match preset {
        PresetId::SleepBound => {
            let job = Job::new(
                Workload::SleepAdd {
                    ms: s.pick(100, 60),
                },
                10,
            );
            vec![
                Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
                Step::new("gil", "10 threads with a GIL", gil, 10, job.clone()),
                Step::new(
                    "shared",
                    "10 threads, shared memory",
                    shared,
                    10,
                    job.clone(),
                ),
                Step::new("pool", "Pool(10).map", pool, 10, job),
            ]
        }
        PresetId::CpuBound => {
            let job = Job::new(
                Workload::EmptyLoop {
                    count: s.pick(FULL_LOOP_COUNT, 300_000),
                },
                10,
            );
            vec![
                Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
                Step::new("pool-1", "Pool(1).map", pool, 1, job.clone()),
                Step::new("pool-10", "Pool(10).map", pool, 10, job.clone()),
                Step::new(
                    "shared-1",
                    "1 thread, shared memory",
                    shared,
                    1,
                    job.clone(),
                ),
                Step::new(
                    "shared-cores",
                    format!("{cores} threads (= cores), shared memory"),
                    shared,
                    cores,
                    job.clone(),
                ),
                Step::new("shared-10", "10 threads, shared memory", shared, 10, job),
            ]
        }
        PresetId::GilThreads => {
            let count = s.pick(FULL_LOOP_COUNT, 3_000_000);
            let one = Job::new(Workload::EmptyLoop { count }, 1);
            let ten = Job::new(Workload::EmptyLoop { count }, 10);
            vec![
                Step::new(
                    "serial-10",
                    "the loop 10 times, serially",
                    Mode::MainThread,
                    1,
                    ten.clone(),
                ),
                Step::new("gil-1", "1 thread with a GIL", gil, 1, one.clone()),
                Step::new("gil-10", "10 threads with a GIL", gil, 10, ten.clone()),
                Step::new("shared-1", "1 thread, no GIL", shared, 1, one),
                Step::new("shared-10", "10 threads, no GIL", shared, 10, ten),
            ]
        }
        PresetId::GlobalVariable => {
            let job = Job::new(Workload::SharedCounter { amount: 5 }, 8);
            vec![
                Step::new("gil", "8 threads with a GIL", gil, 8, job.clone()),
                Step::new("shared", "8 threads, shared memory", shared, 8, job.clone()),
                Step::new("pool", "Pool(2).map", fresh_pool, 2, job),
            ]
        }
        PresetId::ListAppend => {
            let total = s.pick(10_000_000, 200_000);
            let job = |k: usize| Job::new(Workload::ListAppend { total, seed: 2017 }, k);
            let mut steps = vec![Step::new(
                "serial",
                "one list, serially",
                Mode::MainThread,
                1,
                job(1),
            )];
            for k in [1, 2, 4] {
                steps.push(Step::new(
                    format!("gil-{k}"),
                    format!("{} with a GIL", count(k, "thread")),
                    gil,
                    k,
                    job(k),
                ));
                steps.push(Step::new(
                    format!("shared-{k}"),
                    format!("{}, shared memory", count(k, "thread")),
                    shared,
                    k,
                    job(k),
                ));
                steps.push(Step::new(
                    format!("pool-{k}"),
                    count(k, "process"),
                    pool,
                    k,
                    job(k),
                ));
            }
            steps
        }
        PresetId::ProcessVsPool => {
            let job = Job::new(Workload::FileWrite { bytes: 5 }, s.pick(10, 4));
            vec![
                Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
                Step::new(
                    "process",
                    "a Process per file",
                    per_task(Join::AfterAll),
                    job.tasks,
                    job.clone(),
                ),
                Step::new(
                    "pool",
                    format!("Pool({cores}) created for the call"),
                    fresh_pool,
                    cores,
                    job.clone(),
                ),
                Step::new(
                    "pool-reused",
                    format!("Pool({cores}) reused"),
                    pool,
                    cores,
                    job,
                ),
            ]
        }
        PresetId::SumRange => {
            let job = Job::new(
                Workload::SumRange {
                    numbers: SEED_NUMBERS.to_vec(),
                    unit: s.pick(FULL_SUM_UNIT, 100_000),
                },
                4,
            );
            vec![
                Step::new(
                    "serial",
                    "regular execution",
                    Mode::MainThread,
                    1,
                    job.clone(),
                ),
                Step::new(
                    "start-then-join",
                    "start all, then join all",
                    per_task(Join::AfterAll),
                    4,
                    job.clone(),
                ),
                Step::new(
                    "join-in-loop",
                    "join inside the loop",
                    per_task(Join::InsideLoop),
                    4,
                    job.clone(),
                ),
                Step::new(
                    "clock-before-join",
                    "clock stopped before join",
                    per_task(Join::ClockStopsBeforeJoin),
                    4,
                    job,
                ),
            ]
        }
        PresetId::QueueOrder => {
            let even = Job::new(Workload::QueueSquare { stagger_ms: 0 }, 5);
            let uneven = Job::new(
                Workload::QueueSquare {
                    stagger_ms: s.pick(40, 30),
                },
                5,
            );
            vec![
                Step::new(
                    "queue",
                    "5 processes put x*x on a queue",
                    per_task(Join::AfterAll),
                    5,
                    even,
                ),
                Step::new(
                    "queue-uneven",
                    "the same, earlier tasks slower",
                    per_task(Join::AfterAll),
                    5,
                    uneven.clone(),
                ),
                Step::new(
                    "pool-map",
                    "Pool(5).map, earlier tasks slower",
                    pool,
                    5,
                    uneven,
                ),
            ]
        }
        PresetId::FactorialMap => {
            let job = Job::new(Workload::Factorial { offset: 0 }, 10);
            vec![
                Step::new(
                    "serial",
                    "map on the main thread",
                    Mode::MainThread,
                    1,
                    job.clone(),
                ),
                Step::new(
                    "processes",
                    format!("Pool({cores}).map — processes"),
                    pool,
                    cores,
                    job.clone(),
                ),
                Step::new(
                    "threads",
                    format!("ThreadPool({cores}).map — threads"),
                    shared,
                    cores,
                    job,
                ),
            ]
        }
        PresetId::PoolOverhead => {
            let sleeps = Job::new(
                Workload::SleepRamp {
                    unit_ms: s.pick(100, 40),
                },
                5,
            );
            let squares = Job::new(Workload::Square, 1000);
            let mut steps = Vec::new();
            // The sleeps get a worker each, as the seed's pool had: sleeping needs no core, and
            // the seed's point is that the pool then takes as long as its longest sleep. The
            // squares get one worker per core.
            for (what, job, k) in [("sleep", sleeps, 5), ("square", squares, cores)] {
                steps.push(Step::new(
                    format!("{what}-serial"),
                    format!("{what}: serial"),
                    Mode::MainThread,
                    1,
                    job.clone(),
                ));
                steps.push(Step::new(
                    format!("{what}-fresh"),
                    format!("{what}: Pool({k}) created per call"),
                    fresh_pool,
                    k,
                    job.clone(),
                ));
                steps.push(Step::new(
                    format!("{what}-reused"),
                    format!("{what}: Pool({k}) reused"),
                    pool,
                    k,
                    job.clone(),
                ));
                steps.push(Step::new(
                    format!("{what}-threads"),
                    format!("{what}: {k} threads"),
                    shared,
                    k,
                    job,
                ));
            }
            steps
        }
        PresetId::ScalingSweep => {
            let job = Job::new(sweep_workload.clone(), 10);
            let top = s.pick(max_workers, max_workers.min(4));
            let mut steps = vec![Step::new(
                "serial",
                "serial",
                Mode::MainThread,
                1,
                job.clone(),
            )];
            for k in 1..=top {
                for mode in [shared, gil, pool] {
                    steps.push(Step::new(
                        format!("{}-{k}", mode.key()),
                        format!("{}, {k}", mode.label()),
                        mode,
                        k,
                        job.clone(),
                    ));
                }
            }
            steps
        }
    }
}

/// A default workload per kind for the sweep's picker, at the seeds' sizes.
/// The bench's job: sweep workload number `workload` (the last one if out of range) at
/// `size_percent` of its seed size, `tasks` tasks.
pub fn bench_job(workload: usize, size_percent: u32, tasks: usize) -> Job {
    let all = sweep_workloads(Scale::Full);
    Job::new(all[workload.min(all.len() - 1)].scaled(size_percent), tasks)
}

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
pub type Outcome = Result<CheckedRun, RunError>;

/// Looks up outcomes by step id.
pub struct Outcomes<'a> {
    pub steps: &'a [Step],
    pub results: &'a [Option<Outcome>],
}

impl<'a> Outcomes<'a> {
    pub fn run(&self, id: &str) -> Option<&'a CheckedRun> {
        let i = self.steps.iter().position(|s| s.id == id)?;
        self.results.get(i)?.as_ref()?.as_ref().ok()
    }

    /// A checked step's timed span in ms.
    pub fn ms(&self, id: &str) -> Option<f64> {
        self.run(id).map(|r| r.run.elapsed_ms)
    }

    fn speedup(&self, serial: &str, id: &str) -> Option<f64> {
        speedup(self.ms(serial)?, self.ms(id)?)
    }
}

/// "1 thread", "4 threads", "2 processes".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

fn times(x: f64) -> String {
    format!("{x:.2}×")
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
        (Some(serial), Some(x))
            if x < 1.0 && overhead > 0.0 && overhead >= r.elapsed_ms - serial =>
        {
            Some((
                "why",
                format!(
                    " Slower than serial because of its overheads, not its computing: starting workers and passing messages took {overhead:.1} ms of it, while all the tasks together compute for {serial:.1} ms serially. Larger tasks hide the overheads."
                ),
            ))
        }
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
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    match preset {
        PresetId::SleepBound => {
            say((|| {
                let up = o.speedup("serial", "pool")?;
                let why = if up > 1.25 * cores as f64 {
                    format!(
                        "more than the {cores} cores could give: a waiting task needs no core, so waits overlap however few cores there are"
                    )
                } else {
                    format!("no more than {cores} cores could give: the waits did not overlap here")
                };
                Some(format!(
                    "Serial: {} for 10 waits of {}. Pool(10): {} — {} as fast as serial on a machine that reports {cores} cores, {why}.",
                    secs(o.ms("serial")?),
                    secs(o.ms("serial")? / 10.0),
                    secs(o.ms("pool")?),
                    times(up)
                ))
            })());
            say((|| {
                let (serial, gil, shared) = (o.ms("serial")?, o.ms("gil")?, o.ms("shared")?);
                let overlap = |ms: f64| ms < serial / 2.0;
                let verdict = match (overlap(gil), overlap(shared)) {
                    (true, true) => {
                        "threads overlap their waits with or without a GIL: CPython releases the GIL while a thread sleeps"
                    }
                    (false, true) => {
                        "with the GIL the waits did not overlap here, although CPython releases the GIL while a thread sleeps"
                    }
                    (true, false) => "the threads without a GIL did not overlap their waits here",
                    (false, false) => "neither overlapped its waits here",
                };
                Some(format!(
                    "10 threads: {} with a GIL, {} without ({} and {} as fast as serial): {verdict}.",
                    secs(gil),
                    secs(shared),
                    times(serial / gil),
                    times(serial / shared)
                ))
            })());
        }
        PresetId::CpuBound => {
            say((|| {
                let up = o.speedup("pool-1", "pool-10")?;
                let why = if up <= 1.05 * cores as f64 {
                    format!("no more than the {cores} cores that run them can give")
                } else {
                    format!(
                        "more than {cores} cores can give: more cores took part than the browser reports, or the one-worker run was slowed by a busy machine"
                    )
                };
                Some(format!(
                    "Pool(1) took {}, Pool(10) {}: ten workers ran {} as fast as one, {why}.",
                    secs(o.ms("pool-1")?),
                    secs(o.ms("pool-10")?),
                    times(up)
                ))
            })());
            say((|| {
                let at_cores = o.speedup("shared-1", "shared-cores")?;
                let at_ten = o.speedup("shared-1", "shared-10")?;
                let past = if cores >= 10 {
                    String::new()
                } else if at_ten <= 1.1 * at_cores {
                    " Past the cores, more workers only took turns: 10 threads gained nothing over the cores' count.".to_string()
                } else if at_ten > 1.05 * cores as f64 {
                    format!(
                        " 10 threads gained {} over {cores}, more than {cores} cores can give: more cores took part than the browser reports, or the one-thread run was slowed by a busy machine.",
                        times(at_ten / at_cores)
                    )
                } else {
                    format!(
                        " 10 threads gained {} over {cores}, still within what {cores} cores can give: this time {cores} threads left some of the cores' time unused.",
                        times(at_ten / at_cores)
                    )
                };
                Some(format!(
                    "Shared memory: 1 thread {}, {cores} threads {} ({} as fast as 1), 10 threads {} ({}).{past}",
                    secs(o.ms("shared-1")?),
                    secs(o.ms("shared-cores")?),
                    times(at_cores),
                    secs(o.ms("shared-10")?),
                    times(at_ten)
                ))
            })());
        }
        PresetId::GilThreads => {
            say((|| {
                let ratio = o.ms("gil-10")? / o.ms("gil-1")?;
                let why = if ratio >= 7.0 {
                    "near ten times the work's length, because only the thread holding the lock may compute"
                } else {
                    "well under the ten times that one lock holder at a time would give"
                };
                Some(format!(
                    "With a GIL, 10 threads took {} against {} for one: {} as long, {why} (the seed saw 8.3×).",
                    secs(o.ms("gil-10")?),
                    secs(o.ms("gil-1")?),
                    times(ratio)
                ))
            })());
            say((|| {
                let ratio = o.ms("shared-10")? / o.ms("shared-1")?;
                let verdict = if ratio < 8.0 {
                    "the cores share the work"
                } else {
                    "this machine barely runs them at once"
                };
                Some(format!(
                    "Without it, 10 threads took {} against {} for one ({}); {cores} fully used cores would make it {}: {verdict}.",
                    secs(o.ms("shared-10")?),
                    secs(o.ms("shared-1")?),
                    times(ratio),
                    times(10.0 / cores.min(10) as f64)
                ))
            })());
            say((|| {
                let r = o.run("gil-10")?;
                Some(format!(
                    "The GIL's 10 threads spent {} waiting for the lock in all.",
                    secs(r.run.gil_wait_ms())
                ))
            })());
        }
        PresetId::GlobalVariable => {
            say(o.run("shared").map(|r| {
                format!(
                    "Threads share one total: it ended at {} after subtotals seen in the order {}.",
                    r.run.page_total,
                    list(&arrival_values(&r.run))
                )
            }));
            say(o.run("pool").map(|r| {
                let per: Vec<String> = r
                    .run
                    .by_worker()
                    .iter()
                    .map(|(w, v)| format!("worker {w}: {}", list(v)))
                    .collect();
                format!(
                    "Processes each add to their own copy: {}. The page's total is still {}.",
                    per.join("; "),
                    r.run.page_total
                )
            }));
        }
        PresetId::ListAppend => {
            for (mode, name) in [
                ("gil", "GIL threads"),
                ("shared", "shared-memory threads"),
                ("pool", "processes"),
            ] {
                say((|| {
                    let points: Vec<(usize, f64)> = [1, 2, 4]
                        .iter()
                        .filter_map(|&k| Some((k, o.speedup("serial", &format!("{mode}-{k}"))?)))
                        .collect();
                    let shown: Vec<String> = points
                        .iter()
                        .map(|(k, s)| format!("{k}: {}", times(*s)))
                        .collect();
                    let best = points.iter().map(|p| p.1).reduce(f64::max)?;
                    let verdict = if best >= 1.15 {
                        format!("up to {} as fast as serial", times(best))
                    } else if best <= 0.87 {
                        "slower than serial at every count".to_string()
                    } else {
                        "no real gain".to_string()
                    };
                    // Amdahl's law only where every worker has a core of its own.
                    let within: Vec<(usize, f64)> =
                        points.iter().copied().filter(|p| p.0 <= cores).collect();
                    let fit = amdahl_serial_fraction(&within)
                        .map(|f| {
                            let top = within.iter().map(|p| p.0).max().unwrap_or(1);
                            format!(
                                "; over 1–{top} workers (the cores) Amdahl's law fits a serial fraction of {:.0}%",
                                f * 100.0
                            )
                        })
                        .unwrap_or_default();
                    Some(format!(
                        "{name} — speedup over serial by workers {}: {verdict}{fit}.",
                        shown.join(", ")
                    ))
                })());
            }
        }
        PresetId::ProcessVsPool => {
            say((|| {
                let (process, fresh, reused) =
                    (o.ms("process")?, o.ms("pool")?, o.ms("pool-reused")?);
                let tasks = o.run("process")?.run.results.len();
                let startup = o.run("process")?.run.startup_ms?;
                let write = o.ms("serial")? / tasks.max(1) as f64;
                let why = if process > fresh && fresh > reused {
                    format!(
                        "Starting a worker ({} here) costs far more than writing a small file ({} each, serially), so the fewer workers started inside the clock, the faster: {tasks} for a worker per file, {cores} for the new pool, none for the reused one.",
                        secs(startup),
                        secs(write)
                    )
                } else {
                    format!(
                        "Starting a worker took {} and writing a file {} serially; this time the order did not follow the number of workers started.",
                        secs(startup),
                        secs(write)
                    )
                };
                Some(format!(
                    "A worker per file took {}; a pool created for the call {}; a reused pool {}. {why}",
                    secs(process),
                    secs(fresh),
                    secs(reused)
                ))
            })());
            say(Some(format!(
                "The file here is an {}.",
                file_write::STAND_IN
            )));
        }
        PresetId::SumRange => {
            say((|| {
                Some(format!(
                    "Serial {}; starting all four workers, then joining, {} ({}).",
                    secs(o.ms("serial")?),
                    secs(o.ms("start-then-join")?),
                    times(o.speedup("serial", "start-then-join")?)
                ))
            })());
            say((|| {
                Some(format!(
                    "Joining inside the loop took {} — {} of serial: each worker finishes before the next starts.",
                    secs(o.ms("join-in-loop")?),
                    times(o.ms("join-in-loop")? / o.ms("serial")?)
                ))
            })());
            say((|| {
                Some(format!(
                    "Stopping the clock before joining reports {}: that is only the time to start the workers, not to run them.",
                    secs(o.ms("clock-before-join")?)
                ))
            })());
        }
        PresetId::QueueOrder => {
            for (id, what) in [("queue", "Equal tasks"), ("queue-uneven", "Uneven tasks")] {
                say(o.run(id).map(|r| {
                    let arrived = arrival_values(&r.run);
                    let in_order = r.run.arrival().windows(2).all(|w| w[0] < w[1]);
                    format!(
                        "{what} arrived as {}{}; sorting by the task index restores {}.",
                        list(&arrived),
                        if in_order {
                            " — in order this time"
                        } else {
                            " — out of order"
                        },
                        list(&r.run.results)
                    )
                }));
            }
            say(o.run("pool-map").map(|r| {
                format!(
                    "Pool.map returned {} in submission order although results arrived as {}.",
                    list(&r.run.results),
                    list(&arrival_values(&r.run))
                )
            }));
        }
        PresetId::FactorialMap => {
            say((|| {
                let (p, t) = (o.run("processes")?, o.run("threads")?);
                Some(format!(
                    "Processes returned {} and threads {} — {}.",
                    list(&p.run.results),
                    list(&t.run.results),
                    if p.run.results == t.run.results {
                        "the same list"
                    } else {
                        "different lists"
                    }
                ))
            })());
        }
        PresetId::PoolOverhead => {
            for what in ["sleep", "square"] {
                say((|| {
                    Some(format!(
                        "{what}: serial {}, pool created per call {}, reused pool {}, threads {}.",
                        secs(o.ms(&format!("{what}-serial"))?),
                        secs(o.ms(&format!("{what}-fresh"))?),
                        secs(o.ms(&format!("{what}-reused"))?),
                        secs(o.ms(&format!("{what}-threads"))?)
                    ))
                })());
            }
            say((|| {
                let (serial, fresh, reused) = (
                    o.ms("sleep-serial")?,
                    o.ms("sleep-fresh")?,
                    o.ms("sleep-reused")?,
                );
                let step = o.steps.iter().find(|s| s.id == "sleep-serial")?;
                let longest = f64::from(step.job.wait_ms(step.job.tasks.max(1) - 1));
                let bound = if reused <= 1.25 * longest {
                    "each sleep had a worker of its own, so the pool took as long as its longest sleep"
                } else {
                    "more than its longest sleep: some sleeps had to wait for a worker"
                };
                Some(format!(
                    "The sleeps took {} serially (their sum); a reused pool of {} took {} against a longest sleep of {}: {bound}. A pool created per call took {}, its start-up on top.",
                    secs(serial),
                    step.job.tasks,
                    secs(reused),
                    secs(longest),
                    secs(fresh)
                ))
            })());
            say((|| {
                let (serial, fresh, reused) = (
                    o.ms("square-serial")?,
                    o.ms("square-fresh")?,
                    o.ms("square-reused")?,
                );
                let new_pool = if fresh > serial {
                    format!(
                        "ran {} slower in a new pool than serially",
                        times(fresh / serial.max(1e-3))
                    )
                } else {
                    format!(
                        "ran {} faster in a new pool than serially",
                        times(serial / fresh.max(1e-3))
                    )
                };
                let reuse = if reused < fresh {
                    format!(
                        "reusing the pool saved {} of start-up",
                        secs(fresh - reused)
                    )
                } else {
                    "reusing the pool saved nothing this time".to_string()
                };
                Some(format!("1000 tiny squares {new_pool}; {reuse}."))
            })());
        }
        PresetId::ScalingSweep => {
            for mode in [
                Mode::Shared { gil: false },
                Mode::Shared { gil: true },
                Mode::Pool { reuse: true },
            ] {
                say((|| {
                    let serial = o.ms("serial")?;
                    let best = o
                        .steps
                        .iter()
                        .filter(|s| s.mode == mode)
                        .filter_map(|s| Some((s.workers, speedup(serial, o.ms(&s.id)?)?)))
                        .max_by(|a, b| a.1.total_cmp(&b.1))?;
                    Some(format!(
                        "{}: best {} over serial, at {}.",
                        mode.label(),
                        times(best.1),
                        count(best.0, "worker")
                    ))
                })());
            }
        }
    }
    out
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

    fn fake(step: &Step, elapsed_ms: f64) -> Outcome {
        let results = step.job.expected();
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
        })
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
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(count(1, "thread"), "1 thread");
        assert_eq!(count(4, "thread"), "4 threads");
        assert_eq!(count(1, "process"), "1 process");
        assert_eq!(count(2, "process"), "2 processes");
    }

    #[test]
    fn the_sweep_covers_every_worker_count() {
        let steps = steps(PresetId::ScalingSweep, Scale::Full, 4, 8, &Workload::Square);
        assert_eq!(steps.len(), 1 + 3 * 8);
        assert_eq!(steps.iter().map(|s| s.workers).max(), Some(8));
    }

    #[test]
    fn lessons_are_written_from_the_numbers() {
        let steps = steps(PresetId::SleepBound, Scale::Full, 2, 16, &Workload::Square);
        let times = [1004.0, 105.0, 104.0, 110.0];
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .zip(times)
            .map(|(s, t)| Some(fake(s, t)))
            .collect();
        let text = lesson(
            PresetId::SleepBound,
            2,
            &Outcomes {
                steps: &steps,
                results: &results,
            },
        )
        .join(" ");
        assert!(text.contains("Serial: 1.00 s"), "{text}");
        assert!(
            text.contains("Pool(10): 110.0 ms — 9.13× as fast as serial"),
            "{text}"
        );
    }

    /// The lesson of `preset` on `cores` from elapsed times by step id (other steps missing).
    fn lesson_from(preset: PresetId, cores: usize, times: &[(&str, f64)]) -> String {
        let steps = steps(preset, Scale::Full, cores, 16, &Workload::Square);
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .map(|s| {
                let t = times.iter().find(|(id, _)| *id == s.id)?.1;
                Some(fake(s, t))
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
    fn the_pool_ratio_is_named_by_what_it_compares_and_its_clause_follows_it() {
        let usual = lesson_from(
            PresetId::CpuBound,
            2,
            &[("pool-1", 1470.0), ("pool-10", 782.2)],
        );
        assert!(
            usual.contains("ten workers ran 1.88× as fast as one, no more than the 2 cores"),
            "{usual}"
        );
        assert!(!usual.contains("serial speed"), "{usual}");
        let more = lesson_from(
            PresetId::CpuBound,
            2,
            &[("pool-1", 1500.0), ("pool-10", 300.0)],
        );
        assert!(
            more.contains("5.00× as fast as one, more than 2 cores can give"),
            "{more}"
        );
        let tail = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1000.0),
                ("shared-cores", 550.0),
                ("shared-10", 250.0),
            ],
        );
        assert!(
            tail.contains("10 threads gained 2.20× over 2, more than 2 cores can give"),
            "{tail}"
        );
        assert!(!tail.contains("only took turns"), "{tail}");
        // A run seen here: 1 thread 1.63 s, 2 threads 913 ms (1.79×), 10 threads 754 ms (2.17×).
        let noisy = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1634.0),
                ("shared-cores", 913.3),
                ("shared-10", 753.7),
            ],
        );
        assert!(
            noisy.contains("or the one-thread run was slowed by a busy machine"),
            "{noisy}"
        );
        let within = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1600.0),
                ("shared-cores", 1000.0),
                ("shared-10", 850.0),
            ],
        );
        assert!(
            within.contains("still within what 2 cores can give"),
            "{within}"
        );
    }

    #[test]
    fn the_list_append_lesson_follows_its_numbers_even_when_they_contradict_the_seed() {
        // A first run's artifact: GIL threads faster than serial, processes slower.
        let text = lesson_from(
            PresetId::ListAppend,
            2,
            &[
                ("serial", 230.0),
                ("gil-1", 130.0),
                ("gil-2", 147.0),
                ("gil-4", 149.0),
                ("pool-1", 400.0),
                ("pool-2", 340.0),
                ("pool-4", 300.0),
            ],
        );
        assert!(text.contains("GIL threads — speedup over serial by workers 1: 1.77×, 2: 1.56×, 4: 1.54×: up to 1.77× as fast as serial"), "{text}");
        assert!(text.contains("processes — speedup over serial by workers 1: 0.57×, 2: 0.68×, 4: 0.77×: slower than serial at every count"), "{text}");
        assert!(
            text.contains("over 1–2 workers (the cores) Amdahl's law fits"),
            "{text}"
        );
        let usual = lesson_from(
            PresetId::ListAppend,
            2,
            &[
                ("serial", 130.0),
                ("gil-1", 131.0),
                ("gil-2", 140.0),
                ("gil-4", 150.0),
            ],
        );
        assert!(usual.contains("no real gain"), "{usual}");
    }

    #[test]
    fn sleeps_that_did_not_overlap_are_not_called_overlapped() {
        let text = lesson_from(
            PresetId::SleepBound,
            2,
            &[
                ("serial", 1004.0),
                ("pool", 700.0),
                ("gil", 1000.0),
                ("shared", 110.0),
            ],
        );
        assert!(
            text.contains("no more than 2 cores could give: the waits did not overlap here"),
            "{text}"
        );
        assert!(
            text.contains("with the GIL the waits did not overlap here"),
            "{text}"
        );
        let usual = lesson_from(
            PresetId::SleepBound,
            2,
            &[("serial", 1004.0), ("pool", 110.0)],
        );
        assert!(usual.contains("a waiting task needs no core"), "{usual}");
    }

    #[test]
    fn a_pool_of_five_sleeps_is_bound_by_its_longest_sleep_or_says_it_was_not() {
        let bound = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("sleep-serial", 1000.0),
                ("sleep-fresh", 470.0),
                ("sleep-reused", 404.0),
            ],
        );
        assert!(bound.contains("a reused pool of 5 took 404.0 ms against a longest sleep of 400.0 ms: each sleep had a worker"), "{bound}");
        let not = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("sleep-serial", 1000.0),
                ("sleep-fresh", 700.0),
                ("sleep-reused", 600.0),
            ],
        );
        assert!(
            not.contains("some sleeps had to wait for a worker"),
            "{not}"
        );
        let squares = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("square-serial", 5.0),
                ("square-fresh", 2.0),
                ("square-reused", 3.0),
            ],
        );
        assert!(
            squares.contains("faster in a new pool") && squares.contains("saved nothing"),
            "{squares}"
        );
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
        // Two slow runs out of five do not move the median.
        assert_eq!(median_run(five.to_vec()).run.elapsed_ms, 135.0);
        assert_eq!(median_run(vec![run(7.0)]).run.elapsed_ms, 7.0);
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
                .map(|(i, s)| Some(fake(s, 10.0 + i as f64)))
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
}
