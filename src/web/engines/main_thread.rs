//! The serial reference: a plain loop on the page's own thread, like the seed's `for` loop. The
//! page cannot repaint while a task computes; that freeze is part of the lesson. Between tasks
//! the loop lets the page handle input at least every [`YIELD_EVERY_MS`], so Cancel works; the
//! time spent yielded is left out of the run's clock. The page may not block, so a task's wait
//! is an async timer here, not a blocking sleep.
//!
//! A task that panics or traps ends the run with its index and why; the page goes on (see
//! [`guarded`]).

use crate::cancel::Cancel;
use crate::gil::warm_call;
use crate::run::{RawRun, RunError, TaskRecord};
use crate::web::engines::Warmed;
use crate::web::panics::{guarded, install_hook};
use crate::web::platform::now_ms;
use crate::workloads::{Job, PageThread, Value, WarmUp, shared_counter};
use gloo_timers::future::TimeoutFuture;
use std::cell::RefCell;
use std::time::Duration;

/// Gets the browser to optimize a workload's code before anything is timed, once per workload
/// per page.
///
/// Browsers first run wasm in a quickly compiled baseline tier and swap in optimized code only
/// for later calls, after compiling it in the background: a first run of long tasks measured
/// baseline code, about 10× slower here. Short calls with pauses between them trigger the
/// optimizing tier and give the background compiler time to finish. Workers share the compiled
/// module, so this warms every engine.
pub async fn warm_up(job: &Job) {
    thread_local! {
        static WARM: RefCell<Warmed<&'static str>> = const { RefCell::new(Warmed::new()) };
    }
    if !WARM.with(|w| w.borrow_mut().first_time(job.workload.name())) {
        return;
    }
    let small = job.warm_up();
    let mut warm = WarmUp::new(Duration::from_millis(400));
    while !warm.call(|| warm_call(&small)) {
        TimeoutFuture::new(5).await;
    }
    shared_counter::reset();
}

/// The longest the loop computes before it lets the page handle input.
pub const YIELD_EVERY_MS: f64 = 50.0;

pub async fn run(job: &Job, cancel: &Cancel) -> Result<RawRun, RunError> {
    install_hook();
    shared_counter::reset();
    let mut results = Vec::with_capacity(job.tasks);
    let mut records = Vec::with_capacity(job.tasks);
    let t0 = now_ms();
    // Time spent yielded to the page, which is not the run's.
    let mut paused = 0.0;
    let mut last_yield = t0;
    for i in 0..job.tasks {
        cancel.check()?;
        let mut start_ms = now_ms() - t0 - paused;
        let wait = job.wait_ms(i);
        if wait > 0 {
            TimeoutFuture::new(wait).await;
            last_yield = now_ms();
            // A timer fires late; the task's wait is the `wait` ms before it resumed, so the
            // lateness is neither its sleep nor its work (its timeline shows a gap, and
            // predictions made from this run do not count it as computing).
            start_ms = start_ms.max(last_yield - t0 - paused - f64::from(wait));
        }
        let mut value = None;
        guarded(|| value = Some(job.compute(i, &mut PageThread::for_job(job))))
            .map_err(|why| format!("task {i} failed on the main thread: {why}"))?;
        let value = value.expect("a task that returned has its value");
        if let Value::Failed(why) = &value {
            // A script that failed (or met the page's time limit) ends the serial run here:
            // the page would otherwise freeze for every task after it.
            return Err(RunError::Failed(format!("task {i}: {why}")));
        }
        results.push(value);
        records.push(TaskRecord {
            index: i,
            worker: 0,
            start_ms,
            end_ms: now_ms() - t0 - paused,
            gil_wait_ms: 0.0,
            held: Vec::new(),
        });
        if now_ms() - last_yield >= YIELD_EVERY_MS && i + 1 < job.tasks {
            let before = now_ms();
            TimeoutFuture::new(0).await;
            last_yield = now_ms();
            paused += last_yield - before;
        }
    }
    let elapsed_ms = now_ms() - t0 - paused;
    Ok(RawRun {
        results,
        records,
        elapsed_ms,
        startup_ms: None,
        messaging_ms: None,
        page_total: shared_counter::total(),
        ..RawRun::default()
    })
}
