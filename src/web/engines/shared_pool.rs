//! Shared memory: Web Workers that share the page's wasm memory, driven by rayon on the
//! wasm-bindgen-rayon pool — Python's threads, without a GIL or (with `gil`) with one.
//!
//! The pool is rayon's global pool, started once per page at its largest size; its size cannot
//! change later. A run with `k` workers therefore spawns exactly `k` loops that take task
//! indices from one shared counter (a pool's queue), so at most `k` threads compute.
//!
//! The page's main thread never calls into rayon synchronously: rayon waits by spinning when
//! called on the main thread (`web_spin_lock`), which would freeze the page. The whole run is
//! handed to a pool thread with `rayon::spawn` and the page awaits a oneshot channel.

use crate::gil::Gil;
use crate::gil::warm_call;
use crate::run::{Cancel, RawRun, TaskRecord};
use crate::web::engines::first_time;
use crate::web::platform::now_ms;
use crate::workloads::{Job, NoGil, Value, WarmUp, in_submission_order, shared_counter};
use futures::channel::oneshot;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wasm_bindgen_futures::JsFuture;
use web_time::Instant;

/// Starts rayon's global pool with `threads` Web Workers sharing this module's memory.
pub async fn start_pool(threads: usize) -> Result<(), String> {
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads))
        .await
        .map(drop)
        .map_err(|e| format!("{e:?}"))
}

/// Gets the pool threads to run `job`'s code optimized before anything is timed, once per
/// workload: measured here, workers did not profit from the page's warm-up (a pool thread's
/// first long calls ran about 4× slower than later ones).
pub async fn warm_up(job: &Job) {
    thread_local! {
        static WARM: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
    }
    if !first_time(&WARM, job) {
        return;
    }
    let small = job.warm_up();
    let (tx, rx) = oneshot::channel();
    // Pool threads share their optimized code, so warming one warms them all.
    rayon::spawn(move || {
        let mut warm = WarmUp::new(Duration::from_millis(400));
        while !warm.call(|| warm_call(&small)) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = tx.send(());
    });
    let _ = rx.await;
    shared_counter::reset();
}

/// Runs one task on a pool thread: with the GIL held while it computes and released while it
/// waits, or freely.
/// With a GIL, also returns the wait and the spans the task held the lock.
fn run_task(job: &Job, i: usize, gil: Option<&Gil>) -> (Value, Duration, Vec<(Instant, Instant)>) {
    match gil {
        Some(gil) => {
            let mut held = gil.acquire();
            let wait = job.wait_ms(i);
            if wait > 0 {
                held.released(|| std::thread::sleep(Duration::from_millis(wait.into())));
            }
            let value = job.compute(i, &mut held);
            let (waited, holds) = held.finish();
            (value, waited, holds)
        }
        None => (job.run_blocking(i, &mut NoGil), Duration::ZERO, Vec::new()),
    }
}

/// Runs every task of `job` with at most `workers` pool threads busy.
pub async fn run(job: Job, workers: usize, gil: bool, cancel: &Cancel) -> Result<RawRun, String> {
    let stop = cancel.clone();
    let workers = workers.clamp(1, rayon::current_num_threads());
    let tasks = job.tasks;
    shared_counter::reset();
    let (tx, rx) = oneshot::channel();
    let t0_page = now_ms();
    // Instants are aligned across threads in a threaded build: one clock for every record.
    let t0 = Instant::now();
    rayon::spawn(move || {
        let lock = gil.then(Gil::new);
        let next = AtomicUsize::new(0);
        // Completion order: pushed under the lock the moment a task finishes.
        let done = Mutex::new(Vec::with_capacity(tasks));
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        rayon::scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| {
                    loop {
                        if stop.is_cancelled() {
                            break;
                        }
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= tasks {
                            break;
                        }
                        let start_ms = ms(t0.elapsed());
                        let (value, waited, holds) = run_task(&job, index, lock.as_ref());
                        let worker =
                            rayon::current_thread_index().expect("scope tasks run on pool threads");
                        let record = TaskRecord {
                            index,
                            worker,
                            start_ms,
                            end_ms: ms(t0.elapsed()),
                            gil_wait_ms: ms(waited),
                            held: holds
                                .into_iter()
                                .map(|(a, b)| {
                                    (
                                        ms(a.saturating_duration_since(t0)),
                                        ms(b.saturating_duration_since(t0)),
                                    )
                                })
                                .collect(),
                        };
                        done.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((record, value));
                    }
                });
            }
        });
        // The receiver only disappears if the page dropped the run; nothing to report then.
        let _ = tx.send(done.into_inner().unwrap_or_else(|e| e.into_inner()));
    });
    let done = rx.await.map_err(|_| {
        "a pool thread stopped before finishing the run (a task trapped?)".to_string()
    })?;
    let elapsed_ms = now_ms() - t0_page;
    cancel.check()?;

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
