//! Isolated workers: Web Workers that each instantiate their own copy of this module, with their
//! own memory, and talk to the page only by `postMessage` — Python's `multiprocessing`.
//!
//! Three ways to use them, as the seeds do:
//! - a **pool** of `k` workers that take chunks of tasks as they come free, like `Pool.map`
//!   (chunk size as CPython computes it). The page keeps one pool alive and reuses it across
//!   runs; a *fresh* pool is created and closed inside the timed call instead;
//! - a **worker per task**, like one `Process` per item, joined after all have started, joined
//!   inside the loop (the pitfall), or timed before joining (the mistake).
//!
//! This file is the page's side; each worker runs [`isolated_worker`](super::isolated_worker).
//! Messages are binary and transferred (see [`message`](super::message)).

use crate::cancel::Cancel;
use crate::run::chunk_size;
use crate::run::{Exchange, Join, RawRun, RunError, TaskRecord, WorkerLife, message_spans};
use crate::web::engines::message::{is_written, read, written};
use crate::web::engines::spawned::{self, Kind, Spawned, note};
use crate::web::engines::{Warmed, every_10_ms, next_run_id};
use crate::web::platform::{epoch_ms, now_ms};
use crate::workloads::{Job, Value, in_submission_order, shared_counter};
use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{join_all, try_join_all};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

#[wasm_bindgen(module = "/src/web/engines/isolated_worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = startIsolatedWorker, catch)]
    fn start_isolated_worker(
        page_glue_url: &JsValue,
        page_module: &JsValue,
    ) -> Result<Worker, JsValue>;
    #[cfg(feature = "page")]
    #[wasm_bindgen(js_name = useWorkerModule)]
    fn use_worker_module_js(glue_url: &str, compiling: &js_sys::Promise);
}

/// Called by `boot.js` before the page starts: isolated workers load the worker module (see
/// `worker/`) whose glue is at `glue_url`, once `compiling` gives it, instead of the page's.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub fn use_worker_module(glue_url: &str, compiling: js_sys::Promise) {
    use_worker_module_js(glue_url, &compiling);
}

/// Page → worker: run these tasks of `job`. `run` changes with every run, so a worker knows
/// when to start its globals afresh (a new "interpreter").
#[derive(Serialize, Deserialize)]
pub(crate) struct Batch {
    pub(crate) run: u64,
    pub(crate) job: Job,
    pub(crate) tasks: Range<usize>,
    /// Bytes of memory to grow to and touch before the tasks (see `reserve_memory`): sent
    /// untimed to a reused pool's workers, so its first timed run does not pay for it.
    #[serde(default)]
    pub(crate) reserve: u64,
}

/// A batch as the worker ran it: each task's result in the batch's order, and the times between
/// them on the shared epoch clock, read once per task: `times[0]` when the first task started,
/// `times[i + 1]` when task `i` ended and the next began (the few instructions between two tasks
/// are well under the clock's 5–20 µs resolution). One packed list, not a record per task.
#[derive(Serialize, Deserialize)]
pub(crate) struct Ran {
    /// The batch's first task, which says which batch this answers.
    pub(crate) first: usize,
    pub(crate) values: Vec<Value>,
    pub(crate) times: Vec<f64>,
}

impl Ran {
    /// Ready for a batch of `tasks`, its clock read as the first task starts.
    pub(crate) fn for_tasks(tasks: &Range<usize>) -> Self {
        let mut times = Vec::with_capacity(tasks.len() + 1);
        times.push(epoch_ms());
        Self {
            first: tasks.start,
            values: Vec::with_capacity(tasks.len()),
            times,
        }
    }

    /// How long its tasks took, from the first one's start to the last one's end.
    pub(crate) fn took_ms(&self) -> f64 {
        match (self.times.first(), self.times.last()) {
            (Some(first), Some(last)) => last - first,
            _ => 0.0,
        }
    }

    /// Adds a task's result as it ends (and the next begins).
    pub(crate) fn push(&mut self, value: Value) {
        self.values.push(value);
        self.times.push(epoch_ms());
    }

    /// Each of `tasks` with its result and its start and end; says what is wrong with an
    /// answer that does not fit the batch it answers.
    fn tasks(self, tasks: Range<usize>) -> Result<Vec<Done>, String> {
        if self.first != tasks.start {
            return Err(format!(
                "a worker answered a batch from task {} where {} was due",
                self.first,
                named(&tasks)
            ));
        }
        if self.values.len() != tasks.len() || self.times.len() != tasks.len() + 1 {
            return Err(format!(
                "a worker answered a batch of {} tasks with {} results and {} times",
                tasks.len(),
                self.values.len(),
                self.times.len()
            ));
        }
        Ok(tasks
            .zip(self.values)
            .zip(self.times.windows(2))
            .map(|((index, value), span)| Done {
                index,
                value,
                start_epoch_ms: span[0],
                end_epoch_ms: span[1],
            })
            .collect())
    }
}

/// One task of a batch, on the page: its index, result, and span on the shared epoch clock.
struct Done {
    index: usize,
    value: Value,
    start_epoch_ms: f64,
    end_epoch_ms: f64,
}

/// Worker → page, for a batch.
#[derive(Serialize, Deserialize)]
pub(crate) enum Reply {
    Done(Ran),
    Failed(String),
}

/// What arrives from a worker: its bootstrap's word (ready/failed) or a batch's reply, with
/// when the page had it read (on the epoch clock); or, in a pool run, that the worker's last
/// chunk was answered (its handler took in every answer before, see [`Queue`]).
enum Incoming {
    Ready,
    Reply(Reply, f64),
    Error(String),
    Finished,
    /// The handler could not send the worker its next chunk.
    Unsent(String),
}

/// A pool run's chunks, shared by its workers' message handlers: each takes in its worker's
/// answer as it is read and hands the worker its next chunk at once, as a CPython pool's process
/// takes its next chunk from the pipe as soon as it is free. The page's run hears from a worker
/// only when its last chunk is answered or something failed: it gets a turn only after whatever
/// else the page has to do, and a worker that waited for that turn stood idle.
struct Queue {
    run: u64,
    job: Job,
    chunk: usize,
    next: Cell<usize>,
    /// Where every answer's tasks go, in the order the answers are read.
    collector: Rc<RefCell<Collector>>,
    /// The most chunks a worker holds while its chunks are quick: [`AHEAD`] for a job whose
    /// tasks all cost about the same, else 1.
    ahead: usize,
}

impl Queue {
    /// The next chunk's tasks, unless every task has been handed out.
    fn take(&self) -> Option<Range<usize>> {
        let first = self.next.get();
        if first >= self.job.tasks {
            return None;
        }
        let last = (first + self.chunk).min(self.job.tasks);
        self.next.set(last);
        Some(first..last)
    }
}

/// A worker whose chunks take less than this gets up to [`AHEAD`] chunks before it asks, as
/// CPython's pool queues every chunk before any worker asks: the worker then does not wait for
/// its answer to reach the page and the next chunk to come back, which takes longer than a
/// chunk of tiny tasks. Only for a job whose tasks all cost about the same
/// ([`Workload::even_tasks`](crate::workloads::Workload::even_tasks)): every chunk is then as
/// quick, and a busy worker holds at most a few ms of tasks another worker could have taken.
pub const AHEAD_BELOW_MS: f64 = 1.0;
/// See [`AHEAD_BELOW_MS`].
pub const AHEAD: usize = 3;

/// One worker's part in a pool run: the run's queue, the worker's number in the run, and the
/// chunks sent to it and not yet answered, oldest first, with when each was sent.
struct Feeding {
    queue: Rc<Queue>,
    worker: usize,
    sent: VecDeque<(Range<usize>, f64)>,
}

impl Feeding {
    /// Sends `worker` the next chunk from the queue, if one is left; returns whether one was.
    fn feed(&mut self, worker: &Worker) -> Result<bool, String> {
        let Some(tasks) = self.queue.take() else {
            return Ok(false);
        };
        let batch = Batch {
            run: self.queue.run,
            job: self.queue.job.clone(),
            tasks,
            reserve: 0,
        };
        let sent = post(worker, &batch)?;
        self.sent.push_back((batch.tasks, sent));
        Ok(true)
    }

    /// Takes in the answer to the oldest chunk sent, read at `read_at`, and sends the next
    /// ones: one to replace it, and up to the queue's `ahead` in all while its chunks take less
    /// than [`AHEAD_BELOW_MS`]. Returns whether the worker is done: every chunk it was sent
    /// answered, none left to send; or what the run is to hear instead.
    fn answered(&mut self, worker: &Worker, ran: Ran, read_at: f64) -> Result<bool, Incoming> {
        let (tasks, sent) = self
            .sent
            .front()
            .cloned()
            .ok_or_else(|| Incoming::Error("an answer to no batch".into()))?;
        let ahead = match ran.took_ms() < AHEAD_BELOW_MS {
            true => self.queue.ahead,
            false => 1,
        };
        let done = ran.tasks(tasks).map_err(Incoming::Error)?;
        self.sent.pop_front();
        while self.sent.len() < ahead && self.feed(worker).map_err(Incoming::Unsent)? {}
        self.queue
            .collector
            .borrow_mut()
            .add(self.worker, done, (sent, read_at));
        Ok(self.sent.is_empty())
    }

    /// The oldest chunk sent and not answered, as a failure names it.
    fn pending(&self) -> String {
        self.sent
            .front()
            .map_or("a batch".into(), |(tasks, _)| named(tasks))
    }
}

/// Sends `worker` `batch`; returns when it was sent, on the epoch clock.
fn post(worker: &Worker, batch: &Batch) -> Result<f64, String> {
    let (message, transfer) = written(batch);
    let sent = epoch_ms();
    spawned::post_transferring(worker, &message, &transfer)?;
    Ok(sent)
}

/// A batch's tasks as a failure names them.
fn named(tasks: &Range<usize>) -> String {
    match tasks.len() {
        0 => "an empty batch".to_string(),
        1 => format!("task {}", tasks.start),
        _ => format!("tasks {}–{}", tasks.start, tasks.end - 1),
    }
}

/// The page's handle on one isolated worker; the worker is terminated when the handle drops.
struct Handle {
    worker: Spawned,
    inbox: mpsc::UnboundedReceiver<Incoming>,
    /// Spawned and ready, on the epoch clock shared with every worker.
    launched_epoch_ms: f64,
    ready_epoch_ms: Option<f64>,
    /// Workloads this worker has already run untimed, so its code is optimized.
    warmed: Warmed<&'static str>,
    /// Bytes its memory has been grown to hold for tasks.
    reserved: u64,
    /// While a pool run is on, the worker's part in it: its message handler takes in each
    /// answer and sends the next chunk (see [`Queue`]).
    feeding: Rc<RefCell<Option<Feeding>>>,
    /// When the page last heard from the worker (its clock): a run waits on a silent worker
    /// for the answer timeout, however many answers came before.
    heard: Rc<Cell<f64>>,
}

impl Handle {
    /// Creates the worker and sends it the module; does not wait for it.
    fn launch() -> Result<Self, String> {
        let launched_epoch_ms = epoch_ms();
        let (glue_url, module) = spawned::page_module();
        let worker = start_isolated_worker(&glue_url, &module)
            .map_err(|e| format!("could not start a worker: {e:?}"))?;
        let (tx, rx) = mpsc::unbounded();
        let feeding = Rc::new(RefCell::new(None::<Feeding>));
        let heard = Rc::new(Cell::new(f64::NEG_INFINITY));
        let on_message = {
            let tx = tx.clone();
            let (worker, feeding, heard) = (worker.clone(), Rc::clone(&feeding), Rc::clone(&heard));
            move |event: MessageEvent| {
                heard.set(now_ms());
                let data = event.data();
                let incoming = match is_written(&data) {
                    true => match read::<Reply>(&data) {
                        Ok(reply) => {
                            let read_at = epoch_ms();
                            match (reply, feeding.borrow_mut().as_mut()) {
                                // A pool run's answer: taken in here; the run hears only the end.
                                (Reply::Done(ran), Some(part)) => {
                                    match part.answered(&worker, ran, read_at) {
                                        Ok(false) => return,
                                        Ok(true) => Incoming::Finished,
                                        Err(incoming) => incoming,
                                    }
                                }
                                (reply, _) => Incoming::Reply(reply, read_at),
                            }
                        }
                        Err(e) => Incoming::Error(format!("unreadable message from a worker: {e}")),
                    },
                    false => match note(&data) {
                        (Some(kind), _) if kind == "ready" => Incoming::Ready,
                        (Some(kind), why) if kind == "panic" => {
                            Incoming::Error(format!("it panicked: {why}"))
                        }
                        (_, why) => {
                            Incoming::Error(format!("a worker failed to load the module: {why}"))
                        }
                    },
                };
                let _ = tx.unbounded_send(incoming);
            }
        };
        let on_error = move |message: Option<String>| {
            let _ = tx.unbounded_send(Incoming::Error(match message {
                Some(message) => format!("it trapped: {message}"),
                None => "its script did not load".into(),
            }));
        };
        let worker = Spawned::new(worker, Kind::Isolated, on_message, on_error);
        Ok(Self {
            worker,
            inbox: rx,
            launched_epoch_ms,
            ready_epoch_ms: None,
            warmed: Warmed::new(),
            reserved: 0,
            feeding,
            heard,
        })
    }

    /// Waits until the worker has its own instance running, unless the run is cancelled first;
    /// returns spawn-to-ready in ms.
    async fn ready(&mut self, cancel: &Cancel) -> Result<f64, RunError> {
        if let Some(at) = self.ready_epoch_ms {
            return Ok(at - self.launched_epoch_ms);
        }
        let first = self
            .reply_or_give_up(cancel)
            .await
            .map_err(|gave| match gave {
                Gave::Closed(why) => RunError::Failed(why),
                Gave::Cancelled => RunError::Cancelled,
                Gave::Up => RunError::Failed(format!(
                    "a worker did not get ready within {:.1} s (it had got to: {})",
                    f64::from(answer_timeout_ms()) / 1000.0,
                    self.worker.reached()
                )),
            })?;
        match first {
            Incoming::Ready => {
                let at = epoch_ms();
                self.ready_epoch_ms = Some(at);
                Ok(at - self.launched_epoch_ms)
            }
            Incoming::Error(why) => Err(RunError::Failed(why)),
            Incoming::Reply(..) | Incoming::Finished | Incoming::Unsent(_) => Err(
                RunError::Failed("a worker answered before it was ready".into()),
            ),
        }
    }

    /// Runs a batch; returns what the worker did, and when the batch was sent and its answer
    /// received on the epoch clock. A failure names the batch's tasks; a worker that does not
    /// answer within the answer timeout, or a cancelled run, ends the wait at once (the caller
    /// drops the handle, which terminates the worker).
    async fn run_batch(
        &mut self,
        run: u64,
        job: &Job,
        tasks: Range<usize>,
        cancel: &Cancel,
    ) -> Result<(Vec<Done>, (f64, f64)), RunError> {
        self.send_batch(run, job, tasks, 0, cancel).await
    }

    /// [`Self::run_batch`], with the worker growing its memory to `reserve` bytes first.
    async fn send_batch(
        &mut self,
        run: u64,
        job: &Job,
        tasks: Range<usize>,
        reserve: u64,
        cancel: &Cancel,
    ) -> Result<(Vec<Done>, (f64, f64)), RunError> {
        let batch = Batch {
            run,
            job: job.clone(),
            tasks,
            reserve,
        };
        let sent = post(self.worker.worker(), &batch)?;
        let tasks = batch.tasks;
        let failed = |why| failed_in_worker(&named(&tasks), why);
        match self.reply_or_give_up(cancel).await {
            Ok(Incoming::Reply(Reply::Done(ran), received)) => {
                Ok((ran.tasks(tasks.clone()).map_err(failed)?, (sent, received)))
            }
            Ok(Incoming::Reply(Reply::Failed(why), _) | Incoming::Error(why)) => Err(failed(why)),
            Ok(Incoming::Ready | Incoming::Finished) => {
                Err(RunError::Failed("a worker said ready twice".into()))
            }
            Ok(Incoming::Unsent(why)) => Err(RunError::Failed(why)),
            Err(gave) => Err(gave.into_error(&named(&tasks))),
        }
    }

    /// Starts the worker's part of a pool run, numbered `worker`, on `queue`'s chunks: sends
    /// the first; from then on its message handler takes in each answer and sends the next.
    /// Returns whether a chunk was left for it.
    fn start_feeding(&self, worker: usize, queue: &Rc<Queue>) -> Result<bool, RunError> {
        let mut part = Feeding {
            queue: Rc::clone(queue),
            worker,
            sent: VecDeque::new(),
        };
        let fed = part.feed(self.worker.worker()).map_err(RunError::Failed)?;
        if fed {
            *self.feeding.borrow_mut() = Some(part);
        }
        Ok(fed)
    }

    /// Waits until the worker's message handler has had the last chunk of its part answered
    /// (each answer goes to the queue's collector as it is read), or something failed.
    async fn fed(&mut self, cancel: &Cancel) -> Result<(), RunError> {
        let outcome = self.reply_or_give_up(cancel).await;
        // The handler feeds no more; what it was sending names a failure.
        let pending = self
            .feeding
            .take()
            .map_or("a batch".into(), |p| p.pending());
        match outcome {
            Ok(Incoming::Finished) => Ok(()),
            Ok(Incoming::Reply(Reply::Failed(why), _) | Incoming::Error(why)) => {
                Err(failed_in_worker(&pending, why))
            }
            Ok(Incoming::Unsent(why)) => Err(RunError::Failed(why)),
            Ok(Incoming::Ready) => Err(RunError::Failed("a worker said ready twice".into())),
            Ok(Incoming::Reply(Reply::Done(_), _)) => Err(RunError::Failed(
                "a worker answered a pool's batch out of turn".into(),
            )),
            Err(gave) => Err(gave.into_error(&pending)),
        }
    }

    /// The worker's next message, unless the run is cancelled first (checked every 10 ms) or
    /// the worker stays silent past the answer timeout (a pool's answers that its handler took
    /// in count as heard).
    async fn reply_or_give_up(&mut self, cancel: &Cancel) -> Result<Incoming, Gave> {
        let started = now_ms();
        let limit = f64::from(answer_timeout_ms());
        let heard = Rc::clone(&self.heard);
        let watch = every_10_ms(|| {
            if cancel.is_cancelled() {
                Some(Gave::Cancelled)
            } else {
                (now_ms() - started.max(heard.get()) > limit).then_some(Gave::Up)
            }
        });
        let next = self.inbox.next();
        futures::pin_mut!(watch);
        match futures::future::select(next, watch).await {
            futures::future::Either::Left((Some(incoming), _)) => Ok(incoming),
            futures::future::Either::Left((None, _)) => {
                Err(Gave::Closed("a worker's message channel closed".into()))
            }
            futures::future::Either::Right((gave, _)) => Err(gave),
        }
    }
}

impl Handle {
    /// Readies a long-lived pool's worker for `job` before the clock: runs its code a few times
    /// untimed, once per workload (a worker's first long call runs several times slower than
    /// later ones), and grows its memory to hold the job's largest task.
    async fn warm_up(&mut self, job: &Job) -> Result<(), RunError> {
        if self.warmed.first_time(job.workload.name()) {
            let small = job.warm_up();
            for _ in 0..4 {
                self.run_batch(next_run_id(), &small, 0..1, &Cancel::new())
                    .await?;
            }
        }
        let need = job.peak_task_bytes();
        if need > self.reserved {
            self.send_batch(next_run_id(), job, 0..0, need, &Cancel::new())
                .await?;
            self.reserved = need;
        }
        Ok(())
    }
}

/// Why a wait for a worker's answer ended without one.
enum Gave {
    Up,
    Cancelled,
    Closed(String),
}

impl Gave {
    /// Why a run waiting on a worker's answer to `tasks` ended.
    fn into_error(self, tasks: &str) -> RunError {
        match self {
            Gave::Up => RunError::Failed(format!(
                "a worker stopped answering: no reply for {tasks} within {:.1} s; it was stopped \
                 and will be replaced",
                f64::from(answer_timeout_ms()) / 1000.0
            )),
            Gave::Cancelled => RunError::Cancelled,
            Gave::Closed(why) => RunError::Failed(why),
        }
    }
}

/// A batch of `tasks` that failed in its worker, and why.
fn failed_in_worker(tasks: &str, why: String) -> RunError {
    RunError::Failed(format!(
        "{tasks} failed in an isolated worker: {why}. The worker was stopped and will be replaced"
    ))
}

/// How long a batch may go unanswered before its worker counts as hung. Generous: the longest
/// batch the bench's controls allow takes seconds.
pub const ANSWER_TIMEOUT_MS: u32 = 60_000;

/// The answer timeout in force (tests shorten it).
pub fn answer_timeout_ms() -> u32 {
    ISOLATED.with(|i| i.timeout_ms.get())
}

pub fn set_answer_timeout_ms(ms: u32) {
    ISOLATED.with(|i| i.timeout_ms.set(ms));
}

/// Isolated workers started and not yet terminated, on this page: after any run, finished,
/// failed or cancelled, only the reused pool's remain.
pub fn live_workers() -> usize {
    spawned::live(Kind::Isolated)
}

/// What the page keeps of its isolated workers between runs (each worker is counted by
/// [`spawned`] while it lives). Each field is its own cell, borrowed only inside an
/// `ISOLATED.with`, never across an `.await`: a run takes the reused pool out and puts it back.
struct IsolatedState {
    /// The answer timeout in force.
    timeout_ms: Cell<u32>,
    /// The page's long-lived pool, reused across runs.
    pool: RefCell<Vec<Handle>>,
}

thread_local! {
    static ISOLATED: IsolatedState = const {
        IsolatedState {
            timeout_ms: Cell::new(ANSWER_TIMEOUT_MS),
            pool: RefCell::new(Vec::new()),
        }
    };
}

/// Collects finished tasks into a run.
#[derive(Default)]
struct Collector {
    results: Vec<Option<Value>>,
    records: Vec<TaskRecord>,
    lives: Vec<WorkerLife>,
    exchanges: Vec<Exchange>,
    /// The page's clock at t0, on the epoch clock, to place worker times.
    epoch_t0: f64,
}

impl Collector {
    fn new(tasks: usize) -> Self {
        Self {
            results: vec![None; tasks],
            records: Vec::with_capacity(tasks),
            lives: Vec::new(),
            exchanges: Vec::new(),
            epoch_t0: epoch_ms(),
        }
    }

    /// Notes a worker started inside the run.
    fn started(&mut self, worker: usize, handle: &Handle) {
        if let Some(ready) = handle.ready_epoch_ms {
            self.lives.push(WorkerLife {
                worker,
                spawn_ms: handle.launched_epoch_ms - self.epoch_t0,
                ready_ms: ready - self.epoch_t0,
            });
        }
    }

    /// Adds `worker`'s answer to a batch sent at `sent` and read at `received` (epoch clock).
    fn add(&mut self, worker: usize, done: Vec<Done>, (sent, received): (f64, f64)) {
        let ran = done.first().zip(done.last()).map(|(first, last)| {
            (
                first.start_epoch_ms - self.epoch_t0,
                last.end_epoch_ms - self.epoch_t0,
            )
        });
        self.exchanges.push(Exchange {
            worker,
            sent_ms: sent - self.epoch_t0,
            received_ms: received - self.epoch_t0,
            ran,
            compute_ms: done.iter().map(|d| d.end_epoch_ms - d.start_epoch_ms).sum(),
        });
        for d in done {
            if let Some(slot) = self.results.get_mut(d.index) {
                *slot = Some(d.value);
            }
            self.records.push(TaskRecord {
                index: d.index,
                worker,
                start_ms: d.start_epoch_ms - self.epoch_t0,
                end_ms: d.end_epoch_ms - self.epoch_t0,
                gil_wait_ms: 0.0,
                held: Vec::new(),
            });
        }
    }

    fn finish(self, elapsed_ms: f64, startup_ms: Option<f64>) -> Result<RawRun, RunError> {
        let results = in_submission_order(self.results)?;
        let (messages, messaging_ms) = message_spans(&self.exchanges);
        Ok(RawRun {
            results,
            records: self.records,
            elapsed_ms,
            startup_ms,
            messaging_ms: Some(messaging_ms),
            page_total: shared_counter::total(),
            lives: self.lives,
            messages,
        })
    }
}

/// Hands out chunks of tasks to `handles` as each comes free: each worker's first from here,
/// the rest from its message handler as its answers arrive (see [`Queue`]), which adds them to
/// `collector`.
async fn map_on(
    handles: &mut [Handle],
    job: &Job,
    collector: &Rc<RefCell<Collector>>,
    cancel: &Cancel,
) -> Result<(), RunError> {
    let queue = Rc::new(Queue {
        run: next_run_id(),
        job: job.clone(),
        chunk: chunk_size(job.tasks, handles.len()),
        next: Cell::new(0),
        collector: Rc::clone(collector),
        ahead: match job.workload.even_tasks() {
            true => AHEAD,
            false => 1,
        },
    });
    cancel.check()?;
    // Every worker's first chunk goes out before the page waits on any.
    let mut started = Vec::with_capacity(handles.len());
    for (worker, handle) in handles.iter().enumerate() {
        match handle.start_feeding(worker, &queue) {
            Ok(true) => started.push(worker),
            Ok(false) => break,
            Err(e) => {
                for &w in &started {
                    handles[w].feeding.take();
                }
                return Err(e);
            }
        }
    }
    let parts = handles
        .iter_mut()
        .take(started.len())
        .map(|handle| handle.fed(cancel));
    join_all(parts).await.into_iter().collect()
}

/// Starts `k` workers and waits for all; returns them and the longest spawn-to-ready.
async fn start(k: usize, cancel: &Cancel) -> Result<(Vec<Handle>, f64), RunError> {
    let mut handles = (0..k)
        .map(|_| Handle::launch())
        .collect::<Result<Vec<_>, _>>()?;
    let ready = try_join_all(handles.iter_mut().map(|h| h.ready(cancel))).await?;
    Ok((handles, ready.into_iter().fold(0.0, f64::max)))
}

/// Spawn-to-ready of `n` fresh workers, one after another (each closed before the next).
pub async fn spawn_to_ready(n: usize) -> Result<Vec<f64>, String> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let mut handle = Handle::launch()?;
        times.push(
            handle
                .ready(&Cancel::new())
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(times)
}

/// `n` round trips of an empty batch to one ready worker: the cost of a message each way
/// (the text encoding included), in ms.
pub async fn round_trips(n: usize) -> Result<Vec<f64>, String> {
    let mut handle = Handle::launch()?;
    handle
        .ready(&Cancel::new())
        .await
        .map_err(|e| e.to_string())?;
    let job = Job::new(crate::workloads::Workload::Square, 0);
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let (_, (sent, received)) = handle
            .run_batch(next_run_id(), &job, 0..0, &Cancel::new())
            .await
            .map_err(|e| e.to_string())?;
        times.push(received - sent);
    }
    Ok(times)
}

/// Ends the page's reused pool (its workers, and with them their memories, which wasm never
/// shrinks); the next run that reuses a pool starts one before its clock. Returns the workers
/// ended.
pub fn release_pool() -> usize {
    ISOLATED.with(|i| i.pool.take()).len()
}

/// Runs `job` on a pool of `workers` isolated workers: the page's reused pool (started before
/// the clock, grown as needed), or a fresh one created and closed inside the timed call. A pool
/// of no worker is refused: its tasks would never run.
pub async fn run_pool(
    job: &Job,
    workers: usize,
    reuse: bool,
    cancel: &Cancel,
) -> Result<RawRun, RunError> {
    if workers == 0 {
        return Err(RunError::Failed(
            "a pool of 0 isolated workers cannot run any task".into(),
        ));
    }
    shared_counter::reset();
    if reuse {
        let mut pool = ISOLATED.with(|i| i.pool.take());
        let t_start = now_ms();
        if pool.len() < workers {
            let (more, _) = start(workers - pool.len(), cancel).await?;
            pool.extend(more);
        }
        let startup_ms = now_ms() - t_start;
        for handle in &mut pool[..workers] {
            handle.warm_up(job).await?;
        }
        shared_counter::reset();
        let collector = Rc::new(RefCell::new(Collector::new(job.tasks)));
        let t0 = now_ms();
        let outcome = map_on(&mut pool[..workers], job, &collector, cancel).await;
        let elapsed_ms = now_ms() - t0;
        // A pool whose worker failed is not trusted again: the next run starts afresh.
        if outcome.is_ok() {
            ISOLATED.with(|i| i.pool.replace(pool));
        }
        outcome?;
        collector.take().finish(elapsed_ms, Some(startup_ms))
    } else {
        let collector = Rc::new(RefCell::new(Collector::new(job.tasks)));
        let t0 = now_ms();
        let (mut pool, startup_ms) = start(workers, cancel).await?;
        for (worker, handle) in pool.iter().enumerate() {
            collector.borrow_mut().started(worker, handle);
        }
        map_on(&mut pool, job, &collector, cancel).await?;
        drop(pool);
        let elapsed_ms = now_ms() - t0;
        collector.take().finish(elapsed_ms, Some(startup_ms))
    }
}

/// Runs each task of `job` on a worker of its own, waited for as `join` says.
pub async fn run_per_task(job: &Job, join: Join, cancel: &Cancel) -> Result<RawRun, RunError> {
    shared_counter::reset();
    let run = next_run_id();
    let collector = RefCell::new(Collector::new(job.tasks));
    let one = |mut handle: Handle, index: usize| {
        let collector = &collector;
        async move {
            let ready = handle.ready(cancel).await?;
            collector.borrow_mut().started(index, &handle);
            cancel.check()?;
            let (done, span) = handle.run_batch(run, job, index..index + 1, cancel).await?;
            collector.borrow_mut().add(index, done, span);
            Ok::<f64, RunError>(ready)
        }
    };
    let t0 = now_ms();
    match join {
        Join::InsideLoop => {
            let mut startup = 0.0f64;
            for index in 0..job.tasks {
                cancel.check()?;
                startup = startup.max(one(Handle::launch()?, index).await?);
            }
            let elapsed_ms = now_ms() - t0;
            collector.into_inner().finish(elapsed_ms, Some(startup))
        }
        Join::AfterAll | Join::ClockStopsBeforeJoin => {
            let handles = (0..job.tasks)
                .map(|_| Handle::launch())
                .collect::<Result<Vec<_>, _>>()?;
            // The mistake: the clock stops once every worker is started, before any is joined.
            let started_ms = now_ms() - t0;
            let ready =
                try_join_all(handles.into_iter().enumerate().map(|(i, h)| one(h, i))).await?;
            let joined_ms = now_ms() - t0;
            let startup = ready.into_iter().fold(0.0, f64::max);
            match join {
                Join::ClockStopsBeforeJoin => collector.into_inner().finish(started_ms, None),
                _ => collector.into_inner().finish(joined_ms, Some(startup)),
            }
        }
    }
}
