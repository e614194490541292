//! The engines in real browsers (`wasm-pack test --headless --chrome/--firefox`): the
//! shared-memory pool really spreads work over several threads, and isolated workers return the
//! serial answer.
#![cfg(target_arch = "wasm32")]

use corescope::run::{Engine, check};
use corescope::web::engines::{isolated, main_thread, shared_pool};
use corescope::workloads::EmptyLoopJob;
use futures::FutureExt;
use futures::future::Shared;
use std::cell::RefCell;
use std::pin::Pin;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const POOL_THREADS: usize = 4;

type PoolStart = Shared<Pin<Box<dyn Future<Output = Result<(), String>>>>>;

/// rayon's global pool can be started once per page, and every test here shares the page.
async fn pool() {
    thread_local! {
        static START: RefCell<Option<PoolStart>> = const { RefCell::new(None) };
    }
    let start = START.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                (Box::pin(shared_pool::start_pool(POOL_THREADS))
                    as Pin<Box<dyn Future<Output = _>>>)
                    .shared()
            })
            .clone()
    });
    start
        .await
        .expect("the shared-memory pool starts in a cross-origin isolated test page");
}

/// Long enough per task that a second pool thread certainly picks up work before the first has
/// drained the queue, small enough to keep the test quick.
fn job() -> EmptyLoopJob {
    EmptyLoopJob {
        count: 2_000_000,
        tasks: 12,
    }
}

#[wasm_bindgen_test]
async fn the_shared_pool_puts_at_least_two_threads_to_work() {
    pool().await;
    assert_eq!(rayon::current_num_threads(), POOL_THREADS);
    let raw = shared_pool::run(job(), 2)
        .await
        .expect("the pool runs the job");
    assert!(
        raw.workers_used >= 2,
        "only {} pool thread(s) did work with 2 workers allowed",
        raw.workers_used
    );
    let checked = check(Engine::SharedMemory, 2, &job().expected(), raw)
        .expect("pool results equal the serial answer");
    assert!(
        checked.run.workers_used <= 2,
        "more threads worked than the run allowed: {}",
        checked.run.workers_used
    );
}

#[wasm_bindgen_test]
async fn one_shared_worker_means_one_busy_thread() {
    pool().await;
    let raw = shared_pool::run(job(), 1)
        .await
        .expect("the pool runs the job");
    assert_eq!(raw.workers_used, 1);
    assert_eq!(raw.results, main_thread::run(&job()).results);
}

#[wasm_bindgen_test]
async fn isolated_workers_return_the_serial_answer() {
    let raw = isolated::run(job(), 3)
        .await
        .expect("isolated workers start and answer");
    assert!(raw.startup_ms.expect("isolated runs report start-up") > 0.0);
    assert!((1..=3).contains(&raw.workers_used));
    check(Engine::Isolated, 3, &main_thread::run(&job()).results, raw)
        .expect("isolated results equal the serial answer");
}

/// A run on the pool must leave the page's main thread free: rayon waits by spinning on
/// whatever thread calls into it, so a slip that calls the pool from the page would freeze it
/// for the whole run. The timer probe must keep ticking: its longest gap stays well under the
/// run's length, on any machine.
#[wasm_bindgen_test]
async fn the_main_thread_stays_free_during_a_shared_run() {
    pool().await;
    let long_job = EmptyLoopJob {
        count: 100_000_000,
        tasks: 8,
    };
    let probe = corescope::web::probe::GapProbe::start();
    let raw = shared_pool::run(long_job, 2)
        .await
        .expect("the pool runs the job");
    let gap = probe.stop();
    assert!(
        raw.elapsed_ms > 100.0,
        "the job was meant to take a while, took {:.1} ms",
        raw.elapsed_ms
    );
    assert!(
        gap < raw.elapsed_ms * 0.5,
        "the main thread went {gap:.1} ms without a timer tick during a {:.1} ms run",
        raw.elapsed_ms
    );
}

#[wasm_bindgen_test]
async fn the_main_thread_stays_free_during_an_isolated_run() {
    let long_job = EmptyLoopJob {
        count: 100_000_000,
        tasks: 8,
    };
    let probe = corescope::web::probe::GapProbe::start();
    let raw = isolated::run(long_job, 2)
        .await
        .expect("isolated workers run the job");
    let gap = probe.stop();
    assert!(
        raw.elapsed_ms > 100.0,
        "the job was meant to take a while, took {:.1} ms",
        raw.elapsed_ms
    );
    assert!(
        gap < raw.elapsed_ms * 0.5,
        "the main thread went {gap:.1} ms without a timer tick during a {:.1} ms run",
        raw.elapsed_ms
    );
}
