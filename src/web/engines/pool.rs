//! The shared-memory pool: a rayon thread pool whose threads are Web Workers sharing the page's
//! wasm memory, each started by the page through rayon's `spawn_handler`.
//!
//! rayon's global pool lives as long as the page and cannot be started twice, but a thread that
//! traps is gone for good, and work waiting on it waits forever. So this pool can be thrown away
//! and built anew: the page listens to every worker, and when one reports a panic or a trap
//! ([`Pool::failure`]) the run stops, the pool is torn down ([`discard`]) and the next run gets
//! a fresh one ([`get`]).
//!
//! The page's main thread only ever hands work to the pool (`spawn`) and awaits; it never waits
//! inside rayon, which would spin it (rayon's `web_spin_lock`) and freeze the page.

use crate::web::engines::spawned::{Spawned, note};
use crate::web::panics::install_hook;
use crate::web::platform::now_ms;
use futures::channel::mpsc;
use gloo_timers::future::TimeoutFuture;
use rayon::{ThreadBuilder, ThreadPool, ThreadPoolBuilder};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

#[wasm_bindgen(module = "/src/web/engines/pool_worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnPoolWorker, catch)]
    fn spawn_pool_worker() -> Result<Worker, JsValue>;
}

/// A pool worker's one thread: runs `thread` until its pool is dropped. Called by the worker's
/// bootstrap once the module shares the page's memory.
#[wasm_bindgen]
pub fn pool_thread_main(thread: usize) {
    // SAFETY: `thread` is the address of the `Box<ThreadBuilder>` that `launch` leaked for
    // this worker alone and sent it exactly once.
    let thread = unsafe { Box::from_raw(thread as *mut ThreadBuilder) };
    thread.run();
}

/// How long a new pool's workers may take to load the module.
pub const READY_WITHIN_MS: f64 = 20_000.0;
/// How long a discarded pool's healthy threads get to leave before every worker is terminated.
pub const LEAVE_WITHIN_MS: f64 = 1_000.0;
/// How long a run waits for the previous run's threads (cancelled mid-task) to stop.
pub const SETTLE_WITHIN_MS: f64 = 2_000.0;

/// What a pool worker tells the page.
#[derive(Debug)]
enum Note {
    Ready,
    Panicked(String),
    Failed(String),
    Exited,
}

/// Starts a worker for rayon thread `thread`; its notes go to `notes`.
fn launch(
    thread: ThreadBuilder,
    notes: mpsc::UnboundedSender<(usize, Note)>,
) -> Result<Spawned, String> {
    let index = thread.index();
    let worker =
        spawn_pool_worker().map_err(|e| format!("could not start a pool worker: {e:?}"))?;
    let on_message = {
        let notes = notes.clone();
        move |event: MessageEvent| {
            let note = match note(&event.data()) {
                (Some(kind), _) if kind == "ready" => Note::Ready,
                (Some(kind), _) if kind == "exited" => Note::Exited,
                (Some(kind), why) if kind == "panic" => Note::Panicked(why),
                (_, why) => Note::Failed(why),
            };
            let _ = notes.unbounded_send((index, note));
        }
    };
    let on_error = move |event: ErrorEvent| {
        let _ = notes.unbounded_send((index, Note::Failed(event.message())));
    };
    let worker = Spawned::new(worker, &LIVE, on_message, on_error);
    let thread = Box::into_raw(Box::new(thread));
    let sent = worker.boot(&[
        ("memory", wasm_bindgen::memory()),
        ("thread", JsValue::from(thread as usize)),
    ]);
    if sent.is_err() {
        // SAFETY: the message did not go out, so nothing else has the thread.
        drop(unsafe { Box::from_raw(thread) });
    }
    sent.map(|()| worker)
}

/// A started pool.
pub struct Pool {
    pool: RefCell<Option<ThreadPool>>,
    threads: usize,
    workers: RefCell<Vec<Spawned>>,
    notes: RefCell<mpsc::UnboundedReceiver<(usize, Note)>>,
    /// Jobs handed to the pool and not yet returned.
    busy: Arc<AtomicUsize>,
}

impl Pool {
    async fn build(threads: usize) -> Result<Self, String> {
        install_hook();
        let (tx, rx) = mpsc::unbounded();
        let mut workers = Vec::with_capacity(threads);
        let built = ThreadPoolBuilder::new()
            .num_threads(threads)
            .spawn_handler(|thread| {
                workers.push(launch(thread, tx.clone()).map_err(std::io::Error::other)?);
                Ok(())
            })
            .build()
            .map_err(|e| format!("could not start the shared-memory pool: {e}"))?;
        let pool = Self {
            pool: RefCell::new(Some(built)),
            threads,
            workers: RefCell::new(workers),
            notes: RefCell::new(rx),
            busy: Arc::default(),
        };
        let started = now_ms();
        let mut ready = 0;
        while ready < threads {
            while let Some((thread, note)) = pool.next_note() {
                match note {
                    Note::Ready => ready += 1,
                    Note::Panicked(why) | Note::Failed(why) => {
                        pool.tear_down().await;
                        return Err(format!("pool thread {thread} could not start: {why}"));
                    }
                    Note::Exited => {}
                }
            }
            if now_ms() - started > READY_WITHIN_MS {
                pool.tear_down().await;
                return Err(format!(
                    "the shared-memory pool's workers did not get ready within {:.0} s",
                    READY_WITHIN_MS / 1000.0
                ));
            }
            if ready < threads {
                TimeoutFuture::new(5).await;
            }
        }
        Ok(pool)
    }

    fn next_note(&self) -> Option<(usize, Note)> {
        self.notes.borrow_mut().try_recv().ok()
    }

    /// Its number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Hands `job` to a pool thread; `Err` if the pool was torn down.
    pub fn spawn(&self, job: impl FnOnce() + Send + 'static) -> Result<(), String> {
        let pool = self.pool.borrow();
        let pool = pool
            .as_ref()
            .ok_or("the shared-memory pool was stopped; the next run starts a new one")?;
        let busy = Arc::clone(&self.busy);
        busy.fetch_add(1, Ordering::SeqCst);
        pool.spawn(move || {
            job();
            busy.fetch_sub(1, Ordering::SeqCst);
        });
        Ok(())
    }

    /// The first thread that reported a panic or a trap since the last call, and why.
    pub fn failure(&self) -> Option<(usize, String)> {
        while let Some((thread, note)) = self.next_note() {
            match note {
                Note::Panicked(why) => return Some((thread, format!("it panicked: {why}"))),
                Note::Failed(why) => return Some((thread, format!("it trapped: {why}"))),
                Note::Ready | Note::Exited => {}
            }
        }
        None
    }

    /// Waits (briefly) until no job of an earlier run is still on a thread: a cancelled run's
    /// threads stop at their task's next checkpoint.
    async fn settle(&self) {
        let started = now_ms();
        while self.busy.load(Ordering::SeqCst) > 0 && now_ms() - started < SETTLE_WITHIN_MS {
            TimeoutFuture::new(2).await;
        }
    }

    /// Drops the rayon pool, so every idle thread leaves it, waits for the healthy threads to
    /// say they left, then terminates every worker: the failed one, and any stuck behind it
    /// (waiting for a GIL it held), after [`LEAVE_WITHIN_MS`]. A thread that left has freed its
    /// stack; a failed thread's stays allocated.
    async fn tear_down(&self) {
        drop(self.pool.borrow_mut().take());
        let started = now_ms();
        let mut gone = BTreeSet::new();
        while gone.len() < self.threads && now_ms() - started < LEAVE_WITHIN_MS {
            while let Some((thread, note)) = self.next_note() {
                if !matches!(note, Note::Ready) {
                    gone.insert(thread);
                }
            }
            TimeoutFuture::new(10).await;
        }
        self.workers.borrow_mut().clear();
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Pool>>> = const { RefCell::new(None) };
    /// The size the page asked for: what a rebuilt pool has.
    static SIZE: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static BUILDS: Cell<usize> = const { Cell::new(0) };
}

/// Starts the page's pool with `threads` threads, replacing any pool it had.
pub async fn start(threads: usize) -> Result<(), String> {
    SIZE.with(|s| s.set(threads));
    discard();
    let threads = threads.max(1);
    let pool = match Pool::build(threads).await {
        Ok(pool) => pool,
        // A worker can fail to load for a passing reason (a fetch cut short): one more try,
        // and both reasons if that fails too.
        Err(first) => {
            web_sys::console::warn_1(&format!("starting the pool again: {first}").into());
            Pool::build(threads)
                .await
                .map_err(|second| format!("{second} (a first try failed too: {first})"))?
        }
    };
    BUILDS.with(|b| b.set(b.get() + 1));
    CURRENT.with(|c| *c.borrow_mut() = Some(Rc::new(pool)));
    Ok(())
}

/// The page's pool, started afresh if the last one was discarded, once the previous run's
/// threads have stopped.
pub async fn get() -> Result<Rc<Pool>, String> {
    if CURRENT.with(|c| c.borrow().is_none()) {
        match SIZE.with(Cell::get) {
            0 => return Err("the shared-memory pool has not been started".into()),
            threads => start(threads).await?,
        }
    }
    let pool = CURRENT
        .with(|c| c.borrow().clone())
        .ok_or("the shared-memory pool stopped while starting")?;
    pool.settle().await;
    Ok(pool)
}

/// Stops the page's pool after one of its threads failed; the next [`get`] builds a new one.
/// The old pool's workers are terminated in the background.
pub fn discard() {
    if let Some(pool) = CURRENT.with(|c| c.borrow_mut().take()) {
        wasm_bindgen_futures::spawn_local(async move { pool.tear_down().await });
    }
}

/// Pool workers started and not yet terminated, on this page: after a failed pool is torn
/// down, exactly the new pool's.
pub fn live_workers() -> usize {
    LIVE.with(Cell::get)
}

/// How many pools this page has started.
pub fn builds() -> usize {
    BUILDS.with(Cell::get)
}
