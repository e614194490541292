//! The lesson presets: pick one of the seeds' experiments, run its steps, read the lesson
//! written from this machine's numbers.

use crate::experiment::{self, Outcomes, PresetId};
use crate::run::Mode;
use crate::settings::{Scale, sweep_workloads};
use crate::state::{Action, Section};
use crate::web::driver;
use crate::web::outcome::{outcome_cells, timeline_button};
use crate::web::props::StateProps;
use crate::web::timeline_view::TimelinePanel;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[component]
pub fn Lessons(props: &StateProps) -> Html {
    let state = &props.state;
    let selected = state.preset.selected;
    let picker = PresetId::ALL.iter().enumerate().map(|(n, &id)| {
        let dispatch = state.dispatcher();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SelectPreset(id)));
        html! {
            <button class={classes!("preset-pick", (id == selected).then_some("selected"))} data-preset={id.key()}
                aria-pressed={(id == selected).to_string()} {onclick} disabled={state.running}>
                { format!("{}. {}", n + 1, id.title()) }
            </button>
        }
    });

    let (steps, results) = state.shown_preset();

    let on_run = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if !state.running {
                spawn_local(driver::run_preset(
                    (*state).clone(),
                    state.preset_steps(Scale::Full),
                    state.dispatcher(),
                ));
            }
        })
    };
    let on_workload = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.dispatch(Action::SelectSweepWorkload(
                select.value().parse().unwrap_or(usize::MAX),
            ));
        })
    };
    let progress = state.preset_progress(&steps);
    let outcomes = Outcomes {
        steps: &steps,
        results: &results,
    };
    // What theory predicts for each step once the serial step has run (see predict).
    let cores = state.cores();
    let predicted = outcomes.predictions(cores);
    let predicted_text = |i: usize, measured: Option<f64>| -> Option<String> {
        let p = predicted
            .get(i)
            .copied()
            .flatten()
            .filter(|_| steps[i].mode != Mode::MainThread)?;
        let ms = crate::predict::ms_text;
        Some(match measured {
            // Rounded first, so that a gap under half a percent reads +0%, not -0%.
            Some(m) => format!(
                "predicted {} ({:+}%)",
                ms(p),
                ((m / p - 1.0) * 100.0).round() + 0.0
            ),
            None => format!("predicted {}", ms(p)),
        })
    };
    let rows = steps.iter().zip(&results).enumerate().map(|(i, (step, result))| {
        let (key, elapsed, detail) = match result {
            None if state.preset.running == Some(i) => ("running", html! { <>{ "running…" }<small class="predicted">{ predicted_text(i, None).unwrap_or_default() }</small></> }, html! {}),
            None => ("idle", html! { <>{ "—" }<small class="predicted">{ predicted_text(i, None).unwrap_or_default() }</small></> }, html! { state.unavailable_reason(step.mode).unwrap_or_default() }),
            Some(outcome) => {
                let (key, elapsed, mut detail) = outcome_cells(outcome, outcomes.serial_ms(&step.job).filter(|_| step.mode != Mode::MainThread));
                if let Ok(run) = outcome {
                    let title = format!("{} — {}", selected.title(), step.label);
                    let button = timeline_button(&state.dispatcher(), Section::Lessons, title, &step.job, outcome);
                    detail = html! { <>{ detail }<span class="extras">{ step.extras(&run.run) }</span>{ button }</> };
                }
                let elapsed = match (outcome, predicted_text(i, outcome.as_ref().ok().map(|r| r.run.elapsed_ms))) {
                    (Ok(_), Some(p)) => html! { <>{ elapsed }<small class="predicted">{ p }</small></> },
                    _ => elapsed,
                };
                (key, elapsed, detail)
            }
        };
        html! {
            <tr data-step={step.id.clone()} data-engine={step.mode.key()} data-status={key}>
                <th scope="row">{ &step.label }<small>{ format!("{} · {}", step.mode.label(), step.mode.python_analog()) }</small></th>
                <td class="time">{ elapsed }</td>
                <td class="detail">{ detail }</td>
            </tr>
        }
    });
    let lesson = experiment::lesson(selected, state.hardware_concurrency, &outcomes);
    let workloads = sweep_workloads(Scale::Full);

    html! {
        <section class="lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title" tabindex="-1">{ "Lessons from the seeds" }</h2>
            <nav class="preset-picker" aria-label="Presets">{ for picker }</nav>
            <article class="preset" data-preset={selected.key()}>
                <h3>{ selected.title() }<small>{ format!(" seed {}", selected.seeds()) }</small></h3>
                <p class="seed-found"><strong>{ "The seed found: " }</strong>{ selected.seed_found() }</p>
                <p class="sizes">{ experiment::sizes(&steps) }</p>
                <div class="controls">
                    if selected == PresetId::ScalingSweep {
                        <label for="sweep-workload">{ "Workload" }</label>
                        <select id="sweep-workload" onchange={on_workload} disabled={state.running}>
                            { for workloads.iter().enumerate().map(|(i, w)| html! {
                                <option value={i.to_string()} selected={i == state.preset.sweep_workload}>{ w.describe() }</option>
                            }) }
                        </select>
                    }
                    <button id="run-preset" onclick={on_run} disabled={state.running}>{ "Run preset" }</button>
                    <span class="progress" id="preset-progress">{ progress }</span>
                </div>
                <table class="results steps" id="preset-results" tabindex="-1" aria-label="The preset's steps and results">
                    <thead><tr><th scope="col">{ "step" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if let Some(shown) = state.timeline.as_ref().filter(|t| t.section == Section::Lessons) {
                    <TimelinePanel shown={shown.clone()} cores={state.hardware_concurrency} dispatch={state.dispatcher()} />
                }
                <div class="lesson" id="lesson">
                    <strong>{ "This run: " }</strong>
                    if lesson.is_empty() {
                        <p>{ "Run the preset to see what your machine does." }</p>
                    } else {
                        { for lesson.iter().map(|s| html! { <p>{ s }</p> }) }
                    }
                    if let Some(gap) = outcomes.prediction_gap(cores) {
                        <p class="prediction-gap" id="prediction-gap">{ gap }</p>
                    }
                </div>
            </article>
        </section>
    }
}
