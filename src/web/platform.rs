//! Facts about the browser the page runs in, and its clock.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window: this code runs on the page, not in a worker"))
}

pub fn document() -> Result<web_sys::Document, JsValue> {
    window()?
        .document()
        .ok_or_else(|| JsValue::from_str("the window has no document"))
}

/// Whether keyboard focus was lost: on nothing, or on a control that has been disabled (a
/// button that disables itself when pressed drops the focus of whoever pressed it).
pub fn focus_lost() -> bool {
    let Ok(doc) = document() else {
        return false;
    };
    match doc.active_element() {
        None => true,
        Some(el) => doc.body().is_some_and(|b| *b == el) || el.has_attribute("disabled"),
    }
}

/// Moves keyboard focus to the element with `id`, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = document()
        .ok()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Whether the page is as narrow as a phone (under 600 CSS px): charts are drawn narrower then.
pub fn narrow_screen() -> bool {
    window()
        .ok()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 600.0)
}

/// `navigator.hardwareConcurrency`: logical cores as the browser chooses to report them.
pub fn hardware_concurrency() -> usize {
    let global = js_sys::global();
    let navigator =
        js_sys::Reflect::get(&global, &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    js_sys::Reflect::get(&navigator, &"hardwareConcurrency".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map_or(1, |n| n as usize)
}

/// Whether this is the playground's page (`play.html`, which loads the module with the script
/// interpreter where it can).
pub fn is_playground() -> bool {
    document()
        .ok()
        .and_then(|d| d.document_element())
        .is_some_and(|e| e.has_attribute("data-playground"))
}

/// `crossOriginIsolated`, read as a global property: web-sys has no binding for it on `Window`.
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

thread_local! {
    static PERFORMANCE: web_sys::Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .expect("every window and worker has performance")
        .unchecked_into();
    /// `performance.timeOrigin`, which never changes in a context: read once, not per task.
    static TIME_ORIGIN: f64 = PERFORMANCE.with(|p| p.time_origin());
}

/// Milliseconds on this context's `performance.now()` clock (5–20 µs resolution when isolated).
/// Works on the page and in any worker, but each has its own time origin: compare across
/// contexts with [`epoch_ms`].
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.now())
}

/// Marks `name` on the page's performance timeline (for the bench and the browser's profiler).
pub fn mark(name: &str) {
    PERFORMANCE.with(|p| {
        let _ = p.mark(name);
    });
}

/// The size of this instance's wasm memory in bytes (shared by its threads, where it has any).
pub fn memory_bytes() -> u64 {
    let memory = wasm_bindgen::memory();
    js_sys::Reflect::get(&memory, &"buffer".into())
        .and_then(|b| js_sys::Reflect::get(&b, &"byteLength".into()))
        .ok()
        .and_then(|n| n.as_f64())
        .map_or(0, |n| n as u64)
}

/// Milliseconds since the Unix epoch, as `performance.timeOrigin + performance.now()`: one clock
/// for the page and every worker.
pub fn epoch_ms() -> f64 {
    TIME_ORIGIN.with(|origin| origin + now_ms())
}

/// Lets the browser handle what is queued (input, a timer due, a frame) and comes back as soon
/// as it has: a message to this page through a `MessageChannel`, which, unlike a zero-delay
/// timer, the browser does not stretch to 4 ms when it comes back to back.
pub async fn yield_to_browser() {
    let _ = JsFuture::from(js_sys::Promise::new(&mut |resolve, _reject| {
        if let Ok(channel) = web_sys::MessageChannel::new() {
            channel
                .port1()
                .set_onmessage(Some(resolve.unchecked_ref::<js_sys::Function>()));
            let _ = channel.port2().post_message(&JsValue::NULL);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }))
    .await;
}

/// Waits until the browser has painted the page as it is now (two animation frames), or 100 ms
/// where frames do not come (a hidden tab). A run started after this does not share its first
/// frames with the page's own re-rendering: painting a grown table and chart while workers take
/// every core made main-thread tasks of 70–100 ms here.
pub async fn after_paint() {
    let frame = || {
        JsFuture::from(js_sys::Promise::new(&mut |resolve, _reject| {
            if let Ok(w) = window() {
                let _ = w.request_animation_frame(&resolve);
            }
        }))
    };
    let frames = async {
        let _ = frame().await;
        let _ = frame().await;
    };
    futures::future::select(
        Box::pin(frames),
        gloo_timers::future::TimeoutFuture::new(100),
    )
    .await;
}
