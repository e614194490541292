//! The lesson presets: pick one of the seeds' experiments, run its steps, read the lesson
//! written from this machine's numbers.

use crate::experiment::{self, Outcome, Outcomes, PresetId, Step};
use crate::run::Mode;
use crate::settings::{Scale, sweep_workloads};
use crate::state::{Action, Section, ShownTimeline};
use crate::web::outcome::{outcome_cells, timeline_button};
use crate::web::props::Dispatcher;
use crate::web::timeline_view::TimelinePanel;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    pub selected: PresetId,
    /// The scaling sweep's workload, by index.
    pub sweep_workload: usize,
    /// The selected preset's steps, with the last run's results if it ran them.
    pub steps: Vec<Step>,
    pub results: Vec<Option<Outcome>>,
    /// Why each step's engine cannot run here, if it cannot.
    pub unavailable: Vec<Option<String>>,
    /// The step running now.
    pub running_step: Option<usize>,
    /// Which step is running, in words.
    pub progress: String,
    /// Cores' worth of computing predictions count on.
    pub cores: f64,
    pub hardware_concurrency: usize,
    pub running: bool,
    /// The timeline opened from this section, if one is.
    pub shown: Option<ShownTimeline>,
    pub dispatch: Dispatcher,
    /// Runs the selected preset (ignored while a run is going).
    pub on_run: Callback<()>,
}

#[component]
pub fn Lessons(props: &LessonsProps) -> Html {
    let (selected, running, dispatch) = (props.selected, props.running, &props.dispatch);
    let picker = PresetId::ALL.iter().enumerate().map(|(n, &id)| {
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SelectPreset(id)));
        html! {
            <button class={classes!("preset-pick", (id == selected).then_some("selected"))} data-preset={id.key()}
                aria-pressed={(id == selected).to_string()} {onclick} disabled={running}>
                { format!("{}. {}", n + 1, id.title()) }
            </button>
        }
    });
    let (steps, results) = (&props.steps, &props.results);
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let on_workload = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.dispatch(Action::SelectSweepWorkload(
                select.value().parse().unwrap_or(usize::MAX),
            ));
        })
    };
    let outcomes = Outcomes { steps, results };
    // What theory predicts for each step once the serial step has run (see predict).
    let cores = props.cores;
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
    let rows = steps.iter().zip(results).enumerate().map(|(i, (step, result))| {
        let (key, elapsed, detail) = match result {
            None if props.running_step == Some(i) => ("running", html! { <>{ "running…" }<small class="predicted">{ predicted_text(i, None).unwrap_or_default() }</small></> }, html! {}),
            None => ("idle", html! { <>{ "—" }<small class="predicted">{ predicted_text(i, None).unwrap_or_default() }</small></> }, html! { props.unavailable.get(i).cloned().flatten().unwrap_or_default() }),
            Some(outcome) => {
                let (key, elapsed, mut detail) = outcome_cells(outcome, outcomes.serial_ms(&step.job).filter(|_| step.mode != Mode::MainThread));
                if let Ok(run) = outcome {
                    let title = format!("{} — {}", selected.title(), step.label);
                    let button = timeline_button(dispatch, Section::Lessons, title, &step.job, outcome);
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
    let lesson = experiment::lesson(selected, props.hardware_concurrency, &outcomes);
    let workloads = sweep_workloads(Scale::Full);

    html! {
        <section class="lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title" tabindex="-1">{ "Lessons from the seeds" }</h2>
            <nav class="preset-picker" aria-label="Presets">{ for picker }</nav>
            <article class="preset" data-preset={selected.key()}>
                <h3>{ selected.title() }<small>{ format!(" seed {}", selected.seeds()) }</small></h3>
                <div class="controls">
                    if selected == PresetId::ScalingSweep {
                        <label for="sweep-workload">{ "Workload" }</label>
                        <select id="sweep-workload" onchange={on_workload} disabled={running}>
                            { for workloads.iter().enumerate().map(|(i, w)| html! {
                                <option value={i.to_string()} selected={i == props.sweep_workload}>{ w.describe() }</option>
                            }) }
                        </select>
                    }
                    <button id="run-preset" onclick={on_run} disabled={running}>{ "Run preset" }</button>
                    <span class="progress" id="preset-progress">{ &props.progress }</span>
                </div>
                <p class="seed-found"><strong>{ "The seed found: " }</strong>{ selected.seed_found() }</p>
                <p class="sizes">{ experiment::sizes(steps) }</p>
                <table class="results steps" id="preset-results" tabindex="-1" aria-label="The preset's steps and results">
                    <thead><tr><th scope="col">{ "step" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if let Some(shown) = &props.shown {
                    <TimelinePanel shown={shown.clone()} cores={props.hardware_concurrency} dispatch={dispatch.clone()} />
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
