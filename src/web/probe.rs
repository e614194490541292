//! Measures how free the page's main thread stays while workers compute, four ways: a short
//! interval timer notes the longest gap between its ticks (works everywhere); the browser's
//! `PerformanceObserver` reports tasks over 50 ms and animation frames over 50 ms, whatever held
//! them (Chromium only — Firefox has neither entry type); and an animation-frame loop counts
//! late frames.

use super::platform::{now_ms, window};
use crate::stats::{Freeze, Responsiveness};
use gloo_timers::callback::Interval;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    PerformanceEntry, PerformanceObserver, PerformanceObserverEntryList, PerformanceObserverInit,
};

/// Tick period; browsers clamp nested timers to about 4 ms anyway.
const TICK_MS: u32 = 5;
/// A frame later than 1.5 periods of a 60 Hz display counts as dropped.
const LATE_FRAME_MS: f64 = 1.5 * 1000.0 / 60.0;
/// A gap between ticks this long counts as the page frozen (the long-task threshold).
const FROZEN_MS: f64 = 50.0;

#[derive(Default)]
struct Seen {
    /// When the probe started, on the page's clock.
    since_ms: f64,
    longest_task_ms: Option<f64>,
    long_tasks: usize,
    longest_frame_ms: Option<f64>,
    long_frames: usize,
    frames: usize,
    dropped_frames: usize,
    last_frame_ms: Option<f64>,
}

/// The observer and the callback it calls, kept alive together.
type LongTaskObserver = (
    PerformanceObserver,
    Closure<dyn FnMut(PerformanceObserverEntryList)>,
);
/// The animation-frame callback, which re-registers itself each frame.
type FrameLoop = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

pub struct GapProbe {
    _interval: Interval,
    last_tick: Rc<Cell<f64>>,
    longest: Rc<Cell<f64>>,
    /// Gaps of at least `FROZEN_MS`, added up.
    frozen: Rc<Cell<f64>>,
    seen: Rc<RefCell<Seen>>,
    observer: Option<LongTaskObserver>,
    running: Rc<Cell<bool>>,
    /// Whether the browser reports long animation frames.
    frames_reported: bool,
}

const LONG_TASK: &str = "longtask";
const LONG_FRAME: &str = "long-animation-frame";

/// Whether this browser's `PerformanceObserver` reports entries of `kind`.
fn reports(kind: &str) -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"PerformanceObserver".into())
        .and_then(|po| js_sys::Reflect::get(&po, &"supportedEntryTypes".into()))
        .ok()
        .and_then(|types| types.dyn_into::<js_sys::Array>().ok())
        .is_some_and(|types| types.includes(&kind.into(), 0))
}

/// Whether this browser reports long tasks at all.
pub fn long_tasks_supported() -> bool {
    reports(LONG_TASK)
}

/// Notes a long task or a long animation frame, unless it began before the probe did (a serial
/// run's frozen frame can be reported after it ended).
fn note_entry(seen: &mut Seen, entry: JsValue) {
    let entry = entry.unchecked_into::<PerformanceEntry>();
    if entry.start_time() < seen.since_ms {
        return;
    }
    let duration = entry.duration();
    if entry.entry_type() == LONG_FRAME {
        seen.long_frames += 1;
        seen.longest_frame_ms = Some(seen.longest_frame_ms.unwrap_or(0.0).max(duration));
    } else {
        seen.long_tasks += 1;
        seen.longest_task_ms = Some(seen.longest_task_ms.unwrap_or(0.0).max(duration));
    }
}

impl GapProbe {
    pub fn start() -> Self {
        let last_tick = Rc::new(Cell::new(now_ms()));
        let longest = Rc::new(Cell::new(0.0_f64));
        let frozen = Rc::new(Cell::new(0.0_f64));
        let seen = Rc::new(RefCell::new(Seen {
            since_ms: now_ms(),
            ..Seen::default()
        }));
        let running = Rc::new(Cell::new(true));
        let interval = {
            let (last_tick, longest, frozen) = (last_tick.clone(), longest.clone(), frozen.clone());
            Interval::new(TICK_MS, move || {
                let now = now_ms();
                let gap = now - last_tick.get();
                longest.set(longest.get().max(gap));
                if gap >= FROZEN_MS {
                    frozen.set(frozen.get() + gap);
                }
                last_tick.set(now);
            })
        };
        // Only the entry types the browser reports: observe() throws on an unknown one.
        let kinds: Vec<&str> = [LONG_TASK, LONG_FRAME]
            .into_iter()
            .filter(|kind| reports(kind))
            .collect();
        let observer = (!kinds.is_empty()).then(|| {
            let seen = seen.clone();
            let on_entries = Closure::<dyn FnMut(PerformanceObserverEntryList)>::new(
                move |list: PerformanceObserverEntryList| {
                    let mut seen = seen.borrow_mut();
                    for entry in list.get_entries() {
                        note_entry(&mut seen, entry);
                    }
                },
            );
            let observer = PerformanceObserver::new(on_entries.as_ref().unchecked_ref()).ok()?;
            let types = js_sys::Array::new();
            for kind in &kinds {
                types.push(&(*kind).into());
            }
            observer.observe(&PerformanceObserverInit::new(&types));
            Some((observer, on_entries))
        });
        let frames_reported = kinds.contains(&LONG_FRAME);
        start_frames(seen.clone(), running.clone());
        Self {
            _interval: interval,
            last_tick,
            longest,
            frozen,
            seen,
            observer: observer.flatten(),
            running,
            frames_reported,
        }
    }

    /// How long a serial run on the page's thread froze it, from the gaps between ticks.
    pub fn stop_serial(self) -> Responsiveness {
        let (seen, frozen_ms) = self.finish();
        Responsiveness {
            serial: Some(Freeze {
                runs: 1,
                longest_ms: seen.longest_gap_ms,
                total_ms: frozen_ms,
            }),
            ..Responsiveness::default()
        }
    }

    /// What was seen while a worker run went on, including the stretch since the last tick.
    pub fn stop(self) -> Responsiveness {
        self.finish().0
    }

    /// What was seen, and the frozen stretches added up.
    fn finish(self) -> (Responsiveness, f64) {
        self.running.set(false);
        if let Some((observer, _)) = &self.observer {
            // Entries the browser has not delivered yet.
            let pending = observer.take_records();
            let mut seen = self.seen.borrow_mut();
            for entry in pending {
                note_entry(&mut seen, entry);
            }
            observer.disconnect();
        }
        let seen = self.seen.borrow();
        let last = now_ms() - self.last_tick.get();
        let frozen = self.frozen.get() + if last >= FROZEN_MS { last } else { 0.0 };
        let measured = Responsiveness {
            worker_runs: 1,
            longest_gap_ms: self.longest.get().max(last),
            longest_task_ms: seen.longest_task_ms,
            long_tasks: seen.long_tasks,
            longest_frame_ms: seen.longest_frame_ms,
            long_frames: self.frames_reported.then_some(seen.long_frames),
            frames: seen.frames,
            dropped_frames: seen.dropped_frames,
            serial: None,
        };
        (measured, frozen)
    }
}

/// Counts animation frames and late ones until `running` turns false.
fn start_frames(seen: Rc<RefCell<Seen>>, running: Rc<Cell<bool>>) {
    let Ok(win) = window() else { return };
    let slot: FrameLoop = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |t: f64| {
        if !running.get() {
            // Drop the closure (and this loop) once stopped.
            again.borrow_mut().take();
            return;
        }
        {
            let mut seen = seen.borrow_mut();
            if let Some(last) = seen.last_frame_ms {
                seen.frames += 1;
                if t - last > LATE_FRAME_MS {
                    seen.dropped_frames += 1;
                }
            }
            seen.last_frame_ms = Some(t);
        }
        if let (Ok(win), Some(f)) = (window(), again.borrow().as_ref()) {
            let _ = win.request_animation_frame(f.as_ref().unchecked_ref());
        }
    }));
    if let Some(f) = slot.borrow().as_ref() {
        let _ = win.request_animation_frame(f.as_ref().unchecked_ref());
    }
}
