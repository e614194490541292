//! Isolated workers: Web Workers that each instantiate their own copy of this module, with their
//! own memory, and talk to the page only by `postMessage` — Python's `multiprocessing.Pool`.
//!
//! A run spawns `k` workers, waits until each is ready (the start-up cost a process pool pays),
//! then hands out task indices one at a time to whichever worker is free, like `Pool.map` with
//! a chunk size of one, and terminates the workers at the end.

use crate::run::RawRun;
use crate::web::platform::now_ms;
use crate::workloads::EmptyLoopJob;
use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{join_all, try_join_all};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Worker};

#[wasm_bindgen(module = "/src/web/engines/isolated_worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnIsolatedWorker, catch)]
    fn spawn_isolated_worker() -> Result<Worker, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The glue's own URL, which the new worker imports to load this module.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: js_sys::JsString;
}

/// Page → worker: run one task.
#[derive(Serialize, Deserialize)]
struct TaskRequest {
    job: EmptyLoopJob,
    index: usize,
}

/// Worker → page.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Reply {
    Ready,
    Failed { message: String },
    Result { index: usize, value: i64 },
}

/// The isolated worker's side, installed once its own instance is up: answer each task message.
#[wasm_bindgen]
pub fn isolated_worker_main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match serde_wasm_bindgen::from_value::<TaskRequest>(event.data()) {
            Ok(TaskRequest { job, index }) => Reply::Result {
                index,
                value: job.run_task(index),
            },
            Err(e) => Reply::Failed {
                message: format!("unreadable task message: {e}"),
            },
        };
        let message = serde_wasm_bindgen::to_value(&reply).expect("a reply always serializes");
        // Posting to our own scope only fails if the page is gone.
        let _ = reply_to.post_message(&message);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
}

/// The page's handle on one worker: its messages arrive on `inbox`.
struct Handle {
    worker: Worker,
    inbox: mpsc::UnboundedReceiver<Result<Reply, String>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Handle {
    async fn spawn() -> Result<Self, String> {
        let worker =
            spawn_isolated_worker().map_err(|e| format!("could not start a worker: {e:?}"))?;
        let (tx, rx) = mpsc::unbounded();
        let on_message = {
            let tx = tx.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let reply = serde_wasm_bindgen::from_value::<Reply>(event.data())
                    .map_err(|e| format!("unreadable message from a worker: {e}"));
                let _ = tx.unbounded_send(reply);
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            let _ = tx.unbounded_send(Err(format!("a worker failed: {}", event.message())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let init = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            js_sys::Reflect::set(&init, &k.into(), v).expect("setting a field of a fresh object")
        };
        set("glueUrl", &GLUE_URL.with(|u| u.clone()).into());
        set("module", &wasm_bindgen::module());
        worker
            .post_message(&init)
            .map_err(|e| format!("could not send the module to a worker: {e:?}"))?;
        let mut handle = Self {
            worker,
            inbox: rx,
            _on_message: on_message,
            _on_error: on_error,
        };
        match handle.next().await? {
            Reply::Ready => Ok(handle),
            Reply::Failed { message } => {
                Err(format!("a worker failed to load the module: {message}"))
            }
            Reply::Result { .. } => Err("a worker answered before it was ready".into()),
        }
    }

    async fn next(&mut self) -> Result<Reply, String> {
        self.inbox
            .next()
            .await
            .unwrap_or_else(|| Err("a worker's message channel closed".into()))
    }

    async fn run_task(&mut self, job: EmptyLoopJob, index: usize) -> Result<(usize, i64), String> {
        let request = serde_wasm_bindgen::to_value(&TaskRequest { job, index })
            .expect("a task always serializes");
        self.worker
            .post_message(&request)
            .map_err(|e| format!("could not send task {index}: {e:?}"))?;
        match self.next().await? {
            Reply::Result { index: got, value } if got == index => Ok((index, value)),
            Reply::Result { index: got, .. } => {
                Err(format!("sent task {index}, got the result of task {got}"))
            }
            Reply::Failed { message } => Err(format!("task {index} failed: {message}")),
            Reply::Ready => Err(format!("sent task {index}, got a second ready message")),
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Runs every task of `job` on `workers` fresh isolated workers.
pub async fn run(job: EmptyLoopJob, workers: usize) -> Result<RawRun, String> {
    let workers = workers.max(1);
    let t0 = now_ms();
    let mut handles = try_join_all((0..workers).map(|_| Handle::spawn())).await?;
    let startup_ms = now_ms() - t0;

    let next = Cell::new(0usize);
    let arrival = RefCell::new(Vec::with_capacity(job.tasks));
    let results = RefCell::new(vec![0i64; job.tasks]);
    let busy = Cell::new(0usize);
    let loops = handles.iter_mut().map(|handle| async {
        let mut did_work = false;
        loop {
            let index = next.get();
            if index >= job.tasks {
                break;
            }
            next.set(index + 1);
            let (index, value) = handle.run_task(job, index).await?;
            results.borrow_mut()[index] = value;
            arrival.borrow_mut().push(index);
            did_work = true;
        }
        if did_work {
            busy.set(busy.get() + 1);
        }
        Ok::<(), String>(())
    });
    join_all(loops)
        .await
        .into_iter()
        .collect::<Result<(), String>>()?;
    let elapsed_ms = now_ms() - t0;
    drop(handles);
    Ok(RawRun {
        results: results.into_inner(),
        arrival: arrival.into_inner(),
        elapsed_ms,
        startup_ms: Some(startup_ms),
        workers_used: busy.get(),
    })
}
