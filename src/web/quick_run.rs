//! The quick run: seed 000's job on the main thread, on shared memory and on a fresh isolated
//! pool, with a worker slider; one row per engine.

use crate::run::Mode;
use crate::state::{Action, EngineStatus, Section, ShownTimeline, quick_job};
use crate::web::outcome::{outcome_cells, timeline_button};
use crate::web::props::Dispatcher;
use crate::web::timeline_view::TimelinePanel;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuickRunProps {
    /// Each engine's row, with why it cannot run here (if it cannot).
    pub rows: Vec<(Mode, EngineStatus, Option<String>)>,
    pub workers: usize,
    pub max_workers: usize,
    pub running: bool,
    pub hardware_concurrency: usize,
    /// The timeline opened from this section, if one is.
    pub shown: Option<ShownTimeline>,
    pub dispatch: Dispatcher,
    /// Starts the run (ignored while one is going).
    pub on_run: Callback<()>,
}

#[component]
pub fn QuickRun(props: &QuickRunProps) -> Html {
    // Taken on `input` (while dragging) and on `change` alike, so the label always shows the
    // slider's value.
    let on_workers = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::SetWorkers(input.value().parse().unwrap_or(0)));
        })
    };
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let serial_ms = props
        .rows
        .iter()
        .find_map(|(mode, status, _)| match status {
            EngineStatus::Done(Ok(run)) if *mode == Mode::MainThread => Some(run.run.elapsed_ms),
            _ => None,
        });
    let rows = props.rows.iter().map(|(mode, status, unavailable)| {
        let (key, elapsed, detail) = match status {
            EngineStatus::NotRun => (
                "idle",
                html! { "—" },
                html! { unavailable.clone().unwrap_or_default() },
            ),
            EngineStatus::Running => ("running", html! { "running…" }, html! {}),
            EngineStatus::Done(outcome) => {
                let (key, elapsed, detail) = outcome_cells(outcome, serial_ms);
                let title = format!("quick run, {}, {} workers", mode.label(), props.workers);
                let button = timeline_button(
                    &props.dispatch,
                    Section::Quick,
                    title,
                    &quick_job(),
                    outcome,
                );
                (key, elapsed, html! { <>{ detail }{ button }</> })
            }
        };
        html! {
            <tr data-engine={mode.key()} data-status={key}>
                <th scope="row">{ mode.label() }<small>{ mode.python_analog() }</small></th>
                <td class="time">{ elapsed }</td>
                <td class="detail">{ detail }</td>
            </tr>
        }
    });
    let (max, workers, running) = (props.max_workers, props.workers, props.running);
    html! {
        <section class="quick" aria-labelledby="quick-title">
            <h2 id="quick-title">{ "Quick run" }</h2>
            <div class="controls">
                <p class="workload">
                    { "Seed 000's CPU-bound task, at its own size: 10 tasks, each counting to 3,000,000 and then adding two numbers (the tutorial's " }
                    <code>{ "add_compute" }</code>{ "). Compiled, each task takes only milliseconds, so starting a fresh pool of isolated workers, which is timed with the work here, can cost more than the work: their row says how much of the time was start-up. The lessons run larger tasks." }
                </p>
                <label for="workers">{ "Workers" }</label>
                <input id="workers" type="range" min="1" max={max.to_string()} step="1"
                    value={workers.to_string()} oninput={on_workers.reform(Event::from)} onchange={on_workers} disabled={running} />
                <output for="workers" id="workers-value">{ format!("{workers} of {max}") }</output>
                <button id="run" onclick={on_run} disabled={running}>
                    { if props.rows.iter().any(|(_, s, _)| *s == EngineStatus::Running) { "Running…" } else { "Run" } }
                </button>
            </div>
            <table class="results" id="quick-results" tabindex="-1" aria-label="Quick run results">
                <thead><tr><th scope="col">{ "engine" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if let Some(shown) = &props.shown {
                <TimelinePanel shown={shown.clone()} cores={props.hardware_concurrency} dispatch={props.dispatch.clone()} />
            }
        </section>
    }
}
