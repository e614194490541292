//! The serial reference: a plain loop on the page's own thread, like the seed's `for` loop. The
//! page cannot repaint while it runs; that freeze is part of the lesson.

use crate::run::RawRun;
use crate::web::platform::{now_ms, yield_to_browser};
use crate::workloads::{EmptyLoopJob, empty_loop_add};
use std::cell::Cell;
use std::hint::black_box;

/// Gets the browser to optimize the workload's code before anything is timed, once per page.
///
/// Browsers first run wasm in a quickly compiled baseline tier and swap in optimized code only
/// for later calls, after compiling it in the background: a first run of long tasks measured
/// baseline code, about 10× slower here. Short calls with pauses between them trigger the
/// optimizing tier and give the background compiler time to finish. Workers share the compiled
/// module, so this warms every engine.
pub async fn warm_up() {
    thread_local! {
        static WARM: Cell<bool> = const { Cell::new(false) };
    }
    if WARM.with(|w| w.replace(true)) {
        return;
    }
    for _ in 0..8 {
        black_box(empty_loop_add(black_box(200_000), (10, 1)));
        yield_to_browser().await;
    }
}

pub fn run(job: &EmptyLoopJob) -> RawRun {
    let t0 = now_ms();
    let results: Vec<i64> = (0..job.tasks).map(|i| job.run_task(i)).collect();
    let elapsed_ms = now_ms() - t0;
    RawRun {
        results,
        arrival: (0..job.tasks).collect(),
        elapsed_ms,
        startup_ms: None,
        workers_used: 1,
    }
}
