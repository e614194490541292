//! Every lesson preset, at small sizes, in real browsers: each step's result is the serial
//! answer, and each preset's qualitative outcome holds — with bounds that hold on any machine.
//! No test asserts a CPU speedup: a machine with two vCPUs may barely scale.
#![cfg(target_arch = "wasm32")]

mod support;

use corescope::cancel::Cancel;
use corescope::experiment::{self, Outcome, Outcomes, PresetId, Step};
use corescope::run::{CheckedRun, Mode};
use corescope::settings::{Scale, sweep_workloads};
use corescope::web::engines;
use corescope::web::platform::hardware_concurrency;
use corescope::workloads::Value;
use support::pool;

/// Enough threads for the seeds' ten workers.
const POOL_THREADS: usize = 12;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Ran {
    steps: Vec<Step>,
    results: Vec<Option<Outcome>>,
}

impl Ran {
    fn outcomes(&self) -> Outcomes<'_> {
        Outcomes {
            steps: &self.steps,
            results: &self.results,
        }
    }

    fn run(&self, id: &str) -> &CheckedRun {
        self.outcomes()
            .run(id)
            .unwrap_or_else(|| panic!("step {id} has no checked run"))
    }

    fn ms(&self, id: &str) -> f64 {
        self.run(id).run.elapsed_ms
    }
}

/// Runs every step of `preset` at the quick scale and requires each to pass its check.
async fn run(preset: PresetId) -> Ran {
    pool(POOL_THREADS).await;
    let steps = experiment::steps(
        preset,
        Scale::Quick,
        hardware_concurrency(),
        POOL_THREADS,
        &sweep_workloads(Scale::Quick)[0],
    );
    let mut results = Vec::new();
    for step in &steps {
        // As the page does: a short step runs until `run_again` says enough, and its median run
        // counts, so one slow run on a shared machine does not turn a lesson around.
        let mut runs = Vec::new();
        let median = loop {
            let (outcome, _) =
                engines::measure(step.mode, &step.job, step.workers, &Cancel::new()).await;
            match outcome {
                Ok(run) => runs.push(run),
                Err(e) => panic!(
                    "{} / {} ({}): {e}",
                    preset.title(),
                    step.label,
                    step.mode.label()
                ),
            }
            if !experiment::run_again(&runs) {
                break experiment::median_run(runs);
            }
        };
        results.push(Some(Ok(std::rc::Rc::new(median))));
    }
    let ran = Ran { steps, results };
    let lesson = experiment::lesson(preset, hardware_concurrency(), &ran.outcomes());
    assert!(
        !lesson.is_empty(),
        "{} wrote no lesson from a complete run",
        preset.title()
    );
    ran
}

#[wasm_bindgen_test]
async fn sleep_bound_tasks_overlap_on_every_kind_of_worker() {
    let r = run(PresetId::SleepBound).await;
    let serial = r.ms("serial");
    for id in ["gil", "shared", "pool"] {
        let t = r.ms(id);
        assert!(
            t < 0.35 * serial,
            "{id}: 10 sleeping tasks on 10 workers took {t:.1} ms, serial {serial:.1} ms"
        );
    }
}

#[wasm_bindgen_test]
async fn cpu_bound_loop_gives_the_serial_answer_on_every_worker_count() {
    let r = run(PresetId::CpuBound).await;
    assert_eq!(
        r.run("pool-10").run.workers_used(),
        10.min(r.run("pool-10").run.results.len())
    );
}

#[wasm_bindgen_test]
async fn the_gil_serializes_cpu_work() {
    let r = run(PresetId::GilThreads).await;
    let (gil, serial) = (r.ms("gil-10"), r.ms("serial-10"));
    assert!(
        gil >= 0.8 * serial,
        "10 GIL threads took {gil:.1} ms, less than 0.8 × serial {serial:.1} ms"
    );
    assert!(
        r.run("gil-10").run.gil_wait_ms() > 0.0,
        "10 threads never waited for the GIL"
    );
}

#[wasm_bindgen_test]
async fn threads_share_the_global_and_processes_copy_it() {
    let r = run(PresetId::GlobalVariable).await;
    for id in ["gil", "shared"] {
        assert_eq!(
            r.run(id).run.page_total,
            40,
            "{id}: threads should leave the page's total at 40"
        );
    }
    let procs = &r.run("pool").run;
    assert_eq!(
        procs.page_total, 0,
        "processes must leave the page's total at 0"
    );
    for (worker, subtotals) in procs.by_worker() {
        assert_eq!(
            subtotals.first(),
            Some(&Value::Int(5)),
            "worker {worker} starts from its own 0"
        );
    }
}

#[wasm_bindgen_test]
async fn list_append_builds_the_same_lists_everywhere() {
    let r = run(PresetId::ListAppend).await;
    for k in [1, 2, 4] {
        let gil = &r.run(&format!("gil-{k}")).run.results;
        assert_eq!(gil, &r.run(&format!("shared-{k}")).run.results);
        assert_eq!(gil, &r.run(&format!("pool-{k}")).run.results);
    }
}

#[wasm_bindgen_test]
async fn a_worker_per_task_pays_start_up_that_a_reused_pool_does_not() {
    let r = run(PresetId::ProcessVsPool).await;
    let step = r
        .steps
        .iter()
        .find(|s| s.id == "pool-reused")
        .expect("the preset has a reused pool");
    // The pool is up now: a second call starts nothing.
    let (again, _) = engines::measure(step.mode, &step.job, step.workers, &Cancel::new()).await;
    let reused = again
        .expect("the reused pool runs again")
        .run
        .startup_ms
        .expect("pools report start-up");
    let per_task = r
        .run("process")
        .run
        .startup_ms
        .expect("per-task workers report start-up");
    assert!(
        per_task > reused,
        "per-task start-up {per_task:.1} ms should exceed a started pool's {reused:.1} ms"
    );
}

#[wasm_bindgen_test]
async fn joining_inside_the_loop_is_serial_and_the_early_clock_misses_the_work() {
    let r = run(PresetId::SumRange).await;
    let (in_loop, serial) = (r.ms("join-in-loop"), r.ms("serial"));
    assert!(
        in_loop >= 0.8 * serial,
        "join inside the loop took {in_loop:.1} ms, less than 0.8 × serial {serial:.1} ms"
    );
    let (early, real) = (r.ms("clock-before-join"), r.ms("start-then-join"));
    assert!(
        early < real,
        "stopping the clock before joining ({early:.1} ms) should report less than joining ({real:.1} ms)"
    );
}

#[wasm_bindgen_test]
async fn pool_map_returns_submission_order_whatever_the_arrival() {
    let r = run(PresetId::QueueOrder).await;
    let squares: Vec<Value> = [0, 1, 4, 9, 16].into_iter().map(Value::Int).collect();
    for id in ["queue", "queue-uneven", "pool-map"] {
        let run = &r.run(id).run;
        assert_eq!(run.results, squares, "{id}: tagged results sorted by index");
        let mut arrival = run.arrival();
        arrival.sort_unstable();
        assert_eq!(arrival, [0, 1, 2, 3, 4], "{id}: every result arrived once");
    }
}

#[wasm_bindgen_test]
async fn factorial_map_is_the_same_on_processes_and_threads() {
    let r = run(PresetId::FactorialMap).await;
    assert_eq!(r.run("processes").run.results, r.run("threads").run.results);
    assert_eq!(r.run("threads").run.results[9], Value::Big("362880".into()));
}

#[wasm_bindgen_test]
async fn a_reused_pool_is_cheaper_than_one_created_per_call() {
    let r = run(PresetId::PoolOverhead).await;
    for what in ["sleep", "square"] {
        let (fresh, reused) = (
            r.ms(&format!("{what}-fresh")),
            r.ms(&format!("{what}-reused")),
        );
        assert!(
            reused < fresh,
            "{what}: reused pool {reused:.1} ms should beat a pool created per call {fresh:.1} ms"
        );
    }
    // Each sleep has a worker of its own (sleeping needs no core), so the reused pool takes
    // about as long as its longest sleep, as in the seed — not the sum of two workers' sleeps.
    let sleeps = &r.run("sleep-serial");
    let step = r
        .steps
        .iter()
        .find(|s| s.id == "sleep-serial")
        .expect("the step");
    let longest = f64::from(step.job.wait_ms(step.job.tasks - 1));
    let reused = r.ms("sleep-reused");
    assert!(
        reused < 1.5 * longest && sleeps.run.elapsed_ms > 2.0 * longest,
        "a reused pool of 5 took {reused:.1} ms for sleeps up to {longest} ms"
    );
}

#[wasm_bindgen_test]
async fn the_sweep_runs_every_engine_at_every_worker_count() {
    let r = run(PresetId::ScalingSweep).await;
    for mode in [
        Mode::Shared { gil: false },
        Mode::Shared { gil: true },
        Mode::Pool { reuse: true },
    ] {
        let counts: Vec<usize> = r
            .steps
            .iter()
            .filter(|s| s.mode == mode)
            .map(|s| s.workers)
            .collect();
        assert_eq!(
            counts,
            (1..=counts.len()).collect::<Vec<_>>(),
            "{}",
            mode.label()
        );
    }
}

#[wasm_bindgen_test]
async fn free_threads_lose_updates_that_the_gil_a_lock_and_an_atomic_keep() {
    use corescope::workloads::shared_counter::Guard;
    use corescope::workloads::{Job, Workload};
    let r = run(PresetId::FreeThreadRace).await;
    // The check has let each step's total through only at or under the serial total; guarded
    // steps, and the GIL's (which changes hands between steps), exactly at it.
    for id in ["serial", "gil", "lock", "atomic"] {
        let run = r.run(id);
        assert_eq!(Some(run.run.page_total), run.total, "{id}");
    }
    assert_eq!(
        r.run("pool").run.page_total,
        0,
        "isolated workers leave the page's total"
    );
    // Unguarded free threads: short of the full sum in at least one of ten runs, never above.
    let job = Job::new(
        Workload::Race {
            adds: 500_000,
            guard: Guard::Unguarded,
        },
        4,
    );
    let full = 4 * 500_000;
    let mut totals = Vec::new();
    for _ in 0..10 {
        let (outcome, _) =
            engines::measure(Mode::Shared { gil: false }, &job, 4, &Cancel::new()).await;
        let run = outcome.unwrap_or_else(|e| panic!("an unguarded race: {e}"));
        assert!(run.run.page_total <= full, "{}", run.run.page_total);
        totals.push(run.run.page_total);
        if run.run.page_total < full {
            break;
        }
    }
    assert!(
        totals.iter().any(|&t| t < full),
        "4 unguarded threads lost no update in {} runs: {totals:?}",
        totals.len()
    );
}

#[wasm_bindgen_test]
async fn asyncio_overlaps_waits_on_one_thread_but_not_computing() {
    use corescope::timeline::Timeline;
    let r = run(PresetId::AsyncioWaits).await;
    let (serial, gathered) = (r.ms("serial-waits"), r.ms("asyncio-waits"));
    assert!(
        gathered < 0.35 * serial,
        "10 waits gathered took {gathered:.1} ms, serially {serial:.1} ms"
    );
    let (serial, gathered) = (r.ms("serial-loops"), r.ms("asyncio-loops"));
    assert!(
        gathered > 0.8 * serial,
        "10 loops gathered on one thread took {gathered:.1} ms, serially {serial:.1} ms"
    );
    for id in ["asyncio-waits", "asyncio-loops"] {
        let step = r.steps.iter().find(|s| s.id == id).unwrap();
        let t = Timeline::of(Mode::Asyncio, &step.job, &r.run(id).run);
        assert_eq!(t.lanes.len(), 1, "{id}: one event loop");
        // Never two at once. A wait's computing (one add) can read 0 ms on every task on a
        // 20 µs clock (Firefox's), so only the loops must show one computing.
        let most = t.most_computing_at_once(0.0);
        match id {
            "asyncio-loops" => assert_eq!(most, 1, "{id}"),
            _ => assert!(most <= 1, "{id}: {most} computing at once"),
        }
        assert!(t.overlap_in_a_lane(0.0).is_none(), "{id}");
    }
    // No await inside the step: on one event loop the race loses nothing.
    use corescope::workloads::shared_counter::Guard;
    use corescope::workloads::{Job, Workload};
    let job = Job::new(
        Workload::Race {
            adds: 50_000,
            guard: Guard::Unguarded,
        },
        4,
    );
    let (outcome, _) = engines::measure(Mode::Asyncio, &job, 4, &Cancel::new()).await;
    let run = outcome.unwrap_or_else(|e| panic!("a race on one event loop: {e}"));
    assert_eq!(run.run.page_total, 200_000);
}
