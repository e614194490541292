//! A Web Worker the page started for an engine — an isolated worker or the shared-memory pool's
//! host — with its message and error handlers, counted by its [`Kind`] while it lives.
//!
//! A worker's uncaught error (a task's trap) reaches the page as an `error` event on its
//! `Worker`; unless a handler cancels it, the browser then reports it again as an uncaught
//! error of the page itself. The engine that ran the task reports it, so every such event is
//! cancelled here, also after the worker is dropped: a trap's error can still be on its way
//! then, behind the panic message that ended the run. A worker whose script cannot be fetched,
//! parsed or allowed gets a plain `error` event, with no message.

use crate::web::engines::message::is_written;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

#[wasm_bindgen]
extern "C" {
    /// The glue's own URL, which a new worker imports to load this module.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: js_sys::JsString;
}

#[cfg(feature = "threads")]
#[wasm_bindgen(module = "/src/web/engines/pool_host.js")]
extern "C" {
    /// Marks a pool host's progress note on the page's timeline when the host sent it.
    #[wasm_bindgen(js_name = markHostPhase)]
    fn mark_host_phase(note: &JsValue);
}

/// What a spawned worker is for, by which it is counted.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// A worker with its own instance and memory (see [`isolated`](super::isolated)).
    Isolated = 0,
    /// The shared-memory pool's host (see `pool`; the threaded module only).
    #[cfg(feature = "threads")]
    PoolHost = 1,
}

/// What this file keeps at run time, on the page.
struct SpawnedState {
    /// The error handler of dropped workers: cancels what is still on its way.
    cancel_error: Closure<dyn Fn(ErrorEvent)>,
    /// Workers started and not yet terminated, by [`Kind`].
    live: [Cell<usize>; 2],
}

thread_local! {
    static SPAWNED: SpawnedState = SpawnedState {
        cancel_error: Closure::<dyn Fn(ErrorEvent)>::new(|event: ErrorEvent| {
            event.prevent_default()
        }),
        live: [Cell::new(0), Cell::new(0)],
    };
}

/// Workers of `kind` started and not yet terminated, on this page.
pub(crate) fn live(kind: Kind) -> usize {
    SPAWNED.with(|s| s.live[kind as usize].get())
}

/// Adds `by` (+1 or -1) to the count of live workers of `kind`.
fn count(kind: Kind, by: isize) {
    SPAWNED.with(|s| {
        let n = &s.live[kind as usize];
        n.set(
            n.get()
                .checked_add_signed(by)
                .expect("a worker ends only once it was counted"),
        );
    });
}

/// The worker and its handlers; terminated, and no longer counted, when dropped.
pub(crate) struct Spawned {
    worker: Worker,
    kind: Kind,
    /// How far its start has got, as its bootstrap last said (`{kind: 'progress', message}`).
    reached: Rc<RefCell<String>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Spawned {
    /// Takes `worker` (just created by its bootstrap script), counts it as a `kind`, and hands
    /// its messages and uncaught errors to the handlers: an error's message, or `None` for a
    /// script that did not load. The errors are not reported again as the page's own. Its
    /// bootstrap's progress notes are kept for [`Spawned::reached`].
    pub(crate) fn new(
        worker: Worker,
        kind: Kind,
        mut on_message: impl FnMut(MessageEvent) + 'static,
        mut on_error: impl FnMut(Option<String>) + 'static,
    ) -> Self {
        count(kind, 1);
        let reached = Rc::new(RefCell::new(String::from("loading the worker's script")));
        let on_message = {
            let reached = Rc::clone(&reached);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // A batch's answer (written bytes) goes straight through: it is never a note.
                let data = event.data();
                if !is_written(&data)
                    && let (Some(note_kind), stage) = note(&data)
                    && note_kind == "progress"
                {
                    // The host's phases, on the page's timeline (the bench reads them); a note
                    // heard before the page took the host was marked then (see `replay`).
                    #[cfg(feature = "threads")]
                    if matches!(kind, Kind::PoolHost) && event.is_trusted() {
                        mark_host_phase(&data);
                    }
                    *reached.borrow_mut() = stage;
                    return;
                }
                on_message(event);
            })
        };
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            // A trap or an uncaught error comes with its message (an ErrorEvent); a script that
            // could not be fetched, parsed or allowed, as a plain event with none.
            on_error(event.dyn_ref::<ErrorEvent>().map(ErrorEvent::message));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Self {
            worker,
            kind,
            reached,
            _on_message: on_message,
            _on_error: on_error,
        }
    }

    /// Sends the bootstrap what it needs to load this module: the glue's URL, the compiled
    /// module, and `fields`.
    #[cfg(feature = "threads")]
    pub(crate) fn boot(&self, fields: &[(&str, JsValue)]) -> Result<(), String> {
        let init = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            js_sys::Reflect::set(&init, &k.into(), v).expect("setting a field of a fresh object")
        };
        let (glue_url, module) = page_module();
        set("glueUrl", &glue_url);
        set("module", &module);
        for (k, v) in fields {
            set(k, v);
        }
        self.worker
            .post_message(&init)
            .map_err(|e| format!("could not send the module to a worker: {e:?}"))
    }

    /// Hands `events` (its messages and errors, heard before this took the worker) to the
    /// handlers, in order.
    #[cfg(feature = "threads")]
    pub(crate) fn replay(&self, events: &js_sys::Array) {
        for event in events.iter() {
            // An event that was dispatched once may be dispatched again; never refused here.
            let _ = self
                .worker
                .dispatch_event(event.unchecked_ref::<web_sys::Event>());
        }
    }

    /// How far its start has got, for a worker that never gets ready to be reported by.
    pub(crate) fn reached(&self) -> String {
        self.reached.borrow().clone()
    }

    /// The worker itself.
    pub(crate) fn worker(&self) -> &Worker {
        &self.worker
    }
}

/// Posts `message` to `worker`, handing over the buffers in `transfer` rather than copying them.
pub(crate) fn post_transferring(
    worker: &Worker,
    message: &JsValue,
    transfer: &js_sys::Array,
) -> Result<(), String> {
    worker
        .post_message_with_transfer(message, transfer)
        .map_err(|e| format!("could not send tasks to a worker: {e:?}"))
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // Events already queued (a trap's error after its panic message) must not reach the
        // handlers, which are dropped with this; an error is still cancelled.
        self.worker.set_onmessage(None);
        SPAWNED.with(|s| {
            self.worker
                .set_onerror(Some(s.cancel_error.as_ref().unchecked_ref()))
        });
        self.worker.terminate();
        count(self.kind, -1);
    }
}

/// This module's glue URL and the module itself, compiled: what a worker needs to load it.
pub(crate) fn page_module() -> (JsValue, JsValue) {
    (GLUE_URL.with(|u| u.clone()).into(), wasm_bindgen::module())
}

/// A bootstrap's note (`{kind, message}`): its kind, and its message or "no reason given".
pub(crate) fn note(data: &JsValue) -> (Option<String>, String) {
    let field = |k: &str| {
        js_sys::Reflect::get(data, &k.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    (
        field("kind"),
        field("message").unwrap_or_else(|| "no reason given".into()),
    )
}
