//! Faults and cancel in real browsers: a task that panics or traps in any engine fails its run
//! naming the task and why, without an uncaught error on the page, the broken pool is replaced,
//! and the next run is correct; an isolated worker that stops answering is detected by the
//! answer timeout, reported with its tasks, terminated and replaced (one that is not ready in time,
//! with how far its start got); a cancelled run of any
//! engine returns at once, mid-task included, and leaves no worker behind.
#![cfg(target_arch = "wasm32")]

mod support;

use corescope::cancel::Cancel;
use corescope::run::{Mode, RunError, check};
use corescope::web::engines::{self, isolated, pool};
use corescope::web::platform::now_ms;
use corescope::workloads::{Fault, FaultKind, Job, Workload, fault_message};
use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const THREADS: usize = 2;

fn small() -> Job {
    Job::new(Workload::EmptyLoop { count: 200_000 }, 6)
}

/// One test, in order: the test runner runs a file's async tests interleaved on one page, and
/// both parts count the page's live workers.
#[wasm_bindgen_test]
async fn faults_hung_workers_and_cancelled_runs_leave_no_worker_behind_and_the_next_run_is_correct()
{
    support::pool(THREADS).await;
    a_failing_task_in_any_engine_is_named_and_the_next_run_is_correct().await;
    a_worker_that_stops_answering_is_reported_stopped_and_replaced().await;
    cancelling_any_isolated_mode_returns_at_once_and_leaves_no_worker_behind().await;
    cancelling_mid_task_stops_the_page_s_own_and_the_shared_engines().await;
}

/// The same small job in `mode` gives the serial answer.
async fn is_correct(mode: Mode, when: &str) {
    let raw = engines::run(mode, &small(), THREADS, &Cancel::new())
        .await
        .unwrap_or_else(|e| panic!("{} fails {when}: {e}", mode.label()));
    check(mode, THREADS, &small(), &small().answer(), raw)
        .unwrap_or_else(|e| panic!("{} is wrong {when}: {e}", mode.label()));
}

/// Waits up to 3 s for `count()` to reach `want`, then says what it is.
async fn settles_at(count: fn() -> usize, want: usize) -> usize {
    let started = now_ms();
    while count() != want && now_ms() - started < 3_000.0 {
        TimeoutFuture::new(20).await;
    }
    count()
}

/// Counts the page's uncaught errors while it lives: a worker's error that no handler
/// cancelled is reported again as one of the page's own.
struct UncaughtErrors {
    count: Rc<Cell<usize>>,
    listener: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl UncaughtErrors {
    fn listen() -> Self {
        let count = Rc::new(Cell::new(0));
        let counted = Rc::clone(&count);
        let listener =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                console_log!("uncaught on the page: {}", e.message());
                counted.set(counted.get() + 1);
            });
        web_sys::window()
            .expect("a test page")
            .add_event_listener_with_callback("error", listener.as_ref().unchecked_ref())
            .expect("listening to the page's errors");
        Self { count, listener }
    }

    fn count(&self) -> usize {
        self.count.get()
    }
}

impl Drop for UncaughtErrors {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "error",
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

async fn a_failing_task_in_any_engine_is_named_and_the_next_run_is_correct() {
    let uncaught = UncaughtErrors::listen();
    let isolated_before = isolated::live_workers();
    let builds_before = pool::builds();
    let mut shared_faults = 0;
    for mode in Mode::ALL {
        for kind in FaultKind::ALL {
            let fault = Fault { task: 3, kind };
            let what = format!("{} with task 3 that {}", mode.label(), kind.name());
            let why = engines::run(
                mode,
                &small().with_fault(Some(fault)),
                THREADS,
                &Cancel::new(),
            )
            .await
            .expect_err(&what)
            .to_string();
            console_log!("{what}: {why}");
            assert!(why.contains("task 3 failed"), "{what}: {why}");
            match kind {
                FaultKind::Panic => assert!(
                    why.contains(&format!("it panicked: {}", fault_message(3))),
                    "{what}: {why}"
                ),
                FaultKind::Trap => assert!(
                    why.contains("it trapped") && why.contains("unreachable"),
                    "{what}: {why}"
                ),
            }
            if let Mode::Shared { .. } = mode {
                shared_faults += 1;
                // The broken pool's host, and every thread in it, was terminated and replaced
                // before the run returned, and the run says how long the restart took.
                assert!(
                    why.contains("The pool was restarted") && why.contains(" ms"),
                    "{what}: {why}"
                );
                assert_eq!(pool::live_hosts(), 1, "{what}: the old host is gone");
                assert_eq!(
                    pool::live_workers(),
                    THREADS,
                    "{what}: only the new pool's threads are alive"
                );
            }
            is_correct(mode, &format!("after {what}")).await;
            // A trap's error event may still be on its way after the run failed on the panic's
            // message.
            TimeoutFuture::new(200).await;
            assert_eq!(
                uncaught.count(),
                0,
                "{what}: the failure reached the page as an uncaught error"
            );
        }
    }
    assert_eq!(
        pool::builds(),
        builds_before + shared_faults,
        "each failed shared-memory pool was replaced"
    );
    assert_eq!(
        settles_at(pool::live_workers, THREADS).await,
        THREADS,
        "the failed pools' workers were all terminated"
    );
    // Only the reused isolated pool may stay, at its size.
    let isolated_after = isolated::live_workers();
    assert!(
        isolated_after <= isolated_before.max(THREADS),
        "{isolated_after} isolated workers alive after the faults (before: {isolated_before})"
    );
}

/// Cancels a run of `job` in `mode` after `after_ms` (a timer set as the run starts); returns
/// how long the run went on after the cancel, and how late the timer fired (the page's own
/// thread was busy).
async fn cancel_after(mode: Mode, job: &Job, after_ms: u32) -> (f64, f64) {
    let cancel = Cancel::new();
    let stop = cancel.clone();
    let cancelled_at = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let at = cancelled_at.clone();
    let due = now_ms() + f64::from(after_ms);
    gloo_timers::callback::Timeout::new(after_ms, move || {
        at.set(now_ms());
        stop.cancel();
    })
    .forget();
    let outcome = engines::run(mode, job, THREADS, &cancel).await;
    let ended = now_ms();
    assert_eq!(
        outcome.expect_err("cancelled"),
        RunError::Cancelled,
        "{}",
        mode.label()
    );
    (ended - cancelled_at.get(), cancelled_at.get() - due)
}

async fn cancelling_mid_task_stops_the_page_s_own_and_the_shared_engines() {
    // Two tasks that would count for hours: only stopping mid-task ends them.
    let endless = Job::new(Workload::EmptyLoop { count: u64::MAX }, 2);
    for mode in [Mode::Shared { gil: false }, Mode::Shared { gil: true }] {
        let (took, _) = cancel_after(mode, &endless, 300).await;
        console_log!(
            "{}: a run of endless tasks ended {took:.1} ms after Cancel",
            mode.label()
        );
        assert!(took < 1_000.0, "{}: cancel took {took:.0} ms", mode.label());
        is_correct(mode, "after a cancel mid-task").await;
    }
    assert_eq!(pool::live_workers(), THREADS, "a cancel keeps the pool");
    // The page's own thread computes a task at a time and lets the page in between.
    let many = Job::new(Workload::EmptyLoop { count: 2_000_000 }, 100_000);
    let (took, late) = cancel_after(Mode::MainThread, &many, 300).await;
    console_log!("main thread: Cancel came {late:.1} ms late; the run ended {took:.1} ms after it");
    assert!(
        late + took < 1_000.0,
        "main thread: cancel took {late:.0} + {took:.0} ms"
    );
    is_correct(Mode::MainThread, "after a cancel").await;
}

async fn a_worker_that_stops_answering_is_reported_stopped_and_replaced() {
    let before = isolated::live_workers();
    isolated::set_answer_timeout_ms(400);
    // Tasks that sleep 5 s stand for a worker that hangs.
    let hung = Job::new(Workload::SleepAdd { ms: 5_000 }, 2);
    for reuse in [false, true] {
        let why = isolated::run_pool(&hung, 2, reuse, &Cancel::new())
            .await
            .expect_err("no answer within 0.4 s")
            .to_string();
        assert!(
            why.contains("a worker stopped answering: no reply for task"),
            "{why}"
        );
    }
    // A worker that is not ready in time is reported with how far its start got.
    isolated::set_answer_timeout_ms(2);
    let why = isolated::spawn_to_ready(1)
        .await
        .expect_err("no worker gets ready within 2 ms");
    let stages = [
        "loading the worker's script",
        "loading the module's JavaScript",
        "instantiating the module",
    ];
    assert!(
        stages.iter().any(|stage| why
            == format!("a worker did not get ready within 0.0 s (it had got to: {stage})")),
        "{why}"
    );
    isolated::set_answer_timeout_ms(isolated::ANSWER_TIMEOUT_MS);
    // The broken reused pool was dropped too, and the worker that was not ready.
    assert_eq!(
        isolated::live_workers(),
        0,
        "the hung workers were terminated (before: {before})"
    );
    is_correct(Mode::Pool { reuse: true }, "after a hung worker").await;
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
            RunError::Cancelled,
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
    // Cancelled while 40 workers are still starting.
    let before = isolated::live_workers();
    let many = Job::new(Workload::SleepAdd { ms: 3_000 }, 40);
    let mode = Mode::PerTask {
        join: corescope::run::Join::AfterAll,
    };
    let (took, _) = cancel_after(mode, &many, 30).await;
    console_log!("a worker per task: cancelled while 40 start, the run ended {took:.1} ms after");
    assert!(took < 1_000.0, "cancel during start-up took {took:.0} ms");
    assert_eq!(
        isolated::live_workers(),
        before,
        "no starting worker is left"
    );
    is_correct(Mode::Pool { reuse: true }, "after cancels").await;
}
