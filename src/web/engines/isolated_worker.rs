//! Inside an isolated worker: its own instance of this module, with its own memory, running the
//! batches of tasks the page sends and answering each with what it did (see
//! [`isolated`](super::isolated), the page's side, and `isolated_worker.js`, which loads the
//! module into the worker and calls [`isolated_worker_main`]).

use crate::web::engines::isolated::{Batch, Ran, Reply};
use crate::web::engines::message::{read, written};
use crate::workloads::{NoGil, reserve_memory, shared_counter};
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The isolated worker's side, installed once its own instance is up: run each batch it is sent.
#[wasm_bindgen]
pub fn isolated_worker_main() {
    crate::web::panics::install_hook();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let last_run = Cell::new(u64::MAX);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply_to = reply_to.clone();
        let batch = read::<Batch>(&event.data());
        if let Ok(batch) = &batch
            && last_run.replace(batch.run) != batch.run
        {
            shared_counter::reset();
        }
        let send = move |reply: Reply| {
            let (message, transfer) = written(&reply);
            // Posting to our own scope only fails if the page is gone.
            let _ = reply_to.post_message_with_transfer(&message, &transfer);
        };
        match batch {
            Ok(batch) => {
                reserve_memory(batch.reserve);
                run_batch_here(batch, send)
            }
            Err(e) => send(Reply::Failed(format!("unreadable task message: {e}"))),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
}

/// Runs a batch in this worker and hands the reply to `send`. With threads, a task's wait is a
/// real blocking sleep (the memory is shared, so the worker may block on it).
#[cfg(feature = "threads")]
fn run_batch_here(batch: Batch, send: impl FnOnce(Reply) + 'static) {
    // The page cancels a batch by terminating the worker.
    let never = crate::cancel::Cancel::new();
    let mut ran = Ran::for_tasks(&batch.tasks);
    for index in batch.tasks.clone() {
        ran.push(batch.job.run_blocking(index, &mut NoGil, &never));
    }
    send(Reply::Done(ran));
}

/// Runs a batch in this worker and hands the reply to `send`. The single-threaded module's
/// memory is not shared, so a wasm thread may not block: a task's wait is a timer here, which
/// leaves the worker just as idle.
#[cfg(not(feature = "threads"))]
fn run_batch_here(batch: Batch, send: impl FnOnce(Reply) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut ran = Ran::for_tasks(&batch.tasks);
        for index in batch.tasks.clone() {
            let wait = batch.job.wait_ms(index);
            if wait > 0 {
                gloo_timers::future::TimeoutFuture::new(wait).await;
            }
            ran.push(batch.job.compute(index, &mut NoGil));
        }
        send(Reply::Done(ran));
    });
}
