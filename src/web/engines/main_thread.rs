//! The serial reference: a plain loop on the page's own thread, like the seed's `for` loop. The
//! page cannot repaint while it runs; that freeze is part of the lesson.

use crate::run::RawRun;
use crate::web::platform::now_ms;
use crate::workloads::EmptyLoopJob;

pub fn run(job: &EmptyLoopJob) -> RawRun {
    // The first call of a wasm function runs up to 2× slower than later ones: warm up untimed.
    std::hint::black_box(job.run_task(0));
    let t0 = now_ms();
    let results: Vec<i64> = (0..job.tasks).map(|i| job.run_task(i)).collect();
    let elapsed_ms = now_ms() - t0;
    RawRun { results, arrival: (0..job.tasks).collect(), elapsed_ms, startup_ms: None, workers_used: 1 }
}
