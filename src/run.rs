//! How a job is run (the [`Mode`]), what a run reports ([`RawRun`]), and the check that stands
//! between a run and its time: a run whose results differ from the serial answer is reported as
//! wrong and its time is withheld.

use crate::cancel::Cancelled;
use crate::workloads::{Answer, Job, Value, Workload, first_failure, show_list};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

mod exchange;
mod lane;
pub use exchange::{Exchange, message_spans};
pub use lane::{Lane, unpack};

/// How isolated workers started one per task are waited for — seed 002's three versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Join {
    /// Start every worker, then wait for all: the right way.
    AfterAll,
    /// Start one, wait for it, start the next: the pitfall — as slow as serial.
    InsideLoop,
    /// Start every worker and stop the clock before waiting: measures only the start-up.
    ClockStopsBeforeJoin,
}

/// The ways corescope runs the same tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// A plain loop on the page's own thread.
    MainThread,
    /// Web Workers sharing one wasm memory, driven by rayon; with `gil`, a global lock makes
    /// them behave like CPython threads.
    Shared { gil: bool },
    /// Isolated workers (own instance, own memory, messages only) as a pool. `reuse`: the
    /// page's long-lived pool, started before the clock; otherwise a pool created and closed
    /// inside the timed call.
    Pool { reuse: bool },
    /// A fresh isolated worker per task, like one `multiprocessing.Process` per item.
    PerTask { join: Join },
    /// Every task a future on the page's own event loop, all started at once, like
    /// `asyncio.gather`: a task's wait is a timer (`await asyncio.sleep`), so waits overlap on
    /// one thread; its computing holds the loop, so computing never does.
    Asyncio,
}

impl Mode {
    /// Every mode, in a fixed order (share links number them by it).
    pub const ALL: [Mode; 9] = [
        Mode::MainThread,
        Mode::Shared { gil: false },
        Mode::Shared { gil: true },
        Mode::Pool { reuse: true },
        Mode::Pool { reuse: false },
        Mode::PerTask {
            join: Join::AfterAll,
        },
        Mode::PerTask {
            join: Join::InsideLoop,
        },
        Mode::PerTask {
            join: Join::ClockStopsBeforeJoin,
        },
        // Last, so links made before it keep their numbers.
        Mode::Asyncio,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Mode::MainThread => "main thread",
            Mode::Shared { gil: false } => "shared memory",
            Mode::Shared { gil: true } => "shared memory + GIL",
            Mode::Pool { reuse: true } => "isolated pool (reused)",
            Mode::Pool { reuse: false } => "isolated workers",
            Mode::PerTask {
                join: Join::AfterAll,
            } => "worker per task",
            Mode::PerTask {
                join: Join::InsideLoop,
            } => "worker per task, join inside the loop",
            Mode::PerTask {
                join: Join::ClockStopsBeforeJoin,
            } => "worker per task, clock stopped before join",
            Mode::Asyncio => "asyncio (one thread)",
        }
    }

    /// The Python construct the mode stands in for, as of Python 3.14: free-threaded builds
    /// (PEP 703) run threads without the GIL; `InterpreterPoolExecutor` (PEP 734) runs
    /// subinterpreters, isolated like processes.
    pub fn python_analog(self) -> &'static str {
        match self {
            Mode::MainThread => "a plain for loop",
            Mode::Shared { gil: false } => "threading on free-threaded CPython 3.14t (no GIL)",
            Mode::Shared { gil: true } => "threading on CPython's default build (with the GIL)",
            Mode::Pool { reuse: true } => {
                "one multiprocessing.Pool, reused; or 3.14's InterpreterPoolExecutor"
            }
            Mode::Pool { reuse: false } => "with multiprocessing.Pool() as p: p.map(…)",
            Mode::PerTask {
                join: Join::AfterAll,
            } => "Process per item: start all, then join all",
            Mode::PerTask {
                join: Join::InsideLoop,
            } => "Process per item: p.start(); p.join() in the loop",
            Mode::PerTask {
                join: Join::ClockStopsBeforeJoin,
            } => "Process per item, time taken before join",
            Mode::Asyncio => "asyncio.gather(…) of coroutines on one event loop",
        }
    }

    /// A stable name for test hooks and links.
    pub fn key(self) -> &'static str {
        match self {
            Mode::MainThread => "main",
            Mode::Shared { gil: false } => "shared",
            Mode::Shared { gil: true } => "gil",
            Mode::Pool { reuse: true } => "pool",
            Mode::Pool { reuse: false } => "isolated",
            Mode::PerTask {
                join: Join::AfterAll,
            } => "per-task",
            Mode::PerTask {
                join: Join::InsideLoop,
            } => "per-task-join-in-loop",
            Mode::PerTask {
                join: Join::ClockStopsBeforeJoin,
            } => "per-task-early-clock",
            Mode::Asyncio => "asyncio",
        }
    }

    /// Whether the tasks run in the page's own memory (and so see its globals).
    pub fn shares_page_memory(self) -> bool {
        matches!(self, Mode::MainThread | Mode::Shared { .. } | Mode::Asyncio)
    }

    /// Whether the mode runs every task on the page's own thread, whatever the worker count.
    pub fn on_page_thread(self) -> bool {
        matches!(self, Mode::MainThread | Mode::Asyncio)
    }

    /// Whether the mode starts isolated workers.
    pub fn isolated(self) -> bool {
        matches!(self, Mode::Pool { .. } | Mode::PerTask { .. })
    }
}

/// One task as it ran. Times are ms since the run's clock started, on one clock for the page
/// and every worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub index: usize,
    /// Which worker ran it: a pool thread's index or an isolated worker's number; 0 on the page.
    pub worker: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    /// Time spent waiting for the GIL (0 without one).
    pub gil_wait_ms: f64,
    /// With a GIL: the spans the task held it (it computed only then). Empty without one.
    #[serde(default)]
    pub held: Vec<(f64, f64)>,
}

impl TaskRecord {
    /// Task `index` on `worker` from `start_ms` to `end_ms`, without a GIL.
    pub fn new(index: usize, worker: usize, start_ms: f64, end_ms: f64) -> Self {
        Self {
            index,
            worker,
            start_ms,
            end_ms,
            gil_wait_ms: 0.0,
            held: Vec::new(),
        }
    }
}

/// An isolated worker started inside the timed run: spawned, then ready to take tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerLife {
    pub worker: usize,
    pub spawn_ms: f64,
    pub ready_ms: f64,
}

/// One batch of tasks sent to an isolated worker and its answer received, as the worker waited
/// on them: from when it was sent, or its worker finished the batch before if that was later,
/// to when the answer was read, or the worker went on to the next batch if that was earlier
/// (see [`message_spans`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageSpan {
    pub worker: usize,
    pub sent_ms: f64,
    pub received_ms: f64,
}

/// What an engine measured, before it is checked. Every time is in ms since the run's clock
/// started, on one clock for the page and every worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRun {
    /// Results in submission order.
    pub results: Vec<Value>,
    /// Each task, in the order its result reached the page (the queue's order).
    pub records: Vec<TaskRecord>,
    /// The timed span: from the first start to holding every result, as the seed times it.
    pub elapsed_ms: f64,
    /// Starting workers (spawn to ready). Part of `elapsed_ms`, except for a reused pool, which
    /// is started before the clock.
    pub startup_ms: Option<f64>,
    /// Time results and tasks spent in messages (the batches' spans minus their compute), summed
    /// over workers.
    pub messaging_ms: Option<f64>,
    /// The page's global total after the run (the shared counter's lesson).
    pub page_total: i64,
    /// Isolated workers started inside the timed span.
    pub lives: Vec<WorkerLife>,
    /// Batches sent to isolated workers and answered.
    pub messages: Vec<MessageSpan>,
}

impl RawRun {
    /// Task indices in arrival order.
    pub fn arrival(&self) -> Vec<usize> {
        self.records.iter().map(|r| r.index).collect()
    }

    /// Distinct workers that ran at least one task.
    pub fn workers_used(&self) -> usize {
        self.records
            .iter()
            .map(|r| r.worker)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }

    /// Whether tasks took turns on one worker: one held it again after another had taken it
    /// since its first turn (coroutines on one event loop, at their awaits).
    pub fn turns_interleave(&self) -> bool {
        let mut spans: Vec<(usize, f64, f64)> = self
            .records
            .iter()
            .filter_map(|r| Some((r.worker, r.held.first()?.0, r.held.last()?.1)))
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        spans
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[1].1 < w[0].2)
    }

    /// Compute time summed over tasks.
    pub fn compute_ms(&self) -> f64 {
        self.records.iter().map(|r| r.end_ms - r.start_ms).sum()
    }

    /// GIL waits summed over tasks.
    pub fn gil_wait_ms(&self) -> f64 {
        self.records.iter().map(|r| r.gil_wait_ms).sum()
    }

    /// Each worker's results in the order it produced them.
    pub fn by_worker(&self) -> BTreeMap<usize, Vec<Value>> {
        self.tasks_by_worker()
            .into_iter()
            .map(|(worker, tasks)| {
                (
                    worker,
                    tasks.iter().map(|&i| self.results[i].clone()).collect(),
                )
            })
            .collect()
    }

    /// Each worker's tasks, in the order it ran them.
    pub fn tasks_by_worker(&self) -> BTreeMap<usize, Vec<usize>> {
        let mut map: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for r in &self.records {
            map.entry(r.worker).or_default().push(r.index);
        }
        map
    }
}

/// A run whose results passed the check: only these carry a time to show.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedRun {
    pub mode: Mode,
    pub workers: usize,
    pub run: RawRun,
    /// Where the tasks touched a global: the total they leave it at serially, and so in any
    /// memory that ran them all.
    pub total: Option<i64>,
}

impl CheckedRun {
    /// The results as the page shows them (at most `limit` values): where the tasks touched a
    /// global, with what each memory's copy of it did — one total shared by threads, or each
    /// isolated worker counting from its own 0.
    pub fn result_text(&self, limit: usize) -> String {
        let r = &self.run;
        let Some(total) = self.total else {
            return show_list(&r.results, limit);
        };
        if self.mode.shares_page_memory() {
            let who = match self.mode {
                Mode::MainThread => "one memory's",
                Mode::Asyncio => "the event loop's coroutines share one",
                _ => "threads share one",
            };
            let ended = match total - r.page_total {
                0 => "as serially".to_string(),
                past if past < 0 => format!("past the serial {total} by {}", -past),
                // Lost updates: by how much the total fell short (the race adds 1 per update).
                lost => format!(
                    "short of the serial {total} by {lost} ({:.1}%): updates lost",
                    100.0 * lost as f64 / total as f64
                ),
            };
            return format!(
                "{} — {who} total: it ended at {}, {ended}",
                show_list(&r.results, limit),
                r.page_total
            );
        }
        let by_worker = r.by_worker();
        let mut workers: Vec<String> = by_worker
            .iter()
            .take(limit)
            .map(|(worker, values)| format!("worker {worker} {}", show_list(values, limit)))
            .collect();
        if by_worker.len() > limit {
            workers.push(format!("{} more", by_worker.len() - limit));
        }
        format!(
            "each worker counted from its own 0: {}; the page's total stayed {} (serially {total})",
            workers.join(", "),
            r.page_total
        )
    }
}

/// Why a run's time is not shown.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The engine finished but its results are not the serial answer.
    WrongResult(String),
    /// The engine could not run (no shared memory, a worker failed to start, a task trapped…).
    Failed(String),
    /// The run was cancelled before it ended (see [`Cancel`](crate::cancel::Cancel)).
    Cancelled,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::WrongResult(why) => write!(f, "wrong result: {why}"),
            RunError::Failed(why) => f.write_str(why),
            RunError::Cancelled => Cancelled.fmt(f),
        }
    }
}

impl From<Cancelled> for RunError {
    fn from(_: Cancelled) -> Self {
        RunError::Cancelled
    }
}

/// An engine's failure, said in words: what its start-up, its workers and its messages report.
impl From<String> for RunError {
    fn from(why: String) -> Self {
        RunError::Failed(why)
    }
}

fn show(values: &[Value]) -> String {
    show_list(values, 12)
}

/// Checks `run` of `job` against the serial `reference`: every task arrived exactly once, and
/// the results are the serial answer. A job that touches globals has one answer per memory: in
/// shared memory the page's total ends where the serial one does (and the built-in counter's
/// subtotals are the serial ones in some order); in isolated workers the page's total stays 0
/// and each worker counts from its own 0 (see [`check_in_own_memories`]).
pub fn check(
    mode: Mode,
    workers: usize,
    job: &Job,
    reference: &Answer,
    run: RawRun,
) -> Result<CheckedRun, RunError> {
    check_in_own_memories(mode, workers, job, reference, None, run)
}

/// [`check`], given for an isolated run what each worker's own copy of the global gives for the
/// tasks it ran, in the order it ran them (for a script, worked out by running them again on
/// the page with [`Job::expecting_in`]; the built-in counter's is known without).
pub fn check_in_own_memories(
    mode: Mode,
    workers: usize,
    job: &Job,
    reference: &Answer,
    own: Option<&BTreeMap<usize, Vec<Value>>>,
    run: RawRun,
) -> Result<CheckedRun, RunError> {
    let mut seen = run.arrival();
    seen.sort_unstable();
    if seen != (0..job.tasks).collect::<Vec<_>>() || run.results.len() != job.tasks {
        return Err(RunError::Failed(format!(
            "results arrived for tasks {:?}: each of the {} tasks must arrive exactly once",
            run.arrival(),
            job.tasks
        )));
    }
    // A script task that failed fails the run, with where and why; so does a serial answer that
    // could not be worked out.
    let failed = first_failure;
    if let Some(why) = failed(&run.results) {
        return Err(RunError::Failed(why));
    }
    if let Some(why) = failed(&reference.values) {
        return Err(RunError::Failed(format!(
            "the serial answer could not be worked out on the page: {why}"
        )));
    }
    if let Some(total) = reference.total {
        check_globals(mode, job, reference, total, own, &run)?;
    } else if run.results != reference.values {
        return Err(RunError::WrongResult(format!(
            "expected {}, got {}",
            show(&reference.values),
            show(&run.results)
        )));
    }
    Ok(CheckedRun {
        mode,
        workers,
        run,
        total: reference.total,
    })
}

fn check_globals(
    mode: Mode,
    job: &Job,
    reference: &Answer,
    total: i64,
    own: Option<&BTreeMap<usize, Vec<Value>>>,
    run: &RawRun,
) -> Result<(), RunError> {
    if mode.shares_page_memory() {
        // One loop (the page's, or one thread) runs the tasks in the serial order, so its
        // values are the serial ones. The built-in counter's subtotals are taken atomically, so
        // threads see the serial ones in some order. A script's values, and a race's, may read
        // the total while other threads add to it, which no serial run shows: their check is
        // where the total ends. Coroutines that took turns at their awaits are checked as
        // threads are: another task may have run between a read and a write.
        let threads = run.workers_used() > 1 || run.turns_interleave();
        let racing = matches!(job.workload, Workload::Race { .. });
        let values_right = if !threads {
            run.results == reference.values
        } else if job.uses_globals() && !racing {
            let mut got = run.results.clone();
            let mut expected = reference.values.clone();
            let key = |v: &Value| v.to_string();
            got.sort_by_key(key);
            expected.sort_by_key(key);
            got == expected
        } else {
            true
        };
        let values_checked = (job.uses_globals() && !racing) || !threads;
        // Unguarded threads lose updates (the race's lesson): the race's total may end short of
        // the serial one, never past it; a script that stores the total may end anywhere.
        let total_right = match (threads && job.may_lose_updates(), &job.workload) {
            (false, _) => run.page_total == total,
            (true, Workload::Race { .. }) => (1..=total).contains(&run.page_total),
            (true, _) => true,
        };
        if !values_right || !total_right {
            return Err(RunError::WrongResult(format!(
                "one memory should end at the serial total {total}{}; ended at {}{}",
                if values_checked {
                    format!(" with {}", show(&reference.values))
                } else {
                    String::new()
                },
                run.page_total,
                if values_checked {
                    format!(" with {}", show(&run.results))
                } else {
                    String::new()
                },
            )));
        }
        return Ok(());
    }
    if run.page_total != 0 {
        return Err(RunError::WrongResult(format!(
            "isolated workers changed the page's total to {}",
            run.page_total
        )));
    }
    let step = reference.values.first();
    let tasks = run.tasks_by_worker();
    for (worker, values) in run.by_worker() {
        let counted: Vec<Value>;
        let expected = match (own.and_then(|own| own.get(&worker)), step) {
            (Some(expected), _) => expected,
            (None, Some(Value::Int(step))) if job.uses_globals() => {
                counted = (1..=values.len() as i64)
                    .map(|k| Value::Int(k * step))
                    .collect();
                &counted
            }
            _ => {
                return Err(RunError::Failed(format!(
                    "no answer for worker {worker}'s own memory to check its values against"
                )));
            }
        };
        let failed = expected
            .iter()
            .zip(&tasks[&worker])
            .find_map(|(v, i)| match v {
                Value::Failed(why) => Some(format!("task {i}: {why}")),
                _ => None,
            });
        if let Some(why) = failed {
            return Err(RunError::Failed(format!(
                "the answer for worker {worker}'s own memory could not be worked out on the page: \
                 {why}"
            )));
        }
        if &values != expected {
            return Err(RunError::WrongResult(format!(
                "worker {worker} should count {} in its own memory, counted {}",
                show(expected),
                show(&values)
            )));
        }
    }
    Ok(())
}

/// CPython's `Pool.map` chunk size: tasks / (4 × workers), rounded up.
pub fn chunk_size(tasks: usize, workers: usize) -> usize {
    let (size, extra) = (tasks / (4 * workers.max(1)), tasks % (4 * workers.max(1)));
    (size + usize::from(extra > 0)).max(1)
}

/// Why a pool of `workers` can be slower than as many threads on `tasks` equal tasks: `Pool.map`
/// hands out chunks, not tasks, and when the chunks do not share out evenly one worker runs more
/// tasks than an even split would give it. `None` when that costs less than a tenth.
pub fn chunking_note(tasks: usize, workers: usize) -> Option<String> {
    let workers = workers.max(1);
    let chunk = chunk_size(tasks, workers);
    let chunks = tasks.div_ceil(chunk);
    // Workers pull chunks as they come free, so some worker runs at least this many.
    let busiest = (chunks.div_ceil(workers) * chunk).min(tasks);
    let even = tasks.div_ceil(workers);
    (busiest * 10 >= even * 11).then(|| {
        format!(
            "Pool.map cuts {tasks} tasks into chunks of {chunk}, as CPython does (tasks ÷ (4 × \
             workers), rounded up): {chunks} chunks over {workers} workers, so one worker runs \
             {busiest} tasks where an even split gives {even}"
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cancel_ends_a_run_as_an_error_of_its_own() {
        fn stopped(cancel: &crate::cancel::Cancel) -> Result<(), super::RunError> {
            cancel.check()?;
            Ok(())
        }
        let cancel = crate::cancel::Cancel::new();
        assert_eq!(stopped(&cancel), Ok(()));
        cancel.cancel();
        assert_eq!(stopped(&cancel), Err(super::RunError::Cancelled));
        // What the page shows for it has not changed.
        assert_eq!(super::RunError::Cancelled.to_string(), "cancelled");
    }

    #[test]
    fn chunks_like_cpython() {
        assert_eq!(super::chunk_size(1000, 2), 125);
        assert_eq!(super::chunk_size(10, 10), 1);
        assert_eq!(super::chunk_size(10, 2), 2);
        assert_eq!(super::chunk_size(0, 3), 1);
    }

    #[test]
    fn chunking_costs_a_pool_only_when_chunks_share_out_unevenly() {
        // The sleep-add bench: 10 tasks on 2 workers, chunks of 2, 5 chunks: 6 tasks against 5.
        let note = super::chunking_note(10, 2).expect("uneven");
        assert!(
            note.contains("chunks of 2")
                && note.contains("runs 6 tasks where an even split gives 5"),
            "{note}"
        );
        assert_eq!(super::chunking_note(10, 10), None);
        assert_eq!(
            super::chunking_note(8, 2),
            None,
            "4 chunks of 2 share out evenly"
        );
        assert_eq!(super::chunking_note(1000, 4), None);
    }

    use super::*;
    use crate::workloads::Workload;
    use crate::workloads::shared_counter::Guard;

    fn record(index: usize, worker: usize) -> TaskRecord {
        TaskRecord {
            index,
            worker,
            start_ms: 1.0,
            end_ms: 3.0,
            gil_wait_ms: 0.0,
            held: Vec::new(),
        }
    }

    fn raw(results: Vec<i64>, order: &[(usize, usize)], page_total: i64) -> RawRun {
        RawRun {
            results: results.into_iter().map(Value::Int).collect(),
            records: order.iter().map(|&(i, w)| record(i, w)).collect(),
            elapsed_ms: 12.5,
            startup_ms: None,
            messaging_ms: None,
            page_total,
            ..RawRun::default()
        }
    }

    fn add_job() -> Job {
        Job::new(Workload::EmptyLoop { count: 1 }, 2)
    }

    #[test]
    fn a_matching_run_passes_with_its_time() {
        let job = add_job();
        let checked = check(
            Mode::Shared { gil: false },
            2,
            &job,
            &job.answer(),
            raw(vec![11, 12], &[(1, 0), (0, 1)], 0),
        )
        .expect("results match");
        assert_eq!(checked.run.elapsed_ms, 12.5);
        assert_eq!(checked.run.arrival(), [1, 0]);
        assert_eq!(checked.run.workers_used(), 2);
        assert_eq!(checked.run.compute_ms(), 4.0);
    }

    #[test]
    fn a_wrong_result_is_rejected() {
        let job = add_job();
        let err = check(
            Mode::Pool { reuse: true },
            2,
            &job,
            &job.answer(),
            raw(vec![11, 13], &[(0, 0), (1, 0)], 0),
        )
        .unwrap_err();
        assert_eq!(
            err,
            RunError::WrongResult("expected [11, 12], got [11, 13]".into())
        );
    }

    #[test]
    fn a_missing_or_repeated_arrival_is_rejected() {
        let job = add_job();
        let err = check(
            Mode::Pool { reuse: true },
            2,
            &job,
            &job.answer(),
            raw(vec![11, 12], &[(0, 0), (0, 1)], 0),
        )
        .unwrap_err();
        assert!(matches!(err, RunError::Failed(_)), "{err:?}");
    }

    #[test]
    fn a_script_that_stores_the_total_may_end_anywhere_on_threads_but_not_on_one() {
        let order = [(0, 0), (1, 1), (2, 0), (3, 1)];
        let script = |source: &str| {
            let job = Job::new(
                Workload::Script {
                    source: source.into(),
                },
                4,
            );
            let reference = Answer {
                values: vec![Value::Int(0); 4],
                total: Some(20),
            };
            (job, reference)
        };
        let threads = Mode::Shared { gil: false };
        let (racing, reference) = script("fn task(i) { set_total(total() + 5); 0 }");
        let short = check(threads, 2, &racing, &reference, raw(vec![0; 4], &order, 15))
            .expect("a stored total may lose updates on threads");
        assert!(
            short
                .result_text(12)
                .contains("short of the serial 20 by 5 (25.0%): updates lost"),
            "{}",
            short.result_text(12)
        );
        let past = check(threads, 2, &racing, &reference, raw(vec![0; 4], &order, 30))
            .expect("a stored total may end anywhere");
        assert!(past.result_text(12).contains("past the serial 20 by 10"));
        // One thread, or a script that only adds atomically: the serial total or wrong.
        let one = [(0, 0), (1, 0), (2, 0), (3, 0)];
        assert!(check(threads, 1, &racing, &reference, raw(vec![0; 4], &one, 15)).is_err());
        let (adding, reference) = script("fn task(i) { add_to_total(5); 0 }");
        assert!(check(threads, 2, &adding, &reference, raw(vec![0; 4], &order, 15)).is_err());
    }

    #[test]
    fn coroutines_that_took_turns_at_their_awaits_are_checked_as_threads_are() {
        // Serially each task adds 5, then reads the total: 5, 10, 15.
        let job = Job::new(
            Workload::Script {
                source: "fn task(i) { add_to_total(5); sleep(10); total() }".into(),
            },
            3,
        );
        let reference = Answer {
            values: [5, 10, 15].map(Value::Int).to_vec(),
            total: Some(15),
        };
        let turns = |held: [&[(f64, f64)]; 3], seen: [i64; 3], total: i64| RawRun {
            results: seen.map(Value::Int).to_vec(),
            records: (0..3)
                .map(|i| TaskRecord {
                    held: held[i].to_vec(),
                    ..record(i, 0)
                })
                .collect(),
            page_total: total,
            ..RawRun::default()
        };
        // Gathered: all three added before any read, so each read 15.
        let gathered = turns(
            [
                &[(0.0, 1.0), (11.0, 12.0)],
                &[(1.0, 2.0), (12.0, 13.0)],
                &[(2.0, 3.0), (13.0, 14.0)],
            ],
            [15, 15, 15],
            15,
        );
        assert!(gathered.turns_interleave());
        let checked = check(Mode::Asyncio, 3, &job, &reference, gathered.clone())
            .expect("interleaved coroutines read the total between others' adds");
        assert!(
            checked.result_text(12).contains(
                "the event loop's coroutines share one total: it ended at 15, as serially"
            ),
            "{}",
            checked.result_text(12)
        );
        assert!(
            check(
                Mode::Asyncio,
                3,
                &job,
                &reference,
                RawRun {
                    page_total: 20,
                    ..gathered
                }
            )
            .is_err(),
            "the total must still end where it does serially"
        );
        // One after another: the serial values, exactly.
        let in_turn = [
            &[(0.0, 1.0), (11.0, 12.0)][..],
            &[(12.0, 13.0), (23.0, 24.0)],
            &[(24.0, 25.0), (35.0, 36.0)],
        ];
        assert!(!turns(in_turn, [5, 10, 15], 15).turns_interleave());
        assert!(
            check(
                Mode::Asyncio,
                1,
                &job,
                &reference,
                turns(in_turn, [5, 10, 15], 15)
            )
            .is_ok()
        );
        assert!(
            check(
                Mode::Asyncio,
                1,
                &job,
                &reference,
                turns(in_turn, [15, 15, 15], 15)
            )
            .is_err()
        );
    }

    #[test]
    fn unguarded_threads_may_lose_updates_but_never_add_any() {
        let race = |guard| Job::new(Workload::Race { adds: 100, guard }, 4);
        let (threads, gil) = (Mode::Shared { gil: false }, Mode::Shared { gil: true });
        let order = [(0, 0), (1, 1), (2, 0), (3, 1)];
        let job = race(Guard::Unguarded);
        let reference = job.answer();
        assert_eq!(reference.total, Some(400));
        // Threads: whatever subtotals they saw, a total short of the serial one is the lesson.
        let short = check(
            threads,
            2,
            &job,
            &reference,
            raw(vec![90, 180, 250, 310], &order, 310),
        )
        .expect("lost updates are what unguarded threads do");
        assert!(
            short
                .result_text(12)
                .ends_with("threads share one total: it ended at 310, short of the serial 400 by 90 (22.5%): updates lost"),
            "{}",
            short.result_text(12)
        );
        for (mode, total) in [(threads, 401), (threads, 0), (gil, 401)] {
            assert!(
                check(
                    mode,
                    2,
                    &job,
                    &reference,
                    raw(vec![1, 2, 3, 4], &order, total)
                )
                .is_err(),
                "{mode:?} ending at {total}"
            );
        }
        let whole = check(
            threads,
            2,
            &job,
            &reference,
            raw(vec![100, 200, 300, 400], &order, 400),
        )
        .expect("none lost");
        assert!(
            whole
                .result_text(12)
                .ends_with("it ended at 400, as serially")
        );
        // One thread runs the serial loop: nothing may be lost, and the values are the serial ones.
        let alone = [(0, 0), (1, 0), (2, 0), (3, 0)];
        assert!(
            check(
                threads,
                1,
                &job,
                &reference,
                raw(vec![100, 200, 300, 390], &alone, 390)
            )
            .is_err()
        );
        // A lock or an atomic add loses nothing.
        for guard in [Guard::Lock, Guard::Atomic] {
            let job = race(guard);
            let reference = job.answer();
            check(
                threads,
                2,
                &job,
                &reference,
                raw(vec![150, 200, 330, 400], &order, 400),
            )
            .expect("the full sum");
            assert!(
                check(
                    threads,
                    2,
                    &job,
                    &reference,
                    raw(vec![150, 200, 330, 399], &order, 399)
                )
                .is_err()
            );
        }
        // Isolated workers: each counts its own 100, 200… and the page's total stays 0.
        let procs = Mode::Pool { reuse: true };
        check(
            procs,
            2,
            &job,
            &reference,
            raw(vec![100, 100, 200, 200], &order, 0),
        )
        .expect("own memories");
        assert!(
            check(
                procs,
                2,
                &job,
                &reference,
                raw(vec![100, 100, 200, 190], &order, 0)
            )
            .is_err()
        );
    }

    #[test]
    fn a_shared_counter_has_one_answer_per_memory() {
        let job = Job::new(Workload::SharedCounter { amount: 5 }, 4);
        let reference = job.answer();
        let threads = Mode::Shared { gil: false };
        // Threads: the serial subtotals in any order, and the page ends at the full sum.
        check(
            threads,
            2,
            &job,
            &reference,
            raw(vec![10, 5, 20, 15], &[(1, 0), (0, 1), (3, 0), (2, 1)], 20),
        )
        .expect("threads");
        assert!(
            check(
                threads,
                2,
                &job,
                &reference,
                raw(vec![5, 5, 10, 10], &[(0, 0), (1, 1), (2, 0), (3, 1)], 10)
            )
            .is_err()
        );
        // The right subtotals, but the page's total is not the full sum.
        assert!(
            check(
                threads,
                2,
                &job,
                &reference,
                raw(vec![10, 5, 20, 15], &[(1, 0), (0, 1), (3, 0), (2, 1)], 15)
            )
            .is_err()
        );
        // Processes: each counts 5, 10… in its own memory and the page stays at 0.
        let procs = Mode::Pool { reuse: false };
        check(
            procs,
            2,
            &job,
            &reference,
            raw(vec![5, 5, 10, 10], &[(0, 0), (1, 1), (2, 0), (3, 1)], 0),
        )
        .expect("processes");
        assert!(
            check(
                procs,
                2,
                &job,
                &reference,
                raw(vec![5, 5, 10, 10], &[(0, 0), (1, 1), (2, 0), (3, 1)], 20)
            )
            .is_err()
        );
        assert!(
            check(
                procs,
                2,
                &job,
                &reference,
                raw(vec![5, 10, 15, 20], &[(0, 0), (1, 1), (2, 0), (3, 1)], 0)
            )
            .is_err()
        );
    }

    #[test]
    fn a_script_that_touches_the_total_is_checked_per_memory() {
        let job = Job::new(
            Workload::Script {
                source: crate::workloads::script::EXAMPLES[3].1.into(),
            },
            4,
        );
        let reference = job.answer();
        assert_eq!(reference.total, Some(20));
        let text = |v: &[i64]| {
            v.iter()
                .map(|&x| Value::Text(x.to_string()))
                .collect::<Vec<_>>()
        };
        let raw = |values: &[i64], order: &[(usize, usize)], page_total| RawRun {
            results: text(values),
            ..super::tests::raw(Vec::new(), order, page_total)
        };
        // Threads: the total ends where it does serially, whatever each task read on the way.
        let threads = Mode::Shared { gil: false };
        let racy = raw(&[10, 10, 15, 20], &[(0, 0), (1, 1), (2, 0), (3, 1)], 20);
        let checked = check(threads, 2, &job, &reference, racy).expect("threads");
        assert!(
            checked
                .result_text(6)
                .ends_with("threads share one total: it ended at 20, as serially"),
            "{}",
            checked.result_text(6)
        );
        // One thread runs the tasks in the serial order, so its values are the serial ones.
        let one = raw(&[5, 10, 15, 20], &[(0, 0), (1, 0), (2, 0), (3, 0)], 20);
        check(threads, 1, &job, &reference, one).expect("one thread");
        let wrong = raw(&[5, 10, 10, 20], &[(0, 0), (1, 0), (2, 0), (3, 0)], 20);
        let err = check(Mode::MainThread, 1, &job, &reference, wrong).unwrap_err();
        assert_eq!(
            err,
            RunError::WrongResult(
                "one memory should end at the serial total 20 with [5, 10, 15, 20]; ended at 20 \
                 with [5, 10, 10, 20]"
                    .into()
            )
        );
        let short = raw(&[5, 10, 15, 20], &[(0, 0), (1, 1), (2, 0), (3, 1)], 15);
        let err = check(threads, 2, &job, &reference, short).unwrap_err();
        assert_eq!(
            err,
            RunError::WrongResult(
                "one memory should end at the serial total 20; ended at 15".into()
            )
        );
        // Isolated workers: each worker's values are what its own copy gave for its tasks.
        let procs = Mode::Pool { reuse: true };
        let own: BTreeMap<usize, Vec<Value>> = [(0, text(&[5, 10])), (1, text(&[5, 10]))]
            .into_iter()
            .collect();
        let counted = raw(&[5, 5, 10, 10], &[(0, 0), (1, 1), (2, 0), (3, 1)], 0);
        let checked =
            check_in_own_memories(procs, 2, &job, &reference, Some(&own), counted.clone())
                .expect("processes");
        assert_eq!(
            checked.result_text(6),
            "each worker counted from its own 0: worker 0 [5, 10], worker 1 [5, 10]; the page's total stayed 0 (serially 20)"
        );
        let wrong: BTreeMap<usize, Vec<Value>> = [(0, text(&[5, 10])), (1, text(&[5, 15]))]
            .into_iter()
            .collect();
        let err = check_in_own_memories(procs, 2, &job, &reference, Some(&wrong), counted.clone())
            .unwrap_err();
        assert_eq!(
            err,
            RunError::WrongResult(
                "worker 1 should count [5, 15] in its own memory, counted [5, 10]".into()
            )
        );
        assert!(
            matches!(
                check(procs, 2, &job, &reference, counted.clone()),
                Err(RunError::Failed(_))
            ),
            "no answer to check against"
        );
        let unworkable: BTreeMap<usize, Vec<Value>> = [
            (0, text(&[5, 10])),
            (1, vec![Value::Failed("stopped: too long".into()); 2]),
        ]
        .into_iter()
        .collect();
        let err = check_in_own_memories(procs, 2, &job, &reference, Some(&unworkable), counted)
            .unwrap_err();
        assert_eq!(
            err,
            RunError::Failed(
                "the answer for worker 1's own memory could not be worked out on the page: \
                 task 1: stopped: too long"
                    .into()
            )
        );
        let many = raw(&[5, 5, 5, 5], &[(0, 0), (1, 1), (2, 2), (3, 3)], 0);
        let own: BTreeMap<usize, Vec<Value>> = (0..4).map(|w| (w, text(&[5]))).collect();
        let per_task = Mode::PerTask {
            join: Join::AfterAll,
        };
        let checked = check_in_own_memories(per_task, 4, &job, &reference, Some(&own), many)
            .expect("a worker per task");
        assert_eq!(
            checked.result_text(2),
            "each worker counted from its own 0: worker 0 [5], worker 1 [5], 2 more; the page's \
             total stayed 0 (serially 20)"
        );
        let leaked = raw(&[5, 5, 10, 10], &[(0, 0), (1, 1), (2, 0), (3, 1)], 5);
        assert!(check_in_own_memories(procs, 2, &job, &reference, Some(&own), leaked).is_err());
        // A script that never touches it is checked value by value, shown as it is.
        let plain = Job::new(
            Workload::Script {
                source: "fn task(i) { i }".into(),
            },
            2,
        );
        let checked = check(
            procs,
            2,
            &plain,
            &plain.answer(),
            raw(&[0, 1], &[(0, 0), (1, 1)], 0),
        )
        .expect("plain");
        assert_eq!(checked.result_text(6), "[0, 1]");
    }

    #[test]
    fn a_mode_runs_in_the_page_memory_or_in_isolated_workers_never_both() {
        let isolated: Vec<&str> = Mode::ALL
            .iter()
            .filter(|m| m.isolated())
            .map(|m| m.key())
            .collect();
        assert_eq!(
            isolated,
            [
                "pool",
                "isolated",
                "per-task",
                "per-task-join-in-loop",
                "per-task-early-clock"
            ]
        );
        for mode in Mode::ALL {
            assert_ne!(mode.isolated(), mode.shares_page_memory(), "{mode:?}");
        }
    }

    #[test]
    fn each_mode_names_the_python_it_stands_for() {
        let analogs: std::collections::BTreeSet<_> =
            Mode::ALL.iter().map(|m| m.python_analog()).collect();
        assert_eq!(analogs.len(), Mode::ALL.len(), "{analogs:?}");
        // As of Python 3.14: threads with and without the GIL, processes or subinterpreters.
        assert!(
            Mode::Shared { gil: true }
                .python_analog()
                .contains("with the GIL")
        );
        assert!(
            Mode::Shared { gil: false }
                .python_analog()
                .contains("3.14t")
        );
        assert!(
            Mode::Pool { reuse: true }
                .python_analog()
                .contains("InterpreterPoolExecutor")
        );
        for mode in Mode::ALL.into_iter().filter(|m| m.isolated()) {
            assert!(
                mode.python_analog().contains("multiprocessing.Pool")
                    || mode.python_analog().starts_with("Process per item"),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn a_refusal_reads_as_the_page_shows_it() {
        assert_eq!(
            RunError::WrongResult("expected [11, 12], got [11, 13]".into()).to_string(),
            "wrong result: expected [11, 12], got [11, 13]"
        );
        assert_eq!(
            RunError::Failed("a worker failed to start".into()).to_string(),
            "a worker failed to start"
        );
    }

    #[test]
    fn gil_waits_add_up_over_tasks() {
        let mut run = raw(vec![11, 12], &[(0, 0), (1, 1)], 0);
        run.records[0].gil_wait_ms = 1.5;
        run.records[1].gil_wait_ms = 2.25;
        assert_eq!(run.gil_wait_ms(), 3.75);
    }

    #[test]
    fn modes_have_distinct_keys() {
        let modes = Mode::ALL;
        let keys: std::collections::BTreeSet<_> = modes.iter().map(|m| m.key()).collect();
        assert_eq!(keys.len(), modes.len());
    }
}
