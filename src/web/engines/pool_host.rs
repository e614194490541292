//! Inside the pool's host worker: rayon's global pool, started by wasm-bindgen-rayon in this
//! worker's own memory, and the runs the page asks for.
//!
//! The host hands each run to the pool as exactly `k` loops that take task indices from one
//! shared counter (a pool's queue), so at most `k` threads compute, and awaits a channel: its
//! own thread stays free to hear a cancel from the page and a pool thread's failure. Everything a
//! run touches — the counter, the GIL, the shared total — lives in the host's memory.

use crate::cancel::Cancel;
use crate::gil::{Gil, warm_call};
use crate::run::Lane;
use crate::web::engines::Warmed;
use crate::web::engines::message::{read, written};
use crate::web::engines::pool::{Reply, Request};
use crate::web::panics::install_hook;
use crate::web::platform::epoch_ms;
use crate::workloads::{
    Job, NoGil, Stoppable, Value, WarmUp, reserve_memory, shared_counter, sleep_unless_cancelled,
};
use futures::channel::oneshot;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};
use web_time::Instant;

#[wasm_bindgen(module = "/src/web/engines/pool_host.js")]
extern "C" {
    #[wasm_bindgen(js_name = noteThreadIndex)]
    fn note_thread_index(index: usize);
}

/// How long a run waits for the previous run's loops (cancelled mid-task) to stop.
pub const SETTLE_WITHIN_MS: f64 = 2_000.0;

/// Runs one task on a pool thread: with the GIL held while it computes and released while it
/// waits, or freely; either way it stops early once `stop` is set.
/// With a GIL, also returns the wait and the spans the task held the lock.
fn run_task(
    job: &Job,
    i: usize,
    gil: Option<&Gil>,
    stop: &Cancel,
) -> (Value, Duration, Vec<(Instant, Instant)>) {
    match gil {
        Some(gil) => {
            let mut held = gil.acquire();
            let wait = job.wait_ms(i);
            if wait > 0 {
                held.released(|| sleep_unless_cancelled(wait, stop));
            }
            let value = job.compute(
                i,
                &mut Stoppable {
                    inner: &mut held,
                    cancel: stop,
                },
            );
            let (waited, holds) = held.finish();
            (value, waited, holds)
        }
        None => (
            job.run_blocking(i, &mut NoGil, stop),
            Duration::ZERO,
            Vec::new(),
        ),
    }
}

/// A thread's entry in [`Run::current`] while it is between tasks.
const IDLE: usize = usize::MAX;

/// One run, shared by the host and the loops on the pool's threads.
struct Run {
    id: u64,
    job: Job,
    gil: Option<Gil>,
    next: AtomicUsize,
    /// The tasks each loop ran, added by each loop as it ends.
    done: Mutex<Vec<Lane>>,
    /// Tasks ended so far: the next one's place in the completion order.
    ended: AtomicUsize,
    /// The task each pool thread is computing, by thread index: what a failure names.
    current: Vec<AtomicUsize>,
    /// The loops the run was handed (at least 1), and those still running.
    loops: usize,
    loops_left: AtomicUsize,
    finished: Mutex<Option<oneshot::Sender<()>>>,
    /// Set when the page cancels the run.
    stop: Cancel,
    /// Instants are aligned across the threads of one memory; `offset_ms` places them on the
    /// page's clock (the run's start as the page timed it).
    t0: Instant,
    offset_ms: f64,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Run {
    fn ms(&self, at: Instant) -> f64 {
        self.offset_ms + at.saturating_duration_since(self.t0).as_secs_f64() * 1000.0
    }

    /// One of the run's loops: takes the next task until none is left or the run stops. The
    /// clock is read once per task (a task ends as the loop's next begins: the few instructions
    /// between them are well under its resolution), and the loop keeps what it ran, with each
    /// task's place in the completion order, until it ends, so tasks that end together on
    /// different threads never wait on one lock.
    fn work(&self) {
        let thread = rayon::current_thread_index().expect("pool jobs run on pool threads");
        // Room for an even share, so that a push between two tasks does not copy the lists.
        let share = self.job.tasks.div_ceil(self.loops);
        let mut lane = Lane::new(thread, self.ms(Instant::now()), share);
        while !self.stop.is_cancelled() {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            if index >= self.job.tasks {
                break;
            }
            self.current[thread].store(index, Ordering::SeqCst);
            let (value, waited, holds) = run_task(&self.job, index, self.gil.as_ref(), &self.stop);
            let end = self.ms(Instant::now());
            self.current[thread].store(IDLE, Ordering::SeqCst);
            let place = self.ended.fetch_add(1, Ordering::Relaxed);
            let gil = self.gil.is_some().then(|| {
                let held = holds.into_iter().map(|(a, b)| (self.ms(a), self.ms(b)));
                (waited.as_secs_f64() * 1000.0, held.collect())
            });
            lane.push(index, place, end, value, gil);
        }
        locked(&self.done).push(lane);
        if self.loops_left.fetch_sub(1, Ordering::SeqCst) == 1
            && let Some(tx) = locked(&self.finished).take()
        {
            // The receiver only disappears if the host dropped the run; nothing to report then.
            let _ = tx.send(());
        }
    }
}

/// What the host keeps between the page's requests, on its own thread (pool threads never
/// touch it). Each field is its own cell, borrowed only inside a `HOST.with`, never across an
/// `.await`.
struct HostState {
    /// The host's own scope, which the page's requests come from and its replies go to.
    scope: DedicatedWorkerGlobalScope,
    /// The run in progress.
    current: RefCell<Option<Arc<Run>>>,
    /// A fault was reported: the page terminates this host, so later reports add nothing.
    faulted: Cell<bool>,
    /// Workloads the pool threads have run untimed (see [`warm_up`]).
    warmed: RefCell<Warmed<&'static str>>,
}

thread_local! {
    static HOST: HostState = HostState {
        scope: js_sys::global().unchecked_into(),
        current: RefCell::new(None),
        faulted: Cell::new(false),
        warmed: RefCell::new(Warmed::new()),
    };
}

/// Loops of any run still on a pool thread. The host's one piece of state outside [`HostState`]:
/// the pool threads count themselves out of it, so it is shared by every thread of this memory.
static BUSY: AtomicUsize = AtomicUsize::new(0);

fn reply(reply: &Reply) {
    let (message, transfer) = written(reply);
    // Posting to our own scope only fails if the page is gone.
    HOST.with(|h| {
        let _ = h.scope.post_message_with_transfer(&message, &transfer);
    });
}

/// The host's side, called by `pool_host.js` once `initThreadPool` has started the pool: tells
/// each pool thread its index (for trap reports), then answers the page's requests.
#[wasm_bindgen]
pub fn pool_host_main() {
    install_hook();
    // Blocks this worker until every pool thread ran it, which a worker may do.
    rayon::broadcast(|ctx| note_thread_index(ctx.index()));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        match read::<Request>(&event.data()) {
            Ok(Request::Run {
                run,
                job,
                workers,
                gil,
                t0_epoch_ms,
            }) => wasm_bindgen_futures::spawn_local(host_run(run, job, workers, gil, t0_epoch_ms)),
            Ok(Request::Cancel { run }) => HOST.with(|h| {
                if let Some(current) = h.current.borrow().as_ref()
                    && current.id == run
                {
                    current.stop.cancel();
                }
            }),
            Ok(Request::WarmUp { job }) => wasm_bindgen_futures::spawn_local(warm_up(job)),
            Ok(Request::Probe { tasks, workers }) => {
                wasm_bindgen_futures::spawn_local(probe(tasks, workers));
            }
            Err(e) => reply(&Reply::Fault {
                thread: None,
                task: None,
                why: format!("the pool's host could not read a request: {e}"),
            }),
        }
    });
    HOST.with(|h| {
        h.scope
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()))
    });
    // The handler lives as long as the host.
    on_message.forget();
}

/// A pool thread's report, passed on by `pool_host.js`: `kind` "panic" (the panic hook's
/// message, before the trap) or "failed" (the trap, or an uncaught error); `thread` its rayon
/// index, or -1 when unknown. The first report names the task the thread held.
#[wasm_bindgen]
pub fn pool_host_note(kind: String, message: String, thread: i32) {
    if HOST.with(|h| h.faulted.replace(true)) {
        return;
    }
    let thread = usize::try_from(thread).ok();
    let task = HOST.with(|h| {
        let run = h.current.borrow();
        let run = run.as_ref()?;
        // A trap while every other thread may wait on the failed one: stop what can stop.
        run.stop.cancel();
        match run.current.get(thread?)?.load(Ordering::SeqCst) {
            IDLE => None,
            task => Some(task),
        }
    });
    let why = match kind.as_str() {
        "panic" => format!("it panicked: {message}"),
        _ => format!("it trapped: {message}"),
    };
    reply(&Reply::Fault { thread, task, why });
}

/// Waits (briefly) until no loop of an earlier run is still on a thread: a cancelled run's
/// loops stop at their task's next checkpoint.
async fn settle() {
    let started = epoch_ms();
    while BUSY.load(Ordering::SeqCst) > 0 && epoch_ms() - started < SETTLE_WITHIN_MS {
        gloo_timers::future::TimeoutFuture::new(2).await;
    }
}

/// The loops a request for `workers` gets. The worker count is checked here, where the page's
/// messages arrive, and nowhere else on their way: at least one loop, or the run would never
/// end; at most one per pool thread, so no more than `workers` threads compute.
fn loops_for(workers: usize) -> usize {
    workers.clamp(1, rayon::current_num_threads())
}

async fn host_run(id: u64, job: Job, workers: usize, gil: bool, t0_epoch_ms: f64) {
    settle().await;
    let threads = rayon::current_num_threads();
    let workers = loops_for(workers);
    shared_counter::reset();
    let (tx, rx) = oneshot::channel();
    let t0 = Instant::now();
    let run = Arc::new(Run {
        id,
        job,
        gil: gil.then(Gil::new),
        next: AtomicUsize::new(0),
        done: Mutex::new(Vec::with_capacity(workers)),
        ended: AtomicUsize::new(0),
        current: (0..threads).map(|_| AtomicUsize::new(IDLE)).collect(),
        loops: workers,
        loops_left: AtomicUsize::new(workers),
        finished: Mutex::new(Some(tx)),
        stop: Cancel::new(),
        t0,
        offset_ms: epoch_ms() - t0_epoch_ms,
    });
    HOST.with(|h| h.current.replace(Some(Arc::clone(&run))));
    for _ in 0..workers {
        let run = Arc::clone(&run);
        BUSY.fetch_add(1, Ordering::SeqCst);
        rayon::spawn(move || {
            run.work();
            BUSY.fetch_sub(1, Ordering::SeqCst);
        });
    }
    let _ = rx.await;
    reply(&Reply::Done {
        run: id,
        lanes: std::mem::take(&mut *locked(&run.done)),
        page_total: shared_counter::total(),
        memory_bytes: crate::web::platform::memory_bytes(),
    });
}

/// Grows the host's memory for `job`, and, once per workload, gets the pool threads to run its
/// code optimized before anything is timed: measured here,
/// workers did not profit from the page's warm-up (a pool thread's first long calls ran about
/// 4× slower than later ones). Pool threads share their optimized code, so warming one warms
/// them all.
async fn warm_up(job: Job) {
    // The host's memory is its pool threads' memory: grow it here, before any clock.
    reserve_memory(job.peak_memory_bytes());
    if !HOST.with(|h| h.warmed.borrow_mut().first_time(job.workload.name())) {
        reply(&Reply::Warm);
        return;
    }
    let small = job.warm_up();
    let (tx, rx) = oneshot::channel();
    rayon::spawn(move || {
        let mut warm = WarmUp::new(Duration::from_millis(400));
        while !warm.call(|| warm_call(&small)) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = tx.send(());
    });
    let _ = rx.await;
    shared_counter::reset();
    reply(&Reply::Warm);
}

/// The name of the global this code runs in: a worker's name, or "window" on a page.
fn global_name() -> String {
    let global = js_sys::global();
    if global.dyn_ref::<web_sys::Window>().is_some() {
        return "window".into();
    }
    js_sys::Reflect::get(&global, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

async fn probe(tasks: usize, workers: usize) {
    let (tx, rx) = oneshot::channel();
    let workers = loops_for(workers);
    rayon::spawn(move || {
        let next = AtomicUsize::new(0);
        let seen = Mutex::new(Vec::with_capacity(tasks));
        rayon::scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| {
                    while next.fetch_add(1, Ordering::SeqCst) < tasks {
                        std::thread::sleep(Duration::from_millis(5));
                        locked(&seen).push((rayon::current_thread_index(), global_name()));
                    }
                });
            }
        });
        let _ = tx.send(seen.into_inner().unwrap_or_else(|e| e.into_inner()));
    });
    let seen = rx.await.unwrap_or_default();
    reply(&Reply::Probe { seen });
}
