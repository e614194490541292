//! The experiment bench: pick a workload, its size and task count, the engines and the
//! repetitions; sweep every engine over 1…max workers with a progress bar and Cancel; read the
//! chart (time, speedup or efficiency against workers) and the table behind it.

use crate::experiment::{Scale, sweep_workloads};
use crate::run::{CANCELLED, Cancel, RunError};
use crate::state::{Action, BENCH_MODES, MAX_REPETITIONS, SIZE_PERCENT, State, View};
use crate::stats::Responsiveness;
use crate::sweep::{self, Plan};
use crate::web::app::{StateProps, describe};
use crate::web::{chart, engines, platform};
use crate::workloads::show_list;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The task-count slider's top (the reducer accepts up to `MAX_TASKS` from elsewhere).
const TASK_SLIDER_MAX: usize = 100;

/// Runs every point of `plan`, `repetitions` times each, until done or cancelled.
async fn run_sweep(
    state: State,
    plan: Plan,
    cancel: Cancel,
    dispatch: UseReducerDispatcher<State>,
) {
    dispatch.dispatch(Action::SweepStarted(plan.clone()));
    let reps = plan.repetitions.max(1);
    let (mut done, mut gap, mut cancelled) = (0, None, false);
    'points: for point in plan.points() {
        if let Some(why) = state.unavailable_reason(point.mode) {
            dispatch.dispatch(Action::PointFailed { point, why });
            done += reps;
            continue;
        }
        for rep in 0..reps {
            if cancel.is_cancelled() {
                cancelled = true;
                break 'points;
            }
            let current = format!(
                "{}, {} worker{} (run {} of {reps})",
                point.mode.label(),
                point.workers,
                if point.workers == 1 { "" } else { "s" },
                rep + 1
            );
            dispatch.dispatch(Action::PointStarted { done, current });
            let (outcome, g) =
                engines::measure(point.mode, &plan.job, point.workers, &cancel).await;
            gap = Responsiveness::merge_opt(gap, g);
            done += 1;
            match outcome {
                Ok(run) => dispatch.dispatch(Action::Sampled {
                    point,
                    elapsed_ms: run.run.elapsed_ms,
                    result: show_list(&run.run.results, 6),
                }),
                Err(RunError::Failed(why)) if why == CANCELLED => {
                    cancelled = true;
                    break 'points;
                }
                Err(e) => {
                    dispatch.dispatch(Action::PointFailed {
                        point,
                        why: e.to_string(),
                    });
                    done += reps - rep - 1;
                    continue 'points;
                }
            }
        }
    }
    dispatch.dispatch(Action::SweepFinished {
        cancelled,
        responsiveness: gap,
    });
}

#[component]
pub fn Bench(props: &StateProps) -> Html {
    let state = &props.state;
    let b = &state.bench;
    let cancel = use_mut_ref(Cancel::new);
    let dispatch = state.dispatcher();
    let send = |f: fn(&str) -> Option<Action>| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()));
            if let Some(action) = value.as_deref().and_then(f) {
                dispatch.dispatch(action);
            }
        })
    };
    let on_workload = send(|v| Some(Action::SetBenchWorkload(v.parse().unwrap_or(usize::MAX))));
    let on_tasks = send(|v| Some(Action::SetBenchTasks(v.parse().unwrap_or(0))));
    let on_size = send(|v| Some(Action::SetBenchSize(v.parse().unwrap_or(0))));
    let on_reps = send(|v| Some(Action::SetRepetitions(v.parse().unwrap_or(0))));
    let on_max = send(|v| Some(Action::SetBenchMaxWorkers(v.parse().unwrap_or(0))));
    let on_run = {
        let (state, cancel) = (state.clone(), cancel.clone());
        Callback::from(move |_: MouseEvent| {
            if state.running {
                return;
            }
            let token = Cancel::new();
            *cancel.borrow_mut() = token.clone();
            spawn_local(run_sweep(
                (*state).clone(),
                state.bench_plan(),
                token,
                state.dispatcher(),
            ));
        })
    };
    let on_cancel = {
        let cancel = cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.borrow().cancel())
    };
    let job = b.job();
    let plan_modes = b.plan.as_ref().map(|p| p.modes.clone()).unwrap_or_default();
    let narrow = platform::window()
        .ok()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 600.0);
    let (width, height) = if narrow { (360, 320) } else { (900, 460) };
    let svg = if b.measured.is_empty() {
        None
    } else {
        Some(chart::render(
            &b.measured,
            &plan_modes,
            b.view,
            state.hardware_concurrency,
            b.plan.as_ref().map_or(1, |p| p.max_workers),
            width,
            height,
        ))
    };
    let views = [(View::Time, "time"), (View::Speedup, "speedup"), (View::Efficiency, "efficiency")].map(|(view, name)| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::SetView(view)));
        html! {
            <label class="choice"><input type="radio" name="view" value={name} checked={b.view == view} {onchange} />{ name }</label>
        }
    });
    let modes = BENCH_MODES.map(|mode| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::ToggleMode(mode)));
        html! {
            <label class="choice"><input type="checkbox" data-mode={mode.key()} checked={b.modes.contains(&mode)} {onchange} disabled={state.running} />{ mode.label() }</label>
        }
    });
    let serial = sweep::serial_ms(&b.measured);
    let rows = b.measured.iter().filter_map(|m| {
        let s = m.summary()?;
        let speedup = serial.and_then(|t| crate::stats::speedup(t, s.median_ms)).map_or(String::new(), |x| format!("{x:.2}×"));
        Some(html! {
            <tr data-mode={m.point.mode.key()} data-workers={m.point.workers.to_string()}>
                <td>{ m.point.mode.label() }</td>
                <td class="num">{ m.point.workers }</td>
                <td class="num" data-ms={format!("{:.3}", s.median_ms)}>{ format!("{:.1}", s.median_ms) }</td>
                <td class="num">{ format!("{:.1}", s.min_ms) }</td>
                <td class="num">{ format!("{:.1}", s.max_ms) }</td>
                <td class="num">{ speedup }</td>
                <td><span class="check">{ "✓ " }</span>{ &m.result }</td>
            </tr>
        })
    });
    let failures = b.failures.iter().map(|(p, why)| {
        html! {
            <tr class="failed" data-mode={p.mode.key()} data-workers={p.workers.to_string()}>
                <td>{ p.mode.label() }</td><td class="num">{ p.workers }</td>
                <td colspan="5" class="error">{ why }</td>
            </tr>
        }
    });
    let workloads = sweep_workloads(Scale::Full);
    html! {
        <section class="bench" aria-labelledby="bench-title">
            <h2 id="bench-title">{ "Experiment bench" }</h2>
            <div class="bench-controls">
                <label for="bench-workload">{ "Workload" }</label>
                <select id="bench-workload" onchange={on_workload} disabled={state.running}>
                    { for workloads.iter().enumerate().map(|(i, w)| html! { <option value={i.to_string()} selected={i == b.workload}>{ describe(w) }</option> }) }
                </select>
                <label for="bench-tasks">{ "Tasks" }</label>
                <input id="bench-tasks" type="range" min="1" max={TASK_SLIDER_MAX.to_string()} value={b.tasks.to_string()} onchange={on_tasks} disabled={state.running} />
                <output for="bench-tasks">{ format!("{} tasks", b.tasks) }</output>
                <label for="bench-size">{ "Task size" }</label>
                <input id="bench-size" type="range" min={SIZE_PERCENT.start().to_string()} max={SIZE_PERCENT.end().to_string()} step="10" value={b.size_percent.to_string()} onchange={on_size} disabled={state.running} />
                <output for="bench-size">{ format!("{}% of the seed's — {}", b.size_percent, describe(&job.workload)) }</output>
                <label for="bench-max">{ "Workers" }</label>
                <input id="bench-max" type="range" min="1" max={state.max_workers().to_string()} value={state.bench_max_workers().to_string()} onchange={on_max} disabled={state.running} />
                <output for="bench-max">{ format!("1 to {} (hardwareConcurrency {})", state.bench_max_workers(), state.hardware_concurrency) }</output>
                <label for="bench-reps">{ "Repetitions" }</label>
                <input id="bench-reps" type="range" min="1" max={MAX_REPETITIONS.to_string()} value={b.repetitions.to_string()} onchange={on_reps} disabled={state.running} />
                <output for="bench-reps">{ format!("median of {}", b.repetitions) }</output>
                <span class="label">{ "Engines" }</span>
                <div class="choices">{ for modes }</div>
            </div>
            <div class="sweep-actions">
                <button id="run-sweep" onclick={on_run} disabled={state.running || b.modes.is_empty()}>{ format!("Sweep 1–{} workers", state.bench_max_workers()) }</button>
                <button id="cancel-sweep" class="secondary" onclick={on_cancel} disabled={b.progress.is_none()}>{ "Cancel" }</button>
                if let Some(p) = &b.progress {
                    <progress id="sweep-progress" max={p.total.to_string()} value={p.done.to_string()}></progress>
                    <span class="progress" id="sweep-status">{ format!("{} of {} runs — now {}", p.done, p.total, p.current) }</span>
                } else if b.cancelled {
                    <span class="progress" id="sweep-status">{ format!("Cancelled; {} points kept.", b.measured.len()) }</span>
                }
            </div>
            <div class="views" role="radiogroup" aria-label="Chart">{ for views }</div>
            <div class="chart" id="chart">
                { match svg {
                    None => html! { <p class="placeholder">{ "Sweep to see elapsed time against workers." }</p> },
                    Some(Ok(svg)) => Html::from_html_unchecked(AttrValue::from(svg)),
                    Some(Err(why)) => html! { <p class="error">{ why }</p> },
                } }
            </div>
            if narrow && !b.measured.is_empty() {
                <ul class="legend">
                    { for chart::legend(&b.measured, &plan_modes, b.view, state.hardware_concurrency).into_iter().map(|(colour, text)| html! {
                        <li><span class="swatch" style={format!("background: {colour}")}></span>{ text }</li>
                    }) }
                </ul>
            }
            if !b.measured.is_empty() || !b.failures.is_empty() {
                <div class="table-scroll">
                <table class="results sweep-table">
                    <thead><tr>
                        <th scope="col">{ "engine" }</th><th scope="col">{ "workers" }</th><th scope="col">{ "median ms" }</th>
                        <th scope="col">{ "min ms" }</th><th scope="col">{ "max ms" }</th><th scope="col">{ "speedup" }</th><th scope="col">{ "result (checked)" }</th>
                    </tr></thead>
                    <tbody>{ for rows }{ for failures }</tbody>
                </table>
                </div>
            }
        </section>
    }
}
