//! Measures how free the page's main thread stays: a short interval timer notes the longest gap
//! between its ticks. A busy-spinning or blocked main thread shows up as a long gap. Unlike the
//! long-task `PerformanceObserver`, this works in Firefox as well as Chromium.

use super::platform::now_ms;
use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;

/// Tick period; browsers clamp nested timers to about 4 ms anyway.
const TICK_MS: u32 = 5;

pub struct GapProbe {
    _interval: Interval,
    last_tick: Rc<Cell<f64>>,
    longest: Rc<Cell<f64>>,
}

impl GapProbe {
    pub fn start() -> Self {
        let last_tick = Rc::new(Cell::new(now_ms()));
        let longest = Rc::new(Cell::new(0.0_f64));
        let interval = {
            let (last_tick, longest) = (last_tick.clone(), longest.clone());
            Interval::new(TICK_MS, move || {
                let now = now_ms();
                longest.set(longest.get().max(now - last_tick.get()));
                last_tick.set(now);
            })
        };
        Self {
            _interval: interval,
            last_tick,
            longest,
        }
    }

    /// The longest time the main thread went without running the timer, in ms, including the
    /// stretch since the last tick.
    pub fn stop(self) -> f64 {
        self.longest.get().max(now_ms() - self.last_tick.get())
    }
}
