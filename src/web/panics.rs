//! What a panicking or trapping task leaves behind, and where it is reported.
//!
//! The module is built with `panic = "abort"`: a panic reports its message through the panic
//! hook and then traps, and a trap unwinds every WebAssembly frame up to the JavaScript that
//! called in. The hook installed here keeps the message where the engine that ran the task can
//! read it: on the page's own thread in [`take_message`], and in a worker by posting
//! `{kind: "panic", message}` to whoever started the worker (the page, or for a pool thread the
//! pool's host, with the thread's index), followed by the trap's own report.

use std::cell::RefCell;
use std::sync::Once;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

#[wasm_bindgen(module = "/src/web/guard.js")]
extern "C" {
    #[wasm_bindgen(js_name = callGuarded)]
    fn call_guarded(task: &mut dyn FnMut()) -> Option<String>;
}

thread_local! {
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs [`hook`], once per memory (the page and its shared-memory workers share one; each
/// isolated worker has its own).
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(hook)));
}

/// Keeps a panic's message for the engine that ran the task, and logs it to the console with a
/// stack as before.
pub fn hook(info: &std::panic::PanicHookInfo<'_>) {
    let message = match (info.payload_as_str(), info.location()) {
        (Some(what), Some(at)) => format!("{what} (at {}:{})", at.file(), at.line()),
        (Some(what), None) => what.to_string(),
        (None, _) => info.to_string(),
    };
    match js_sys::global().dyn_ref::<DedicatedWorkerGlobalScope>() {
        Some(worker) => {
            let note = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&note, &"kind".into(), &"panic".into());
            let _ = js_sys::Reflect::set(&note, &"message".into(), &message.into());
            // On a shared-memory pool thread: which one, so the pool's host can name its task.
            #[cfg(feature = "threads")]
            if let Some(thread) = rayon::current_thread_index() {
                let _ = js_sys::Reflect::set(&note, &"thread".into(), &(thread as u32).into());
            }
            let _ = worker.post_message(&note);
        }
        None => MESSAGE.with(|m| *m.borrow_mut() = Some(message)),
    }
    console_error_panic_hook::hook(info);
}

/// The last panic's message on this thread, if one is waiting to be read.
pub fn take_message() -> Option<String> {
    MESSAGE.with(|m| m.borrow_mut().take())
}

/// Runs `task` on this thread; a panic or trap inside it ends only the task, described as
/// "it panicked: …" or "it trapped: …".
///
/// Safe to go on afterwards because the trapped frames are the task's own: the caller's frames
/// are intact and restore the stack pointer as they return, and the task holds no lock. What
/// the task had allocated is not freed.
pub fn guarded(mut task: impl FnMut()) -> Result<(), String> {
    take_message();
    match call_guarded(&mut task) {
        None => Ok(()),
        Some(trap) => Err(match take_message() {
            Some(panic) => format!("it panicked: {panic}"),
            None => format!("it trapped: {trap}"),
        }),
    }
}
