//! The engines in real browsers (`wasm-pack test --headless --chrome/--firefox`): the
//! shared-memory pool really spreads work over several threads, isolated workers return the
//! serial answer, and the page's main thread stays free while workers compute.
#![cfg(target_arch = "wasm32")]

mod support;

use corescope::cancel::Cancel;
use corescope::run::{Mode, check};
use corescope::web::engines::{self, isolated, main_thread, shared_pool};
use corescope::web::probe::GapProbe;
use corescope::workloads::{Answer, Job, Workload};
use support::pool as start_pool;

/// Two workers are all these tests use; a small pool keeps the test page quick to start.
const POOL_THREADS: usize = 4;

async fn pool() {
    start_pool(POOL_THREADS).await;
}
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Long enough per task that a second pool thread certainly picks up work before the first has
/// drained the queue, small enough to keep the test quick.
fn job() -> Job {
    Job::new(Workload::EmptyLoop { count: 2_000_000 }, 12)
}

/// The threaded module's allocator keeps the page thread's freed small blocks in that thread's
/// own lists (and so takes them back without std's lock): the thread-local block it needs was
/// found set up.
#[wasm_bindgen_test]
fn the_page_thread_frees_small_blocks_into_lists_of_its_own() {
    let boxes: Vec<Box<[u8; 100]>> = (0..10).map(|i| Box::new([i; 100])).collect();
    let before = corescope::allocator::kept_here(100);
    let last = std::ptr::from_ref(&*boxes[9]) as usize;
    drop(boxes);
    let after = corescope::allocator::kept_here(100);
    assert!(
        after >= 10 || after > before,
        "kept {before} blocks, then {after}"
    );
    let again = Box::new([0u8; 100]);
    assert_eq!(
        std::ptr::from_ref(&*again) as usize,
        last,
        "the block freed last comes back first"
    );
}

#[wasm_bindgen_test]
async fn the_shared_pool_puts_at_least_two_threads_to_work() {
    pool().await;
    let raw = shared_pool::run(job(), 2, false, &Cancel::new())
        .await
        .expect("the pool runs the job");
    let used = raw.workers_used();
    assert!(
        used >= 2,
        "only {used} pool thread(s) did work with 2 workers allowed"
    );
    assert!(used <= 2, "{used} threads worked with 2 workers allowed");
    check(Mode::Shared { gil: false }, 2, &job(), &job().answer(), raw)
        .expect("pool results equal the serial answer");
}

/// The pool starts with a thread per core the browser reports, and is replaced by one of its
/// largest size when a run first asks for more workers than it has — before the run's clock
/// starts, and with every thread of the small pool ended.
#[wasm_bindgen_test]
async fn the_pool_starts_with_a_thread_per_core_and_grows_when_a_run_needs_more() {
    pool().await;
    let cores = corescope::web::platform::hardware_concurrency();
    let first = engines::pool::first_size(POOL_THREADS, cores);
    assert_eq!(first, POOL_THREADS.min(cores).max(1));
    let pool_now = engines::pool::get().await.expect("the pool is up");
    let builds = engines::pool::builds();
    // Another test in this page may have grown it already.
    let had = pool_now.threads();
    assert!([first, POOL_THREADS].contains(&had), "{had} threads");
    drop(pool_now);
    let job = Job::new(Workload::EmptyLoop { count: 200_000 }, POOL_THREADS);
    let raw = shared_pool::run(job.clone(), POOL_THREADS, false, &Cancel::new())
        .await
        .expect("the grown pool runs the job");
    check(
        Mode::Shared { gil: false },
        POOL_THREADS,
        &job,
        &job.answer(),
        raw,
    )
    .expect("the grown pool's results equal the serial answer");
    let grown = engines::pool::get().await.expect("the pool is up");
    assert_eq!(grown.threads(), POOL_THREADS);
    assert_eq!(
        engines::pool::builds(),
        builds + usize::from(had < POOL_THREADS),
        "grown once, when it had fewer threads than the run asked for"
    );
    assert_eq!(
        engines::pool::live_workers(),
        POOL_THREADS,
        "only the grown pool's threads are alive"
    );
    assert_eq!(engines::pool::live_hosts(), 1);
}

/// The shared-memory engine's threads are wasm-bindgen-rayon's pool, inside the pool's host
/// worker: every task reports a rayon thread index from there, at least two distinct ones with
/// two workers, and runs in a pool thread's worker, never on the page.
#[wasm_bindgen_test]
async fn the_threads_are_the_wasm_bindgen_rayon_pool_s_never_the_page() {
    pool().await;
    let seen = engines::pool::probe(16, 2)
        .await
        .expect("the pool runs the probe");
    assert_eq!(seen.len(), 16, "every probed task reported: {seen:?}");
    let threads: std::collections::BTreeSet<usize> = seen
        .iter()
        .map(|(thread, _)| thread.expect("each task ran on a rayon pool thread"))
        .collect();
    assert!(
        threads.len() >= 2,
        "the probe ran on {threads:?} with 2 workers allowed"
    );
    assert!(threads.len() <= 2, "{threads:?} ran with 2 workers allowed");
    assert!(threads.iter().all(|&t| t < POOL_THREADS), "{threads:?}");
    for (_, global) in &seen {
        assert_eq!(
            global, "corescope-pool-thread",
            "a task ran outside the pool's threads"
        );
    }
    // The page has no rayon pool at all: it is not one of its threads.
    assert_eq!(rayon::current_thread_index(), None);
    assert_eq!(engines::pool::live_hosts(), 1, "one host runs the pool");
}

#[wasm_bindgen_test]
async fn one_shared_worker_means_one_busy_thread() {
    pool().await;
    let raw = shared_pool::run(job(), 1, false, &Cancel::new())
        .await
        .expect("the pool runs the job");
    assert_eq!(raw.workers_used(), 1);
    assert_eq!(
        raw.results,
        main_thread::run(&job(), &Cancel::new())
            .await
            .expect("serial runs")
            .results
    );
}

#[wasm_bindgen_test]
async fn isolated_workers_return_the_serial_answer() {
    let raw = isolated::run_pool(&job(), 3, false, &Cancel::new())
        .await
        .expect("isolated workers start and answer");
    assert!(raw.startup_ms.expect("isolated runs report start-up") > 0.0);
    assert!((1..=3).contains(&raw.workers_used()));
    let serial = main_thread::run(&job(), &Cancel::new())
        .await
        .expect("serial runs")
        .results;
    let serial = Answer {
        values: serial,
        total: None,
    };
    check(Mode::Pool { reuse: false }, 3, &job(), &serial, raw)
        .expect("isolated results equal the serial answer");
}

/// A pool hands out uneven tasks one chunk at a time, as the chunks come free, whatever a
/// quick first chunk suggests: seed 004's `map(sleep, range(6))` on 2 workers runs task 0 (no
/// wait) and 1 at once, then each next task on whichever worker is free first — 2 and 4 on the
/// first, 3 and 5 on the second, as CPython's pool hands them out. A worker given the next
/// chunks ahead would take 2, 3 and 4 after its instant task 0.
#[wasm_bindgen_test]
async fn a_pool_hands_out_uneven_tasks_as_workers_come_free() {
    let ramp = Job::new(Workload::SleepRamp { unit_ms: 40 }, 6);
    for reuse in [true, false] {
        let raw = isolated::run_pool(&ramp, 2, reuse, &Cancel::new())
            .await
            .expect("isolated workers start and answer");
        let on = |task: usize| {
            raw.records
                .iter()
                .find(|r| r.index == task)
                .expect("every task ran")
                .worker
        };
        let (first, second) = (on(0), on(1));
        assert_ne!(first, second, "tasks 0 and 1 start at once (reuse {reuse})");
        assert_eq!(
            [2, 3, 4, 5].map(on),
            [first, second, first, second],
            "each next task on the worker free first (reuse {reuse})"
        );
    }
}

/// A run on workers must leave the page's main thread free: rayon waits by spinning on whatever
/// thread calls into it, so a slip that calls the pool from the page would freeze it for the
/// whole run. The timer probe must keep ticking: its longest gap stays well under the run's
/// length, on any machine.
async fn assert_main_thread_free(mode: Mode) {
    let long_job = Job::new(Workload::EmptyLoop { count: 60_000_000 }, 8);
    let probe = GapProbe::start();
    let raw = corescope::web::engines::run(mode, &long_job, 2, &Cancel::new())
        .await
        .expect("the job runs");
    let gap = probe.stop().longest_gap_ms;
    assert!(
        raw.elapsed_ms > 100.0,
        "the job was meant to take a while, took {:.1} ms",
        raw.elapsed_ms
    );
    assert!(
        gap < raw.elapsed_ms * 0.5,
        "{}: the main thread went {gap:.1} ms without a timer tick during a {:.1} ms run",
        mode.label(),
        raw.elapsed_ms
    );
}

#[wasm_bindgen_test]
async fn the_main_thread_stays_free_during_a_shared_run() {
    pool().await;
    assert_main_thread_free(Mode::Shared { gil: false }).await;
}

#[wasm_bindgen_test]
async fn the_main_thread_stays_free_during_a_gil_run() {
    pool().await;
    assert_main_thread_free(Mode::Shared { gil: true }).await;
}

#[wasm_bindgen_test]
async fn the_main_thread_stays_free_during_an_isolated_run() {
    assert_main_thread_free(Mode::Pool { reuse: false }).await;
}
