//! Shared memory: Web Workers that share the page's wasm memory, driven by rayon on the page's
//! [pool](super::pool) — Python's threads, without a GIL or (with `gil`) with one.
//!
//! The pool is started once per page at its largest size. A run with `k` workers hands the pool
//! exactly `k` loops that take task indices from one shared counter (a pool's queue), so at most
//! `k` threads compute.
//!
//! The page never waits inside rayon: it hands the loops over and awaits a channel, checking
//! every 10 ms for a cancel or a failed thread. A cancelled run returns at once and its threads
//! stop at their task's next checkpoint; a thread that panics or traps fails the run naming its
//! task, and the pool is replaced before the next run.

use crate::gil::Gil;
use crate::gil::warm_call;
use crate::run::{CANCELLED, Cancel, RawRun, TaskRecord};
use crate::web::engines::pool::{self, Pool};
use crate::web::engines::{every_10_ms, first_time};
use crate::web::platform::now_ms;
use crate::workloads::{
    Job, NoGil, Stoppable, Value, WarmUp, in_submission_order, shared_counter,
    sleep_unless_cancelled,
};
use futures::channel::oneshot;
use futures::future::{Either, select};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use web_time::Instant;

/// Starts the page's pool with `threads` Web Workers sharing this module's memory.
pub async fn start_pool(threads: usize) -> Result<(), String> {
    pool::start(threads).await
}

/// Gets the pool threads to run `job`'s code optimized before anything is timed, once per
/// workload: measured here, workers did not profit from the page's warm-up (a pool thread's
/// first long calls ran about 4× slower than later ones).
pub async fn warm_up(job: &Job) {
    thread_local! {
        static WARM: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
    }
    let Ok(pool) = pool::get().await else {
        return;
    };
    if !first_time(&WARM, job) {
        return;
    }
    let small = job.warm_up();
    let (tx, rx) = oneshot::channel();
    // Pool threads share their optimized code, so warming one warms them all.
    let warming = pool.spawn(move || {
        let mut warm = WarmUp::new(Duration::from_millis(400));
        while !warm.call(|| warm_call(&small)) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = tx.send(());
    });
    if warming.is_ok() {
        let _ = rx.await;
    }
    shared_counter::reset();
}

/// Runs one task on a pool thread: with the GIL held while it computes and released while it
/// waits, or freely; either way it stops early once `stop` is set.
/// With a GIL, also returns the wait and the spans the task held the lock.
fn run_task(
    job: &Job,
    i: usize,
    gil: Option<&Gil>,
    stop: &Cancel,
) -> (Value, Duration, Vec<(Instant, Instant)>) {
    match gil {
        Some(gil) => {
            let mut held = gil.acquire();
            let wait = job.wait_ms(i);
            if wait > 0 {
                held.released(|| sleep_unless_cancelled(wait, stop));
            }
            let value = job.compute(
                i,
                &mut Stoppable {
                    inner: &mut held,
                    cancel: stop,
                },
            );
            let (waited, holds) = held.finish();
            (value, waited, holds)
        }
        None => (
            job.run_blocking(i, &mut NoGil, stop),
            Duration::ZERO,
            Vec::new(),
        ),
    }
}

/// A thread's entry in [`Run::current`] while it is between tasks.
const IDLE: usize = usize::MAX;

/// One run, shared by the page and the loops on the pool's threads.
struct Run {
    job: Job,
    gil: Option<Gil>,
    next: AtomicUsize,
    /// Completion order: pushed under the lock the moment a task finishes.
    done: Mutex<Vec<(TaskRecord, Value)>>,
    /// The task each pool thread is computing, by thread index: what a failure names.
    current: Vec<AtomicUsize>,
    loops_left: AtomicUsize,
    finished: Mutex<Option<oneshot::Sender<()>>>,
    /// Set by the page when the run is cancelled or a thread failed.
    stop: Cancel,
    /// Instants are aligned across threads in a threaded build: one clock for every record.
    t0: Instant,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Run {
    /// One of the run's loops: takes the next task until none is left or the run stops.
    fn work(&self) {
        let thread = rayon::current_thread_index().expect("pool jobs run on pool threads");
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        while !self.stop.is_cancelled() {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            if index >= self.job.tasks {
                break;
            }
            self.current[thread].store(index, Ordering::SeqCst);
            let start_ms = ms(self.t0.elapsed());
            let (value, waited, holds) = run_task(&self.job, index, self.gil.as_ref(), &self.stop);
            self.current[thread].store(IDLE, Ordering::SeqCst);
            let record = TaskRecord {
                index,
                worker: thread,
                start_ms,
                end_ms: ms(self.t0.elapsed()),
                gil_wait_ms: ms(waited),
                held: holds
                    .into_iter()
                    .map(|(a, b)| {
                        (
                            ms(a.saturating_duration_since(self.t0)),
                            ms(b.saturating_duration_since(self.t0)),
                        )
                    })
                    .collect(),
            };
            locked(&self.done).push((record, value));
        }
        if self.loops_left.fetch_sub(1, Ordering::SeqCst) == 1
            && let Some(tx) = locked(&self.finished).take()
        {
            // The receiver only disappears if the page dropped the run; nothing to report then.
            let _ = tx.send(());
        }
    }
}

/// How a run's wait ended.
enum Ended {
    Done,
    Cancelled,
    Failed { thread: usize, why: String },
}

/// Waits for the run's loops to finish, for a cancel, or for a thread to fail.
async fn watch(finished: oneshot::Receiver<()>, pool: &Pool, cancel: &Cancel) -> Ended {
    let trouble = every_10_ms(|| {
        if cancel.is_cancelled() {
            Some(Ended::Cancelled)
        } else {
            pool.failure()
                .map(|(thread, why)| Ended::Failed { thread, why })
        }
    });
    match select(finished, std::pin::pin!(trouble)).await {
        Either::Left(_) => Ended::Done,
        Either::Right((ended, _)) => ended,
    }
}

/// Runs every task of `job` with at most `workers` pool threads busy.
pub async fn run(job: Job, workers: usize, gil: bool, cancel: &Cancel) -> Result<RawRun, String> {
    let pool = pool::get().await?;
    let workers = workers.clamp(1, pool.threads());
    let tasks = job.tasks;
    shared_counter::reset();
    let (tx, rx) = oneshot::channel();
    let run = Arc::new(Run {
        job,
        gil: gil.then(Gil::new),
        next: AtomicUsize::new(0),
        done: Mutex::new(Vec::with_capacity(tasks)),
        current: (0..pool.threads())
            .map(|_| AtomicUsize::new(IDLE))
            .collect(),
        loops_left: AtomicUsize::new(workers),
        finished: Mutex::new(Some(tx)),
        stop: Cancel::new(),
        t0: Instant::now(),
    });
    let t0_page = now_ms();
    for _ in 0..workers {
        let run = Arc::clone(&run);
        pool.spawn(move || run.work())?;
    }
    let ended = watch(rx, &pool, cancel).await;
    let elapsed_ms = now_ms() - t0_page;
    match ended {
        Ended::Done => {}
        Ended::Cancelled => {
            run.stop.cancel();
            return Err(CANCELLED.into());
        }
        Ended::Failed { thread, why } => {
            run.stop.cancel();
            pool::discard();
            let task = match run.current.get(thread).map(|t| t.load(Ordering::SeqCst)) {
                Some(IDLE) | None => "a task".to_string(),
                Some(task) => format!("task {task}"),
            };
            return Err(format!(
                "{task} failed on shared-memory thread {thread}: {why}. The pool was stopped; \
                 the next run starts a new one"
            ));
        }
    }

    let done = std::mem::take(&mut *locked(&run.done));
    let mut results = vec![None; tasks];
    for (record, value) in &done {
        results[record.index] = Some(value.clone());
    }
    let results = in_submission_order(results)?;
    Ok(RawRun {
        results,
        records: done.into_iter().map(|(r, _)| r).collect(),
        elapsed_ms,
        startup_ms: None,
        messaging_ms: None,
        page_total: shared_counter::total(),
        ..RawRun::default()
    })
}
