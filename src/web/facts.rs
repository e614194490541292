//! The platform's facts: hardwareConcurrency, isolation, which module loaded, the shared-memory
//! pool, and the effective cores with the button that measures them; one line, with the
//! details on demand.

use crate::state::{Calibration, PoolStatus};
use crate::web::engines;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FactsProps {
    pub hardware_concurrency: usize,
    pub cross_origin_isolated: bool,
    pub threaded: bool,
    pub pool: PoolStatus,
    pub calibration: Calibration,
    pub running: bool,
    /// Measures the effective cores.
    pub on_calibrate: Callback<()>,
}

#[component]
pub fn Facts(s: &FactsProps) -> Html {
    let pool = s.pool.describe(engines::shared_threads());
    // The memory line changes without the page's state (a pool ended while idle): read again
    // every 2 s.
    let update = use_force_update();
    use_effect_with((), move |_| {
        let interval = gloo_timers::callback::Interval::new(2_000, move || update.force_update());
        move || drop(interval)
    });
    let on_calibrate = s.on_calibrate.reform(|_: MouseEvent| ());
    // One line on what the runs will meet; the details open on demand.
    let pool_short = match &s.pool {
        PoolStatus::Ready { .. } => "shared memory ready",
        PoolStatus::Starting => "starting shared memory…",
        PoolStatus::Unavailable(_) | PoolStatus::Failed(_) => "no shared memory (details)",
    };
    let cores = match s.calibration.effective_cores() {
        Some(c) => format!(" · {c} effective cores"),
        None => String::new(),
    };
    html! {
        <details class="facts" id="facts">
        <summary>
            { format!("Your machine: {} logical cores", s.hardware_concurrency) }
            <span class="why">{ " (navigator.hardwareConcurrency)" }</span>
            { format!(" · {pool_short}{cores}") }
        </summary>
        <dl>
            <dt>{ "hardwareConcurrency" }</dt><dd id="hardware-concurrency">{ s.hardware_concurrency }</dd>
            <dt>{ "cross-origin isolated" }</dt><dd id="isolated">{ if s.cross_origin_isolated { "yes" } else { "no" } }</dd>
            <dt>{ "module" }</dt><dd id="build" data-threaded={s.threaded.to_string()}>{ if s.threaded { "threaded (shared memory)" } else { "single-threaded" } }</dd>
            <dt>{ "shared-memory pool" }</dt><dd id="pool" data-ready={matches!(s.pool, PoolStatus::Ready { .. }).to_string()}>{ pool }</dd>
            <dt>{ "memory in use" }</dt><dd id="memory">{ engines::memory_in_use() }</dd>
            <dt>{ "effective cores" }</dt>
            <dd id="effective-cores" data-cores={s.calibration.effective_cores().map(|c| c.to_string())}>
                { s.calibration.describe(s.hardware_concurrency) }
                <button class="secondary small" id="calibrate" onclick={on_calibrate}
                    disabled={s.running || !matches!(s.pool, PoolStatus::Ready { .. })}>
                    { if s.calibration == Calibration::NotRun { "Measure (≤ 3 s)" } else { "Measure again" } }
                </button>
            </dd>
        </dl>
        </details>
    }
}
