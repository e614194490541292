//! Shared memory: Web Workers that share the page's wasm memory, driven by rayon on the
//! wasm-bindgen-rayon pool — Python's threads without a GIL.
//!
//! The pool is rayon's global pool, started once per page at its largest size; its size cannot
//! change later. A run with `k` workers therefore spawns exactly `k` loops that take task
//! indices from one shared counter (a pool's queue), so at most `k` threads compute.
//!
//! The page's main thread never calls into rayon synchronously: rayon waits by spinning when
//! called on the main thread (`web_spin_lock`), which would freeze the page. The whole run is
//! handed to a pool thread with `rayon::spawn` and the page awaits a oneshot channel.

use crate::run::RawRun;
use crate::web::platform::now_ms;
use crate::workloads::EmptyLoopJob;
use futures::channel::oneshot;
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen_futures::JsFuture;

/// Starts rayon's global pool with `threads` Web Workers sharing this module's memory.
pub async fn start_pool(threads: usize) -> Result<(), String> {
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads))
        .await
        .map(drop)
        .map_err(|e| format!("{e:?}"))
}

/// One finished task as a pool thread saw it.
struct Done {
    index: usize,
    value: i64,
    thread: usize,
}

/// Runs every task of `job` with at most `workers` pool threads busy.
pub async fn run(job: EmptyLoopJob, workers: usize) -> Result<RawRun, String> {
    let pool_threads = rayon::current_num_threads();
    let workers = workers.clamp(1, pool_threads);
    let (tx, rx) = oneshot::channel();
    let t0 = now_ms();
    rayon::spawn(move || {
        let next = AtomicUsize::new(0);
        // Completion order: pushed under the lock the moment a task finishes.
        let done = Mutex::new(Vec::with_capacity(job.tasks));
        rayon::scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= job.tasks {
                            break;
                        }
                        let value = job.run_task(index);
                        let thread =
                            rayon::current_thread_index().expect("scope tasks run on pool threads");
                        done.lock()
                            .expect("no task panics while holding the lock")
                            .push(Done {
                                index,
                                value,
                                thread,
                            });
                    }
                });
            }
        });
        // The receiver only disappears if the page dropped the run; nothing to report then.
        let _ = tx.send(
            done.into_inner()
                .expect("the scope has ended, so no one holds the lock"),
        );
    });
    let done = rx
        .await
        .map_err(|_| "a pool thread stopped before finishing the run".to_string())?;
    let elapsed_ms = now_ms() - t0;

    let mut results = vec![None; job.tasks];
    for d in &done {
        results[d.index] = Some(d.value);
    }
    let results = results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.ok_or_else(|| format!("task {i} never finished")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RawRun {
        results,
        arrival: done.iter().map(|d| d.index).collect(),
        elapsed_ms,
        startup_ms: None,
        workers_used: done.iter().map(|d| d.thread).collect::<BTreeSet<_>>().len(),
    })
}
