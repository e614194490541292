//! Timelines of real runs in real browsers: a lane per worker that ran a task, bars that never
//! overlap within a lane, one clock across the page and its workers, the GIL held by one task
//! at a time, one worker at a time when joining inside the loop; and the effective-core
//! calibration's curve.
#![cfg(target_arch = "wasm32")]

mod support;

use corescope::cancel::Cancel;
use corescope::run::{Join, Mode, RawRun};
use corescope::stats::effective_cores;
use corescope::timeline::{Kind, Timeline};
use corescope::web::engines::{self, calibrate};
use corescope::workloads::{Job, Workload};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Clocks of different threads are read a few microseconds apart.
const TOLERANCE_MS: f64 = 0.05;

async fn run(mode: Mode, job: &Job, workers: usize) -> (RawRun, Timeline) {
    support::pool(4).await;
    let raw = engines::run(mode, job, workers, &Cancel::new())
        .await
        .expect("the job runs");
    let timeline = Timeline::of(mode, job, &raw);
    (raw, timeline)
}

fn cpu(tasks: usize) -> Job {
    Job::new(Workload::EmptyLoop { count: 4_000_000 }, tasks)
}

/// What every timeline must satisfy.
fn assert_well_formed(raw: &RawRun, t: &Timeline) {
    assert_eq!(
        t.lanes.len(),
        raw.workers_used(),
        "{}: one lane per worker used",
        t.mode.label()
    );
    if let Some((worker, a, b)) = t.overlap_in_a_lane(TOLERANCE_MS) {
        panic!(
            "{}: bars overlap in worker {worker}'s lane: {a:?} and {b:?}",
            t.mode.label()
        );
    }
    let tasks: usize = t
        .lanes
        .iter()
        .map(|l| {
            let mut ids: Vec<usize> = l.bars.iter().filter_map(|b| b.task).collect();
            ids.dedup();
            ids.len()
        })
        .sum();
    assert_eq!(tasks, raw.records.len(), "every task has bars");
}

#[wasm_bindgen_test]
async fn shared_memory_lanes_are_the_threads_used() {
    let (raw, t) = run(Mode::Shared { gil: false }, &cpu(9), 3).await;
    assert_well_formed(&raw, &t);
    assert!(t.lanes.len() >= 2, "{} lanes", t.lanes.len());
    assert!(t.bars().all(|b| b.kind == Kind::Compute));
}

#[wasm_bindgen_test]
async fn with_the_gil_no_two_tasks_compute_at_the_same_moment() {
    let (raw, t) = run(Mode::Shared { gil: true }, &cpu(6), 3).await;
    assert_well_formed(&raw, &t);
    assert_eq!(t.lanes.len(), 3, "every thread took a task");
    assert!(
        t.bars().any(|b| b.kind == Kind::WithoutGil),
        "the lock went round"
    );
    assert_eq!(
        t.most_computing_at_once(TOLERANCE_MS),
        1,
        "two tasks held the GIL at once"
    );
}

#[wasm_bindgen_test]
async fn sleeping_tasks_sleep_in_parallel_but_barely_compute() {
    let job = Job::new(Workload::SleepAdd { ms: 40 }, 6);
    // Four workers, all the pool has (`run` starts it with 4): the engine refuses more.
    let (raw, t) = run(Mode::Shared { gil: false }, &job, 4).await;
    assert_well_formed(&raw, &t);
    assert!(t.total_ms(Kind::Sleeping) >= 6.0 * 39.0);
}

#[wasm_bindgen_test]
async fn an_isolated_pool_shows_start_up_messages_and_compute_on_one_clock() {
    let (raw, t) = run(Mode::Pool { reuse: false }, &cpu(6), 2).await;
    assert_well_formed(&raw, &t);
    for lane in &t.lanes {
        let startup = lane
            .bars
            .iter()
            .find(|b| b.kind == Kind::Startup)
            .expect("a worker started in the run has a start-up bar");
        let first_compute = lane
            .bars
            .iter()
            .find(|b| b.kind == Kind::Compute)
            .expect("a worker that ran a task computed");
        // Times taken inside the worker fall after its ready time taken on the page: one clock.
        assert!(
            first_compute.start_ms >= startup.end_ms - 1.0,
            "worker {} computed at {:.2} ms, before it was ready at {:.2} ms",
            lane.worker,
            first_compute.start_ms,
            startup.end_ms
        );
        assert!(lane.bars.iter().any(|b| b.kind == Kind::Messaging));
    }
}

#[wasm_bindgen_test]
async fn joining_inside_the_loop_runs_one_worker_at_a_time() {
    let job = cpu(3);
    let mode = Mode::PerTask {
        join: Join::InsideLoop,
    };
    let (raw, t) = run(mode, &job, 3).await;
    assert_well_formed(&raw, &t);
    assert_eq!(t.lanes.len(), 3, "a worker per task");
    let lanes: Vec<(f64, f64)> = t
        .lanes
        .iter()
        .map(|l| (l.bars[0].start_ms, l.bars[l.bars.len() - 1].end_ms))
        .collect();
    for pair in lanes.windows(2) {
        assert!(
            pair[1].0 >= pair[0].1 - TOLERANCE_MS,
            "a worker started before the one before it had finished: {lanes:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn the_calibration_measures_every_worker_count_and_estimates_the_cores() {
    support::pool(4).await;
    let curve = calibrate::throughput_curve(4)
        .await
        .expect("the calibration runs");
    let ks: Vec<usize> = curve.iter().map(|p| p.0).collect();
    assert_eq!(ks, [1, 2, 3, 4]);
    assert!(curve.iter().all(|p| p.1 > 0.0), "{curve:?}");
    let estimate = effective_cores(&curve).expect("an estimate");
    assert!((1..=4).contains(&estimate.cores), "{estimate:?}");
}
