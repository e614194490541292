//! The shared-memory pool, as the page sees it: a dedicated worker the page owns (the *host*)
//! loads this module with a fresh shared memory of its own and starts rayon's global pool there
//! with wasm-bindgen-rayon's `initThreadPool`, whose threads are nested workers sharing the
//! host's memory (see `pool_host.js` and [`host`](super::pool_host)).
//!
//! Why a worker: wasm-bindgen-rayon builds rayon's *global* pool, once per instance, and a
//! thread that traps is gone for good. Replacing the instance is the only way to start afresh,
//! and terminating the host takes its threads with it. And the page never enters rayon or
//! waits on its locks: it sends the host jobs ([`Request`]) and reads its answers ([`Reply`]),
//! binary and transferred (see [`message`](super::message)).

use crate::run::Lane;
use crate::web::engines::message::{is_written, read, written};
use crate::web::engines::spawned::{self, Kind, Spawned, note};
use crate::web::platform::now_ms;
use crate::workloads::Job;
use futures::channel::mpsc;
use futures::future::{Either, select};
use futures::future::{LocalBoxFuture, Shared};
use futures::{FutureExt, StreamExt};
use gloo_timers::future::TimeoutFuture;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

#[wasm_bindgen(module = "/src/web/engines/pool_host.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnPoolHost, catch)]
    fn spawn_pool_host() -> Result<Worker, JsValue>;
    /// The host `boot.js` started with the page for `threads` threads, and what it has sent so
    /// far (`[worker, events]`); undefined if there is none or it has another size (it is ended).
    #[wasm_bindgen(js_name = takeEarlyPoolHost)]
    fn take_early_pool_host(threads: usize) -> JsValue;
}

/// How long a new host may take to load the module and start every pool thread.
pub const READY_WITHIN_MS: f64 = 20_000.0;

/// Page → host.
#[derive(Serialize, Deserialize)]
pub(crate) enum Request {
    /// Run every task of `job` with `workers` loops on the pool; times relative to the page's
    /// `t0_epoch_ms` (`performance.timeOrigin + now()`, one clock for every context).
    Run {
        run: u64,
        job: Job,
        workers: usize,
        gil: bool,
        t0_epoch_ms: f64,
    },
    /// Stop run `run`: its tasks stop at their next checkpoint.
    Cancel { run: u64 },
    /// Run a short version of `job` until the pool's code for it is optimized.
    WarmUp { job: Job },
    /// Where `tasks` sleeping tasks on `workers` loops ran: see [`probe`].
    Probe { tasks: usize, workers: usize },
}

/// Host → page.
#[derive(Serialize, Deserialize)]
pub(crate) enum Reply {
    /// Run `run` ended: the tasks that finished, as each loop ran them (see [`Lane`]), and the
    /// host memory's shared total.
    Done {
        run: u64,
        lanes: Vec<Lane>,
        page_total: i64,
        /// The size of the memory the host and its threads share, in bytes.
        memory_bytes: u64,
    },
    Warm,
    /// A pool thread panicked or trapped: the thread, the task it held, and why.
    Fault {
        thread: Option<usize>,
        task: Option<usize>,
        why: String,
    },
    /// For each probed task: the rayon thread index it ran on, and its global's name.
    Probe {
        seen: Vec<(Option<usize>, String)>,
    },
}

/// What arrives from the host.
pub(crate) enum Incoming {
    Ready {
        threads: usize,
    },
    /// The host could not start, or failed outside any task.
    Failed(String),
    Reply(Reply),
}

/// A started pool: its host worker and the pool threads inside it.
pub struct Pool {
    host: Spawned,
    threads: usize,
    inbox: RefCell<mpsc::UnboundedReceiver<Incoming>>,
    /// The pool threads the host started (nested workers, counted by the host as it made them).
    started_threads: usize,
    /// The memory the host and its threads share, in bytes, as of its last run (0 before one).
    memory_bytes: Cell<u64>,
}

impl Pool {
    async fn build(threads: usize) -> Result<Self, String> {
        let (tx, rx) = mpsc::unbounded();
        let early = take_early_pool_host(threads);
        let adopted = early.is_truthy();
        let (worker, heard) = match adopted {
            true => {
                let pair = js_sys::Array::from(&early);
                (pair.get(0).unchecked_into::<Worker>(), pair.get(1))
            }
            false => {
                let worker = spawn_pool_host()
                    .map_err(|e| format!("could not start the pool's host: {e:?}"))?;
                crate::web::platform::mark("corescope:pool-host-spawned");
                (worker, JsValue::UNDEFINED)
            }
        };
        let on_message = {
            let tx = tx.clone();
            move |event: MessageEvent| {
                let data = event.data();
                let incoming = match is_written(&data) {
                    true => match read::<Reply>(&data) {
                        Ok(reply) => Incoming::Reply(reply),
                        Err(e) => {
                            Incoming::Failed(format!("an unreadable answer from the pool: {e}"))
                        }
                    },
                    false => match note(&data) {
                        (Some(kind), _) if kind == "ready" => Incoming::Ready {
                            threads: js_sys::Reflect::get(&data, &"threads".into())
                                .ok()
                                .and_then(|v| v.as_f64())
                                .map_or(0, |n| n as usize),
                        },
                        (_, why) => Incoming::Failed(why),
                    },
                };
                let _ = tx.unbounded_send(incoming);
            }
        };
        let on_error = move |message: Option<String>| {
            let _ = tx.unbounded_send(Incoming::Failed(format!(
                "the pool's host failed: {}",
                message.as_deref().unwrap_or("its script did not load")
            )));
        };
        let host = Spawned::new(worker, Kind::PoolHost, on_message, on_error);
        match adopted {
            // boot.js sent it the module; what it said since goes to the handlers now.
            true => host.replay(&js_sys::Array::from(&heard)),
            false => host.boot(&[("threads", JsValue::from(threads as u32))])?,
        }
        let mut inbox = rx;
        let ready = select(inbox.next(), TimeoutFuture::new(READY_WITHIN_MS as u32)).await;
        let started_threads = match ready {
            Either::Left((Some(Incoming::Ready { threads }), _)) => threads,
            Either::Left((Some(Incoming::Failed(why)), _)) => return Err(why),
            Either::Left((Some(Incoming::Reply(_)), _)) | Either::Left((None, _)) => {
                return Err("the pool's host stopped while starting".into());
            }
            Either::Right(_) => {
                return Err(format!(
                    "the shared-memory pool did not get ready within {:.0} s (it had got to: {})",
                    READY_WITHIN_MS / 1000.0,
                    host.reached()
                ));
            }
        };
        POOL.with(|p| p.live_threads.set(p.live_threads.get() + started_threads));
        Ok(Self {
            host,
            threads,
            inbox: RefCell::new(inbox),
            started_threads,
            memory_bytes: Cell::new(0),
        })
    }

    /// Its number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    pub(crate) fn note_memory(&self, bytes: u64) {
        self.memory_bytes.set(bytes);
    }

    pub(crate) fn send(&self, request: &Request) -> Result<(), String> {
        let (message, transfer) = written(request);
        spawned::post_transferring(self.host.worker(), &message, &transfer)
    }

    /// The host's next message; `None` never comes while the pool lives.
    pub(crate) async fn next(&self) -> Option<Incoming> {
        // Borrowed only while polled, so a waiting reader never holds the inbox across awaits.
        futures::future::poll_fn(|cx| self.inbox.borrow_mut().poll_next_unpin(cx)).await
    }
}

impl Drop for Pool {
    /// The host is terminated with it (`Spawned`), and every pool thread inside it.
    fn drop(&mut self) {
        POOL.with(|p| {
            p.live_threads
                .set(p.live_threads.get() - self.started_threads)
        });
    }
}

type Starting = Shared<LocalBoxFuture<'static, Result<usize, String>>>;

/// What the page keeps of its shared-memory pool between calls. Each field is its own cell,
/// borrowed only inside a `POOL.with`, never across an `.await`.
struct PoolState {
    /// The page's pool: `None` before it starts, and once [`discard`]ed until the next run.
    current: RefCell<Option<Rc<Pool>>>,
    /// The most threads the page asked for: what a pool grows to when a run needs more than it
    /// has. 0 until the page starts its pool.
    most: Cell<usize>,
    /// The size the next pool starts at: the first size, or `most` once a run needed more.
    next_size: Cell<usize>,
    /// Pool threads alive on this page: those of hosts not yet terminated.
    live_threads: Cell<usize>,
    /// Pools this page has started.
    builds: Cell<usize>,
    /// How long the last pool took from starting its host to every thread ready, in ms.
    last_start_ms: Cell<f64>,
    /// A start begun by [`start_early`], with its largest size: what [`start`] adopts.
    early: RefCell<Option<(usize, Starting)>>,
}

thread_local! {
    static POOL: PoolState = const {
        PoolState {
            current: RefCell::new(None),
            most: Cell::new(0),
            next_size: Cell::new(0),
            live_threads: Cell::new(0),
            builds: Cell::new(0),
            last_start_ms: Cell::new(f64::NAN),
            early: RefCell::new(None),
        }
    };
}

/// The threads a pool of at most `most` starts with: one per core the browser reports. Each
/// thread is a worker that instantiates the module, and on a machine with few cores starting
/// many of them takes most of a second, so the page is ready once the threads a run on every
/// core needs are; more start (the pool is replaced by one of `most` threads) when a run first
/// asks for more workers than cores, before its clock starts.
pub fn first_size(most: usize, cores: usize) -> usize {
    most.min(cores).max(1)
}

/// Begins starting the page's pool (at most `most` threads) as soon as the module is loaded,
/// while the page renders: the host's own start-up (its script, the glue, its instance) then
/// overlaps the page's first render instead of following it. [`start`] with the same size
/// adopts it.
pub fn start_early(most: usize) {
    let starting = start(most).boxed_local().shared();
    // Polled once now, so the host is spawned and sent the module before the page's first
    // render (the start runs to its first wait without one), then on until it is ready.
    let _ = starting.clone().now_or_never();
    wasm_bindgen_futures::spawn_local(starting.clone().map(drop));
    POOL.with(|p| *p.early.borrow_mut() = Some((most, starting)));
}

/// Starts the page's pool, which may grow to `most` threads, at its [first size](first_size),
/// replacing any pool it had (or adopting the early start of the same size). Returns the
/// threads started; refuses a pool that may have no thread.
pub async fn start(most: usize) -> Result<usize, String> {
    if most == 0 {
        return Err("a shared-memory pool of at most 0 threads cannot run anything".into());
    }
    if let Some((size, starting)) = POOL.with(|p| p.early.take()) {
        if size == most {
            return starting.await;
        }
        // A different size: let it finish before replacing it.
        let _ = starting.await;
    }
    let first = first_size(most, crate::web::platform::hardware_concurrency());
    POOL.with(|p| {
        p.most.set(most);
        p.next_size.set(first);
    });
    start_now(first).await?;
    Ok(first)
}

/// Replaces the page's pool by a new one of `threads` threads: the old one (a broken one, or
/// none) is terminated first.
async fn start_now(threads: usize) -> Result<(), String> {
    discard();
    build_and_install(threads).await
}

/// Builds a pool of `threads` threads and makes it the page's, terminating the one it replaces
/// only once the new one is ready.
async fn build_and_install(threads: usize) -> Result<(), String> {
    // Its callers ask for the first size, `most` or a run's need, each at least 1 (see `start`
    // and `get_for`).
    debug_assert!(threads >= 1, "a pool of {threads} threads");
    let started = now_ms();
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
    let replaced = POOL.with(|p| {
        p.last_start_ms.set(now_ms() - started);
        p.builds.set(p.builds.get() + 1);
        p.current.replace(Some(Rc::new(pool)))
    });
    // Terminated once the new pool is the page's, outside the borrow.
    drop(replaced);
    Ok(())
}

/// The page's pool, started afresh if the last one was discarded.
pub async fn get() -> Result<Rc<Pool>, String> {
    get_for(1).await
}

/// The page's pool with at least `workers` threads: replaced by a pool of its largest size if
/// it has fewer, started afresh if the last one was discarded. The page offers 1 to its
/// largest size (the reducer checks the count); any other count is refused here rather than
/// run on another number of workers than asked.
pub async fn get_for(workers: usize) -> Result<Rc<Pool>, String> {
    let most = POOL.with(|p| p.most.get());
    if most == 0 {
        return Err("the shared-memory pool has not been started".into());
    }
    if !(1..=most).contains(&workers) {
        return Err(format!(
            "{workers} shared-memory workers were asked for; the pool has 1 to {most}"
        ));
    }
    let need = workers;
    let has = POOL.with(|p| p.current.borrow().as_ref().map(|pool| pool.threads()));
    match has {
        Some(threads) if threads >= need => {}
        // A pool that works but is too small: it is ended only once the larger one is ready.
        Some(_) => {
            POOL.with(|p| p.next_size.set(most));
            build_and_install(most).await?;
        }
        None => start_now(POOL.with(|p| p.next_size.get()).max(need)).await?,
    }
    POOL.with(|p| p.current.borrow().clone())
        .ok_or_else(|| "the shared-memory pool stopped while starting".into())
}

/// Terminates the page's pool (its host, and with it every pool thread); the next [`get`]
/// starts a new one.
pub fn discard() {
    drop(POOL.with(|p| p.current.take()));
}

/// Replaces a broken pool: terminates its host and starts a new one at the same size. Says
/// what happened, with how long the new pool took to get ready.
pub async fn restart() -> String {
    discard();
    let started = now_ms();
    match get().await {
        Ok(pool) => format!(
            "The pool was restarted: {} new threads were ready in {:.0} ms",
            pool.threads(),
            now_ms() - started
        ),
        Err(why) => format!("Restarting the pool failed ({why}); the next run tries again"),
    }
}

/// The memory the page's pool shares among its threads, in bytes, as of its last run (0 before
/// one, and when no pool is alive).
pub fn memory_bytes() -> u64 {
    POOL.with(|p| {
        p.current
            .borrow()
            .as_ref()
            .map_or(0, |pool| pool.memory_bytes.get())
    })
}

/// A pool that grew while the page was idle is replaced, when next needed, by one of its first
/// size: its memory never shrinks, and more threads than cores hold their stacks. Past this,
/// or with more threads than it started with, an idle pool is ended.
pub const KEEP_IDLE_BYTES: u64 = 128 << 20;

/// Ends the page's pool if it grew (see [`KEEP_IDLE_BYTES`]); the next run starts one of its
/// first size before its clock. Returns whether it ended it.
pub fn release_if_grown() -> bool {
    let first = first_size(
        POOL.with(|p| p.most.get()),
        crate::web::platform::hardware_concurrency(),
    );
    let grown = POOL.with(|p| {
        p.current
            .borrow()
            .as_ref()
            .is_some_and(|pool| pool.memory_bytes.get() > KEEP_IDLE_BYTES || pool.threads() > first)
    });
    if grown {
        POOL.with(|p| p.next_size.set(first));
        discard();
    }
    grown
}

/// Pool threads alive on this page: those of hosts not yet terminated. After a broken pool is
/// replaced, exactly the new pool's.
pub fn live_workers() -> usize {
    POOL.with(|p| p.live_threads.get())
}

/// Pool hosts alive on this page (1 once the pool is up).
pub fn live_hosts() -> usize {
    spawned::live(Kind::PoolHost)
}

/// How many pools this page has started.
pub fn builds() -> usize {
    POOL.with(|p| p.builds.get())
}

/// How long the last pool took from starting its host to every thread ready, in ms.
pub fn last_start_ms() -> f64 {
    POOL.with(|p| p.last_start_ms.get())
}

/// Runs `tasks` tasks that each sleep 5 ms on `workers` loops in the pool, and says, for each,
/// which rayon thread ran it (`rayon::current_thread_index()` inside the host's pool) and the
/// name of the global it ran in.
pub async fn probe(tasks: usize, workers: usize) -> Result<Vec<(Option<usize>, String)>, String> {
    let pool = get_for(workers).await?;
    pool.send(&Request::Probe { tasks, workers })?;
    loop {
        match pool.next().await {
            Some(Incoming::Reply(Reply::Probe { seen })) => return Ok(seen),
            Some(Incoming::Reply(Reply::Fault { why, .. }) | Incoming::Failed(why)) => {
                return Err(why);
            }
            None => return Err("the pool's host stopped".into()),
            Some(_) => {}
        }
    }
}
