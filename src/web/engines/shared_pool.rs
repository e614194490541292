//! Shared memory: Web Workers that share one wasm memory, driven by rayon on the
//! [pool](super::pool) in the pool's host worker — Python's threads, without a GIL or (with
//! `gil`) with one.
//!
//! The pool is started once per page at its largest size. A run with `k` workers hands the pool
//! exactly `k` loops that take task indices from one shared counter (a pool's queue), so at most
//! `k` threads compute ([`host`](super::pool_host) does that).
//!
//! The page sends the run to the host and awaits its answer, checking every 10 ms for a cancel.
//! A cancelled run returns at once and its tasks stop at their next checkpoint; a thread that
//! panics or traps fails the run naming its task, and the pool (host and threads) is
//! terminated and restarted before the run returns.

use crate::cancel::Cancel;
use crate::run::{RawRun, RunError, unpack};
use crate::web::engines::pool::{self, Incoming, Reply, Request};
use crate::web::engines::{Warmed, every_10_ms, next_run_id};
use crate::web::platform::{epoch_ms, now_ms};
use crate::workloads::{Job, in_submission_order};
use futures::future::{Either, select};
use std::cell::{Cell, RefCell};

/// What the shared-memory engine keeps between runs on the page: what its pool's warm-up has
/// done. Each field is its own cell, borrowed only inside a `SHARED.with`, never across an
/// `.await`.
struct SharedState {
    /// Workloads warmed, with the pool build they were warmed in (a new pool's code is cold).
    warmed: RefCell<Warmed<(usize, &'static str)>>,
    /// The pool build whose host memory was grown, and to how many bytes.
    reserved: Cell<(usize, u64)>,
}

thread_local! {
    static SHARED: SharedState = const {
        SharedState {
            warmed: RefCell::new(Warmed::new()),
            reserved: Cell::new((0, 0)),
        }
    };
}

/// Starts the page's pool, which may grow to `most` threads, in a host worker sharing its own
/// memory; returns the threads started (see [`pool::first_size`]).
pub async fn start_pool(most: usize) -> Result<usize, String> {
    pool::start(most).await
}

/// Gets the pool threads to run `job`'s code optimized before anything is timed, once per
/// workload and pool (a restarted pool's code starts cold), and the host to grow its memory —
/// the pool threads' — to what `job` needs (see `reserve_memory`), once per size.
pub async fn warm_up(job: &Job, workers: usize) {
    let Ok(pool) = pool::get_for(workers).await else {
        return;
    };
    let build = pool::builds();
    let need = job.peak_memory_bytes();
    let (cold, grow) = SHARED.with(|s| {
        let cold = s
            .warmed
            .borrow_mut()
            .first_time((build, job.workload.name()));
        let (b, bytes) = s.reserved.get();
        let grow = need > 0 && (b != build || bytes < need);
        if grow {
            s.reserved.set((build, need));
        }
        (cold, grow)
    });
    if !cold && !grow {
        return;
    }
    if pool.send(&Request::WarmUp { job: job.clone() }).is_err() {
        return;
    }
    loop {
        match pool.next().await {
            Some(Incoming::Reply(Reply::Warm)) | None => return,
            // A warm-up runs without the job's fault; anything else is for the run to see.
            Some(Incoming::Reply(Reply::Fault { .. }) | Incoming::Failed(_)) => {
                pool::discard();
                return;
            }
            Some(_) => {}
        }
    }
}

/// Runs every task of `job` with at most `workers` pool threads busy.
pub async fn run(job: Job, workers: usize, gil: bool, cancel: &Cancel) -> Result<RawRun, RunError> {
    let pool = pool::get_for(workers).await?;
    debug_assert!(
        (1..=pool.threads()).contains(&workers),
        "get_for refuses {workers} workers, or gets a pool that has them"
    );
    let tasks = job.tasks;
    let run = next_run_id();
    let t0_page = now_ms();
    pool.send(&Request::Run {
        run,
        job,
        workers,
        gil,
        t0_epoch_ms: epoch_ms(),
    })?;
    let (done, page_total) = loop {
        let cancelled = every_10_ms(|| cancel.is_cancelled().then_some(()));
        let next = match select(std::pin::pin!(pool.next()), std::pin::pin!(cancelled)).await {
            Either::Left((next, _)) => next,
            Either::Right(_) => {
                // The host's thread is free: its loops stop at their task's next checkpoint.
                let _ = pool.send(&Request::Cancel { run });
                return Err(RunError::Cancelled);
            }
        };
        match next {
            Some(Incoming::Reply(Reply::Done {
                run: id,
                lanes,
                page_total,
                memory_bytes,
            })) if id == run => {
                pool.note_memory(memory_bytes);
                let done = unpack(lanes).map_err(|why| {
                    RunError::Failed(format!("the shared-memory pool answered wrongly: {why}"))
                })?;
                break (done, page_total);
            }
            Some(Incoming::Reply(Reply::Fault { thread, task, why })) => {
                drop(pool);
                let restarted = pool::restart().await;
                let task = task.map_or("a task".to_string(), |t| format!("task {t}"));
                let thread = thread.map_or(String::new(), |t| format!(" {t}"));
                return Err(RunError::Failed(format!(
                    "{task} failed on shared-memory thread{thread}: {why}. {restarted}"
                )));
            }
            Some(Incoming::Failed(why)) => {
                drop(pool);
                let restarted = pool::restart().await;
                return Err(RunError::Failed(format!(
                    "the shared-memory pool failed: {why}. {restarted}"
                )));
            }
            None => {
                drop(pool);
                let restarted = pool::restart().await;
                return Err(RunError::Failed(format!(
                    "the shared-memory pool stopped. {restarted}"
                )));
            }
            // An earlier (cancelled) run's answer, or a warm-up's.
            Some(_) => {}
        }
    };
    let elapsed_ms = now_ms() - t0_page;
    let mut results = vec![None; tasks];
    for (record, value) in &done {
        let slot = results.get_mut(record.index).ok_or_else(|| {
            RunError::Failed(format!(
                "the shared-memory pool answered task {} of a run of {tasks}",
                record.index
            ))
        })?;
        *slot = Some(value.clone());
    }
    let results = in_submission_order(results)?;
    Ok(RawRun {
        results,
        records: done.into_iter().map(|(r, _)| r).collect(),
        elapsed_ms,
        startup_ms: None,
        messaging_ms: None,
        page_total,
        ..RawRun::default()
    })
}
