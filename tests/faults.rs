//! Faults and cancel in real browsers: an isolated worker that stops answering is detected by
//! the answer timeout, reported with its tasks, terminated and replaced, and the next run is
//! correct; a cancelled run of any isolated mode returns at once and leaves no worker behind.
#![cfg(target_arch = "wasm32")]

use corescope::run::{CANCELLED, Cancel, Mode, check};
use corescope::web::engines::{self, isolated};
use corescope::workloads::{Job, Workload};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn small() -> Job {
    Job::new(Workload::EmptyLoop { count: 200_000 }, 6)
}

/// A run of `small()` on the reused pool gives the serial answer.
async fn the_reused_pool_is_correct(when: &str) {
    let mode = Mode::Pool { reuse: true };
    let raw = engines::run(mode, &small(), 2, &Cancel::new())
        .await
        .unwrap_or_else(|e| panic!("the reused pool fails {when}: {e}"));
    check(mode, 2, &small(), &small().expected(), raw)
        .unwrap_or_else(|e| panic!("the reused pool is wrong {when}: {e}"));
}

/// One test, in order: the test runner runs a file's async tests interleaved on one page, and
/// both parts count the page's live workers.
#[wasm_bindgen_test]
async fn hung_workers_and_cancelled_runs_leave_no_worker_behind_and_the_next_run_is_correct() {
    a_worker_that_stops_answering_is_reported_stopped_and_replaced().await;
    cancelling_any_isolated_mode_returns_at_once_and_leaves_no_worker_behind().await;
}

async fn a_worker_that_stops_answering_is_reported_stopped_and_replaced() {
    let before = isolated::live_workers();
    isolated::set_answer_timeout_ms(400);
    // Tasks that sleep 5 s stand for a worker that hangs.
    let hung = Job::new(Workload::SleepAdd { ms: 5_000 }, 2);
    for reuse in [false, true] {
        let why = isolated::run_pool(&hung, 2, reuse, &Cancel::new())
            .await
            .expect_err("no answer within 0.4 s");
        assert!(
            why.contains("a worker stopped answering: no reply for task"),
            "{why}"
        );
    }
    isolated::set_answer_timeout_ms(isolated::ANSWER_TIMEOUT_MS);
    assert_eq!(
        isolated::live_workers(),
        before,
        "the hung workers were terminated, the broken pool dropped"
    );
    the_reused_pool_is_correct("after a hung worker").await;
}

async fn cancelling_any_isolated_mode_returns_at_once_and_leaves_no_worker_behind() {
    let long = Job::new(Workload::SleepAdd { ms: 3_000 }, 4);
    let modes = Mode::ALL.into_iter().filter(|m| m.isolated());
    for mode in modes {
        // The reused pool may stay; nothing else may.
        let before = isolated::live_workers();
        let cancel = Cancel::new();
        let stop = cancel.clone();
        wasm_bindgen_futures::spawn_local(async move {
            TimeoutFuture::new(300).await;
            stop.cancel();
        });
        let started = corescope::web::platform::now_ms();
        let outcome = engines::run(mode, &long, 4, &cancel).await;
        let took = corescope::web::platform::now_ms() - started;
        assert_eq!(
            outcome.expect_err("cancelled"),
            CANCELLED,
            "{}",
            mode.label()
        );
        // Well before the 3 s tasks could end: the run did not wait for them.
        assert!(took < 2_500.0, "{}: cancel took {took:.0} ms", mode.label());
        let after = isolated::live_workers();
        assert!(
            after
                <= before.max(if mode == (Mode::Pool { reuse: true }) {
                    4
                } else {
                    0
                }),
            "{}: {after} workers alive after cancel (before: {before})",
            mode.label()
        );
    }
    the_reused_pool_is_correct("after cancels").await;
}
