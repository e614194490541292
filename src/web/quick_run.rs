//! The quick run: seed 000's job on the main thread, on shared memory and on a fresh isolated
//! pool, with a worker slider; one row per engine.

use crate::run::Mode;
use crate::state::{Action, EngineStatus, Section, quick_job};
use crate::web::driver;
use crate::web::outcome::{outcome_cells, timeline_button};
use crate::web::props::StateProps;
use crate::web::timeline_view::TimelinePanel;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn QuickRun(props: &StateProps) -> Html {
    let state = &props.state;
    // Taken on `input` (while dragging) and on `change` alike, so the label always shows the
    // slider's value.
    let on_workers = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::SetWorkers(input.value().parse().unwrap_or(0)));
        })
    };
    let on_run = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if !state.running {
                spawn_local(driver::run_quick((*state).clone(), state.dispatcher()));
            }
        })
    };
    let serial_ms = match state.status(Mode::MainThread) {
        Some(EngineStatus::Done(Ok(run))) => Some(run.run.elapsed_ms),
        _ => None,
    };
    let rows = state.rows.iter().map(|(mode, status)| {
        let (key, elapsed, detail) = match status {
            EngineStatus::NotRun => (
                "idle",
                html! { "—" },
                html! { state.unavailable_reason(*mode).unwrap_or_default() },
            ),
            EngineStatus::Running => ("running", html! { "running…" }, html! {}),
            EngineStatus::Done(outcome) => {
                let (key, elapsed, detail) = outcome_cells(outcome, serial_ms);
                let title = format!("quick run, {}, {} workers", mode.label(), state.workers);
                let button = timeline_button(
                    &state.dispatcher(),
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
    let max = state.max_workers;
    html! {
        <section class="quick" aria-labelledby="quick-title">
            <h2 id="quick-title">{ "Quick run" }</h2>
            <div class="controls">
                <p class="workload">
                    { "Workload: 10 tasks, each counts to 3,000,000 then adds the pair (10, i) — the seed's " }
                    <code>{ "add_compute" }</code>{ ", at the seed's own size. Compiled, each task computes for milliseconds, so starting a fresh pool of isolated workers (inside the clock here) can outweigh the work: their row says how much of its time was start-up. The presets run larger tasks." }
                </p>
                <label for="workers">{ "Workers" }</label>
                <input id="workers" type="range" min="1" max={max.to_string()} step="1"
                    value={state.workers.to_string()} oninput={on_workers.reform(Event::from)} onchange={on_workers} disabled={state.running} />
                <output for="workers" id="workers-value">{ format!("{} of {max}", state.workers) }</output>
                <button id="run" onclick={on_run} disabled={state.running}>
                    { if state.rows.iter().any(|(_, s)| *s == EngineStatus::Running) { "Running…" } else { "Run" } }
                </button>
            </div>
            <table class="results" id="quick-results" tabindex="-1" aria-label="Quick run results">
                <thead><tr><th scope="col">{ "engine" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if let Some(shown) = state.timeline.as_ref().filter(|t| t.section == Section::Quick) {
                <TimelinePanel shown={shown.clone()} cores={state.hardware_concurrency} dispatch={state.dispatcher()} />
            }
        </section>
    }
}
