//! The engines. Each takes a job and a worker count and returns a [`RawRun`] (results in
//! submission order, each task's record in arrival order, the timed span); [`measure`] runs one
//! and checks it against the serial answer before anything shows its time.

pub mod asyncio;
#[cfg(feature = "threads")]
pub mod calibrate;
pub mod isolated;
pub mod isolated_worker;
pub mod main_thread;
mod message;
#[cfg(feature = "threads")]
pub mod pool;
// The host loads the page's module: the workers' module (no `page`) has no use for it.
#[cfg(all(feature = "threads", feature = "page"))]
pub mod pool_host;
#[cfg(feature = "threads")]
pub mod shared_pool;
mod spawned;

use crate::cancel::{Cancel, Cancelled};
use crate::run::{CheckedRun, Mode, RawRun, RunError, check_in_own_memories};
use crate::stats::Responsiveness;
use crate::web::platform::after_paint;
use crate::web::probe::GapProbe;
use crate::workloads::{Answer, Expecting, Job, Value, Workload, reserve_memory};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Steps of a list append's answer worked out between two returns to the browser: a few ms.
const EXPECTED_SLICE: u64 = 200_000;
/// Answers kept, for the last jobs run.
const EXPECTED_KEPT: usize = 4;

/// What the engines share on the page between runs; each engine keeps the rest of its own in
/// its file (`PoolState`, `SharedState`, `IsolatedState`, `SpawnedState`, the host's
/// `HostState`). Each field is its own cell, borrowed only inside a `RUNS.with`, never across an
/// `.await`.
struct Runs {
    /// The serial answers of the last [`EXPECTED_KEPT`] jobs run, oldest first.
    expected: RefCell<Vec<(Job, Rc<Answer>)>>,
    /// Runs started on this page: a release waits for none to start while it waits.
    started: Cell<u64>,
    /// The last id [`next_run_id`] handed out.
    last_run_id: Cell<u64>,
}

thread_local! {
    static RUNS: Runs = const {
        Runs {
            expected: RefCell::new(Vec::new()),
            started: Cell::new(0),
            last_run_id: Cell::new(0),
        }
    };
}

/// The serial answer `job`'s runs are checked against. Worked out once per job, a slice at a
/// time with the browser free between slices, so checking a run never stops the page for long
/// (a 10,000,000-number list append's answer takes about 100 ms in one piece).
pub async fn expected(job: &Job, cancel: &Cancel) -> Result<Rc<Answer>, Cancelled> {
    let kept = RUNS.with(|r| {
        let e = r.expected.borrow();
        e.iter().find(|(j, _)| j == job).map(|(_, v)| v.clone())
    });
    if let Some(answer) = kept {
        return Ok(answer);
    }
    let answer = Rc::new(worked_out(job.expecting(), cancel).await?);
    RUNS.with(|r| {
        let mut e = r.expected.borrow_mut();
        if e.len() == EXPECTED_KEPT {
            e.remove(0);
        }
        e.push((job.clone(), answer.clone()));
    });
    Ok(answer)
}

/// Works out an answer a slice at a time, with the browser free between slices.
async fn worked_out(mut expecting: Expecting, cancel: &Cancel) -> Result<Answer, Cancelled> {
    loop {
        if let Some(answer) = expecting.advance(EXPECTED_SLICE) {
            return Ok(answer);
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
        cancel.check()?;
    }
}

/// For an isolated run of a script that touches the global: what each worker's own copy of it
/// gives for the tasks that worker ran, in its order, worked out on the page like the serial
/// answer. `None` for any other run (the built-in counter's is known without running it).
async fn own_answers(
    mode: Mode,
    job: &Job,
    answer: &Answer,
    run: &RawRun,
    cancel: &Cancel,
) -> Result<Option<BTreeMap<usize, Vec<Value>>>, Cancelled> {
    // A run that changed the page's total fails its check without them.
    if mode.shares_page_memory()
        || run.page_total != 0
        || answer.total.is_none()
        || !matches!(job.workload, Workload::Script { .. })
    {
        return Ok(None);
    }
    let mut own = BTreeMap::new();
    for (worker, tasks) in run.tasks_by_worker() {
        own.insert(
            worker,
            worked_out(job.expecting_in(tasks), cancel).await?.values,
        );
    }
    Ok(Some(own))
}

/// What an engine has warmed up already, by key (a workload's name, or with the pool build it
/// was warmed in): every engine's warm-up runs once per key and is skipped ever after.
pub(crate) struct Warmed<K>(BTreeSet<K>);

impl<K> Warmed<K> {
    pub(crate) const fn new() -> Self {
        Self(BTreeSet::new())
    }
}

impl<K: Ord> Warmed<K> {
    /// `true` the first time `key` is seen, when its warm-up is due; `false` ever after.
    pub(crate) fn first_time(&mut self, key: K) -> bool {
        self.0.insert(key)
    }
}

/// A new id for a run, or an untimed batch, that the page sends to workers: unique on this page
/// whichever engine sends it, so a worker (or the pool's host) tells one run's messages from
/// another's.
pub(crate) fn next_run_id() -> u64 {
    RUNS.with(|r| {
        r.last_run_id.set(r.last_run_id.get() + 1);
        r.last_run_id.get()
    })
}

/// Checks `until` every 10 ms and returns its first answer: how an engine watches for a cancel
/// (or a silent or failed worker) while it awaits something else.
pub(crate) async fn every_10_ms<T>(mut until: impl FnMut() -> Option<T>) -> T {
    loop {
        gloo_timers::future::TimeoutFuture::new(10).await;
        if let Some(answer) = until() {
            return answer;
        }
    }
}

/// Whether this module was built with threads (shared memory); see
/// [`no_shared_memory_engines`](crate::isolation::no_shared_memory_engines).
pub const THREADED: bool = cfg!(feature = "threads");

/// Starts the shared-memory pool, which may grow to `most` threads (the threaded module only);
/// returns the threads started.
pub async fn start_shared_pool(most: usize) -> Result<usize, String> {
    #[cfg(feature = "threads")]
    return shared_pool::start_pool(most).await;
    #[cfg(not(feature = "threads"))]
    return Err(format!(
        "{} ({most} threads asked)",
        crate::isolation::no_shared_memory_engines()
    ));
}

/// The threads the shared-memory pool has now (0 before it starts, and in the single-threaded
/// module).
pub fn shared_threads() -> usize {
    #[cfg(feature = "threads")]
    return pool::live_workers();
    #[cfg(not(feature = "threads"))]
    return 0;
}

/// Measures throughput at 1…`max_workers` shared-memory workers (the threaded module only).
pub async fn throughput_curve(max_workers: usize) -> Result<Vec<(usize, f64)>, String> {
    #[cfg(feature = "threads")]
    return calibrate::throughput_curve(max_workers).await;
    #[cfg(not(feature = "threads"))]
    return Err(format!(
        "{} (up to {max_workers} workers asked)",
        crate::isolation::no_shared_memory_engines()
    ));
}

/// Runs `job` the way `mode` says, until done or cancelled.
pub async fn run(
    mode: Mode,
    job: &Job,
    workers: usize,
    cancel: &Cancel,
) -> Result<RawRun, RunError> {
    match mode {
        Mode::MainThread => main_thread::run(job, cancel).await,
        #[cfg(feature = "threads")]
        Mode::Shared { gil } => shared_pool::run(job.clone(), workers, gil, cancel).await,
        #[cfg(not(feature = "threads"))]
        Mode::Shared { .. } => Err(RunError::Failed(
            crate::isolation::no_shared_memory_engines(),
        )),
        Mode::Pool { reuse } => isolated::run_pool(job, workers, reuse, cancel).await,
        Mode::PerTask { join } => isolated::run_per_task(job, join, cancel).await,
        Mode::Asyncio => asyncio::run(job, workers, cancel).await,
    }
}

/// How long the page stays idle after a run before what the run grew is given back.
pub const RELEASE_AFTER_IDLE_MS: u32 = 10_000;

/// The page's runs ended: if none starts within [`RELEASE_AFTER_IDLE_MS`], ends the reused
/// isolated pool and a shared pool that grew (see [`pool::release_if_grown`]), whose memories
/// wasm never shrinks. The next run starts them again before its clock.
pub fn release_when_idle() {
    let started = RUNS.with(|r| r.started.get());
    gloo_timers::callback::Timeout::new(RELEASE_AFTER_IDLE_MS, move || {
        if RUNS.with(|r| r.started.get()) != started {
            return;
        }
        let ended = isolated::release_pool();
        #[cfg(feature = "threads")]
        let shared = pool::release_if_grown();
        #[cfg(not(feature = "threads"))]
        let shared = false;
        if ended > 0 || shared {
            web_sys::console::info_1(
                &format!(
                    "idle: ended {ended} isolated workers{}",
                    if shared {
                        " and the grown shared pool"
                    } else {
                        ""
                    }
                )
                .into(),
            );
        }
    })
    .forget();
}

/// Memory the page's runs hold now: this instance's, the shared pool's (as of its last run)
/// with its threads, and the isolated workers alive.
pub fn memory_in_use() -> String {
    let mb = |b: u64| format!("{:.0} MB", b as f64 / 1e6);
    #[cfg(feature = "threads")]
    let shared = match pool::live_hosts() {
        0 => "; shared-memory pool ended while idle (it starts again for the next run)".into(),
        _ => format!(
            "; shared-memory pool {} in {}",
            mb(pool::memory_bytes()),
            crate::words::count(pool::live_workers(), "thread")
        ),
    };
    #[cfg(not(feature = "threads"))]
    let shared = String::new();
    format!(
        "page {}{shared}; {} (each with its own memory)",
        mb(crate::web::platform::memory_bytes()),
        crate::words::count(isolated::live_workers(), "isolated worker")
    )
}

/// A checked run, and how free the page's main thread stayed while it ran (for a serial run, how
/// long it froze the page).
pub async fn measure(
    mode: Mode,
    job: &Job,
    workers: usize,
    cancel: &Cancel,
) -> (Result<CheckedRun, RunError>, Option<Responsiveness>) {
    RUNS.with(|r| r.started.set(r.started.get() + 1));
    let Ok(expected) = expected(job, cancel).await else {
        return (Err(RunError::Cancelled), None);
    };
    // A script whose serial answer failed (an error, the page's time limit) would fail the
    // same way on every engine, or run until Cancel: it is not run.
    if let Some(why) = crate::workloads::first_failure(&expected.values) {
        return (Err(RunError::Failed(why)), None);
    }
    main_thread::warm_up(job).await;
    #[cfg(feature = "threads")]
    if let Mode::Shared { .. } = mode {
        shared_pool::warm_up(job, workers).await;
    }
    // Grow the memory a job needs before any clock, once per memory, so no engine pays for
    // running first: the page's here, the shared-memory pool's host's in its warm-up, a reused
    // isolated pool's workers' in theirs. Fresh workers pay it inside the clock, as new
    // processes do.
    if mode.on_page_thread() {
        reserve_memory(job.peak_memory_bytes());
    }
    // Let the page paint what changed (a new row, the chart, "running") before workers take the
    // cores, and before the main thread is taken over by a serial run.
    after_paint().await;
    let probe = GapProbe::start();
    let raw = run(mode, job, workers, cancel).await;
    let gap = if mode.on_page_thread() {
        probe.stop_serial()
    } else {
        probe.stop()
    };
    let outcome = match raw {
        // A run cancelled after its engine returned is cancelled all the same.
        Ok(raw) => match own_answers(mode, job, &expected, &raw, cancel).await {
            Ok(own) if !cancel.is_cancelled() => {
                check_in_own_memories(mode, workers, job, &expected, own.as_ref(), raw)
            }
            _ => Err(RunError::Cancelled),
        },
        Err(e) => Err(e),
    };
    (outcome, Some(gap))
}
