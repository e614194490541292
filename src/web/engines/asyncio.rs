//! asyncio's model, on the page's own event loop: `workers` coroutines take the tasks in order
//! from one queue (with as many coroutines as tasks, that is `asyncio.gather` of them all).
//! A task's wait is a timer, as `await asyncio.sleep(…)` is, so waits overlap on one thread;
//! its computing holds the loop, so no two tasks ever compute at once and the page cannot
//! repaint meanwhile. Between two tasks, at most every [`YIELD_EVERY_MS`], the loop lets the
//! browser handle what is queued, as asyncio's loop polls for I/O between its callbacks; that
//! time stays inside the clock, since timers keep running through it.
//!
//! A visitor's script pauses at each `sleep(…)` at the top of its `fn task`, which is awaited
//! as a timer too; the stretches between hold the loop (see `workloads::script::steps`).
//!
//! Each task's record holds the spans it held the loop (`held`), and the time it was due but
//! waited for the loop because another task computed (`gil_wait_ms`): one lane in the
//! timeline, tasks interleaved at their awaits.

use crate::cancel::Cancel;
use crate::run::{RawRun, RunError, TaskRecord};
use crate::web::engines::main_thread::YIELD_EVERY_MS;
use crate::web::panics::{guarded, install_hook};
use crate::web::platform::{now_ms, yield_to_browser};
use crate::workloads::script::{self, Step};
use crate::workloads::{Job, PageThread, Value, Workload, shared_counter};
use gloo_timers::future::TimeoutFuture;
use std::cell::{Cell, RefCell};

/// The loop's state, shared by its coroutines (one thread: cells, never held across an await).
struct Loop<'a> {
    job: &'a Job,
    cancel: &'a Cancel,
    t0: f64,
    /// The next task a coroutine takes.
    next: Cell<usize>,
    /// When the loop last let the browser in.
    last_yield: Cell<f64>,
    results: RefCell<Vec<Option<Value>>>,
    /// In the order tasks ended.
    records: RefCell<Vec<TaskRecord>>,
}

impl Loop<'_> {
    fn now(&self) -> f64 {
        now_ms() - self.t0
    }

    /// One coroutine: takes the next task until none is left.
    async fn coroutine(&self) -> Result<(), RunError> {
        loop {
            let i = self.next.get();
            if i >= self.job.tasks {
                return Ok(());
            }
            self.next.set(i + 1);
            self.cancel.check()?;
            let start_ms = self.now();
            let wait = self.job.wait_ms(i);
            // When the task could compute: once its timer is due.
            let mut due_ms = start_ms;
            if wait > 0 {
                TimeoutFuture::new(wait).await;
                self.cancel.check()?;
                due_ms = start_ms + f64::from(wait);
            }
            let (value, held, late_ms) = match &self.job.workload {
                Workload::Script { source } => self.script_task(source, i, due_ms).await?,
                _ => {
                    let from = self.now();
                    let value = self.compute(i, || {
                        self.job.compute(i, &mut PageThread::for_job(self.job))
                    })?;
                    (value, vec![(from, self.now())], (from - due_ms).max(0.0))
                }
            };
            let end_ms = self.now();
            if let Value::Failed(why) = &value {
                return Err(RunError::Failed(format!("task {i}: {why}")));
            }
            self.results.borrow_mut()[i] = Some(value);
            self.records.borrow_mut().push(TaskRecord {
                index: i,
                worker: 0,
                start_ms,
                end_ms,
                gil_wait_ms: late_ms,
                held,
            });
            if now_ms() - self.last_yield.get() >= YIELD_EVERY_MS {
                yield_to_browser().await;
                self.last_yield.set(now_ms());
            }
        }
    }

    /// Task `i`'s computing, holding the loop; a trap fails the run.
    fn compute<T>(&self, i: usize, mut f: impl FnMut() -> T) -> Result<T, RunError> {
        let mut value = None;
        guarded(|| value = Some(f()))
            .map_err(|why| format!("task {i} failed on the event loop: {why}"))?;
        Ok(value.expect("a task that returned has its value"))
    }

    /// A script's task `i`, due at `due_ms`: its stretches between the sleeps at the top of its
    /// body, each holding the loop, each sleep awaited as a timer (see `script::steps`). Its
    /// value, the spans it held the loop, and how long it was due but waited for the loop.
    async fn script_task(
        &self,
        source: &str,
        i: usize,
        mut due_ms: f64,
    ) -> Result<(Value, Vec<(f64, f64)>, f64), RunError> {
        let (mut held, mut late_ms) = (Vec::new(), 0.0);
        let mut task = match script::start_steps(source, i) {
            Ok(task) => task,
            Err(e) => return Ok((Value::from(Err(e)), held, late_ms)),
        };
        loop {
            let from = self.now();
            late_ms += (from - due_ms).max(0.0);
            let step = self.compute(i, || task.step(&mut PageThread::for_job(self.job)))?;
            let to = self.now();
            held.push((from, to));
            match step {
                Step::Done(value) => return Ok((value.into(), held, late_ms)),
                Step::Await(0) => due_ms = to,
                Step::Await(ms) => {
                    TimeoutFuture::new(ms).await;
                    self.cancel.check()?;
                    due_ms = to + f64::from(ms);
                }
            }
        }
    }
}

/// Runs `job` as `workers` coroutines on the page's event loop, until done or cancelled.
pub async fn run(job: &Job, workers: usize, cancel: &Cancel) -> Result<RawRun, RunError> {
    install_hook();
    shared_counter::reset();
    let t0 = now_ms();
    let lp = Loop {
        job,
        cancel,
        t0,
        next: Cell::new(0),
        last_yield: Cell::new(t0),
        results: RefCell::new(vec![None; job.tasks]),
        records: RefCell::new(Vec::with_capacity(job.tasks)),
    };
    let coroutines = (0..workers.clamp(1, job.tasks.max(1))).map(|_| lp.coroutine());
    futures::future::try_join_all(coroutines).await?;
    let elapsed_ms = lp.now();
    let results = lp.results.into_inner();
    Ok(RawRun {
        results: results
            .into_iter()
            .map(|v| v.expect("every task ran"))
            .collect(),
        records: lp.records.into_inner(),
        elapsed_ms,
        page_total: shared_counter::total(),
        ..RawRun::default()
    })
}
