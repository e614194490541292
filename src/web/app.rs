//! The page: platform facts, the quick run (one workload on the three engines, with a worker
//! slider), and the lesson presets. Components render [`State`] and send [`Action`]s; runs are
//! async tasks that report through actions.

use crate::cancel::Cancel;
use crate::experiment::{self, Outcome, Outcomes, PresetId, Scale, Step, sweep_workloads};
use crate::run::{Mode, RunError};
use crate::state::{
    Action, Calibration, EngineStatus, PoolStatus, QUICK_MODES, Section, ShownTimeline, State,
};
use crate::stats::Responsiveness;
use crate::timeline::Timeline;
use crate::web::engines;
use crate::web::props::StateProps;
use crate::web::timeline_view::TimelinePanel;
use crate::web::{links, platform};
use crate::workloads::{Job, Workload, file_write, show_list};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

type Dispatcher = UseReducerDispatcher<State>;

/// The quick run's job: seed 000's `add_compute` over its ten pairs.
fn quick_job() -> Job {
    Job::new(Workload::EmptyLoop { count: 3_000_000 }, 10)
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let mut state = State::new(
            platform::hardware_concurrency(),
            platform::cross_origin_isolated(),
            engines::THREADED,
        );
        let fragment = links::fragment();
        if !fragment.is_empty() {
            state.apply(Action::OpenLink(fragment));
        }
        state
    });

    {
        // The address bar follows the configuration (with their results while it is theirs),
        // so a reload keeps it. Not on the first render: a broken link stays where the person
        // can see it until they change something.
        let address = state.address();
        let first = use_mut_ref(|| true);
        use_effect_with(address, move |address| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                links::replace_fragment(address);
            }
        });
    }

    {
        // A link pasted into the address bar of an open page changes only its fragment.
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                let fragment = links::fragment();
                if !fragment.is_empty() {
                    dispatch.dispatch(Action::OpenLink(fragment));
                }
            });
            let window = platform::window().ok();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    {
        // Start the shared-memory pool once, at its largest size: it cannot be resized later.
        let dispatch = state.dispatcher();
        let (starting, threads) = (state.pool == PoolStatus::Starting, state.max_workers());
        use_effect_with((), move |_| {
            if starting {
                spawn_local(async move {
                    dispatch.dispatch(match engines::start_shared_pool(threads).await {
                        Ok(()) => Action::PoolReady { threads },
                        Err(why) => Action::PoolFailed(why),
                    });
                });
            }
        });
    }

    html! {
        <main class="page" data-running={state.running.to_string()}>
            <header>
                <h1>{ "corescope" }</h1>
                <p class="tagline">{ "See parallelism on your own machine: the same tasks on the main thread, on workers that share memory, and on isolated workers." }</p>
            </header>
            <Facts state={state.clone()} />
            if let Some(notice) = &state.notice {
                <p class="notice" role="alert">{ notice }</p>
            }
            <QuickRun state={state.clone()} />
            <crate::web::bench::Bench state={state.clone()} />
            <Lessons state={state.clone()} />
            <p class="diagnostics" id="diagnostics">
                { match state.responsiveness {
                    Some(r) => r.describe(crate::web::probe::long_tasks_supported()),
                    None => "How free the main thread stays is measured during every run: serial runs freeze it, worker runs should not.".into(),
                } }
            </p>
        </main>
    }
}

#[component]
fn Facts(props: &StateProps) -> Html {
    let s = &props.state;
    let pool = match &s.pool {
        PoolStatus::Ready { threads } => format!("ready, {threads} threads"),
        PoolStatus::Starting => "starting…".into(),
        PoolStatus::Unavailable(why) | PoolStatus::Failed(why) => format!("off: {why}"),
    };
    let on_calibrate = {
        let state = s.clone();
        Callback::from(move |_: MouseEvent| {
            if state.running {
                return;
            }
            let (dispatch, max) = (state.dispatcher(), 2 * state.hardware_concurrency);
            spawn_local(async move {
                dispatch.dispatch(Action::CalibrationStarted);
                platform::after_paint().await;
                let curve = engines::throughput_curve(max).await;
                dispatch.dispatch(Action::CalibrationFinished(curve));
            });
        })
    };
    html! {
        <dl class="facts">
            <dt>{ "hardwareConcurrency" }</dt><dd id="hardware-concurrency">{ s.hardware_concurrency }</dd>
            <dt>{ "cross-origin isolated" }</dt><dd id="isolated">{ if s.cross_origin_isolated { "yes" } else { "no" } }</dd>
            <dt>{ "module" }</dt><dd id="build" data-threaded={s.threaded.to_string()}>{ if s.threaded { "threaded (shared memory)" } else { "single-threaded" } }</dd>
            <dt>{ "shared-memory pool" }</dt><dd id="pool" data-ready={matches!(s.pool, PoolStatus::Ready { .. }).to_string()}>{ pool }</dd>
            <dt>{ "effective cores" }</dt>
            <dd id="effective-cores" data-cores={s.effective_cores().map(|c| c.to_string())}>
                { effective_cores_text(s) }
                <button class="secondary small" id="calibrate" onclick={on_calibrate}
                    disabled={s.running || !matches!(s.pool, PoolStatus::Ready { .. })}>
                    { if s.calibration == Calibration::NotRun { "Measure (≤ 3 s)" } else { "Measure again" } }
                </button>
            </dd>
        </dl>
    }
}

#[component]
fn QuickRun(props: &StateProps) -> Html {
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
                spawn_local(run_quick((*state).clone(), state.dispatcher()));
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
    let max = state.max_workers();
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
            <table class="results">
                <thead><tr><th scope="col">{ "engine" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if let Some(shown) = state.timeline.as_ref().filter(|t| t.section == Section::Quick) {
                <TimelinePanel shown={shown.clone()} cores={state.hardware_concurrency} dispatch={state.dispatcher()} />
            }
        </section>
    }
}

/// The measured effective cores beside what the browser reports, or how to measure them.
fn effective_cores_text(s: &State) -> String {
    let hc = s.hardware_concurrency;
    match &s.calibration {
        Calibration::NotRun => "not measured: runs a fixed CPU task on 1 to 2 × hardwareConcurrency shared-memory workers ".into(),
        Calibration::Running => "measuring… ".into(),
        Calibration::Failed(why) => format!("could not be measured: {why} "),
        Calibration::Done { curve, estimate } => estimate.describe(curve, hc),
    }
}

/// A button that opens the timeline of `outcome`'s run under `section` (nothing for a failed run).
fn timeline_button(
    dispatch: &Dispatcher,
    section: Section,
    title: String,
    job: &Job,
    outcome: &Outcome,
) -> Html {
    let Ok(run) = outcome else {
        return html! {};
    };
    let timeline = Timeline::of(run.mode, job, &run.run);
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        dispatch.dispatch(Action::ShowTimeline(Some(ShownTimeline {
            section,
            title: title.clone(),
            timeline: timeline.clone(),
            theirs: false,
        })))
    });
    html! { <button class="link show-timeline" {onclick}>{ "timeline" }</button> }
}

/// The elapsed cell and the detail cell of a finished run.
fn outcome_cells(outcome: &Outcome, serial_ms: Option<f64>) -> (&'static str, Html, Html) {
    match outcome {
        Ok(run) => {
            let r = &run.run;
            let startup = match (r.startup_ms, run.mode) {
                (Some(ms), Mode::Pool { reuse: true }) => {
                    format!(", pool start-up before the clock {ms:.1} ms")
                }
                (Some(ms), _) => format!(", of which start-up {ms:.1} ms"),
                (None, _) => String::new(),
            };
            let messaging = r
                .messaging_ms
                .map(|ms| format!(", messaging {ms:.1} ms"))
                .unwrap_or_default();
            let gil = if r.gil_wait_ms() > 0.0 {
                format!(", GIL waits {:.1} ms", r.gil_wait_ms())
            } else {
                String::new()
            };
            let (speedup, note) = experiment::speed_cells(run, serial_ms);
            (
                "ok",
                html! { <span class="elapsed" data-ms={format!("{:.3}", r.elapsed_ms)}>{ format!("{:.1} ms", r.elapsed_ms) }</span> },
                html! {
                    <>
                        <span class="check" title="matches the serial answer">{ "✓ " }</span>
                        <span class="result">{ show_list(&r.results, 10) }</span>
                        <span class="meta">{ format!(" on {} of {} workers{startup}{messaging}{gil}{speedup}", r.workers_used(), run.workers) }</span>
                        if let Some((class, text)) = note {
                            <span class={classes!("note", class)}>{ text }</span>
                        }
                    </>
                },
            )
        }
        Err(err) => {
            let what = match err {
                RunError::WrongResult(_) => "time withheld — ",
                RunError::Failed(_) => "failed: ",
            };
            (
                "error",
                html! { "—" },
                html! { <span class="error">{ format!("{what}{err}") }</span> },
            )
        }
    }
}

/// Runs the quick job on every engine in turn.
async fn run_quick(state: State, dispatch: Dispatcher) {
    dispatch.dispatch(Action::RunStarted);
    let job = quick_job();
    let mut longest_gap: Option<Responsiveness> = None;
    for mode in QUICK_MODES.into_iter().filter(|m| !state.is_off(*m)) {
        let outcome = if let Some(why) = state.unavailable_reason(mode) {
            Err(RunError::Failed(why))
        } else {
            dispatch.dispatch(Action::EngineStarted(mode));
            let workers = if mode == Mode::MainThread {
                1
            } else {
                state.workers
            };
            let (outcome, gap) = engines::measure(mode, &job, workers, &Cancel::new()).await;
            longest_gap = Responsiveness::merge_opt(longest_gap, gap);
            outcome
        };
        dispatch.dispatch(Action::EngineFinished { mode, outcome });
    }
    dispatch.dispatch(Action::RunFinished {
        responsiveness: longest_gap,
    });
}

/// Runs a preset's steps in order.
async fn run_preset(state: State, steps: Vec<Step>, dispatch: Dispatcher) {
    dispatch.dispatch(Action::PresetStarted(steps.clone()));
    let mut longest_gap: Option<Responsiveness> = None;
    for (i, step) in steps.iter().enumerate() {
        if state.is_off(step.mode) {
            continue;
        }
        dispatch.dispatch(Action::StepStarted(i));
        let outcome = match state.unavailable_reason(step.mode) {
            Some(why) => Err(RunError::Failed(why)),
            None => {
                // A short step is run up to `experiment::SHORT_STEP_RUNS` times and shows its
                // median run: one run of a few hundred ms on a shared machine can come out
                // nearly twice as long as the next.
                let mut runs = Vec::new();
                loop {
                    let (outcome, gap) =
                        engines::measure(step.mode, &step.job, step.workers, &Cancel::new()).await;
                    longest_gap = Responsiveness::merge_opt(longest_gap, gap);
                    match outcome {
                        Ok(run) => runs.push(run),
                        Err(e) => break Err(e),
                    }
                    if !experiment::run_again(&runs) {
                        break Ok(experiment::median_run(runs));
                    }
                }
            }
        };
        dispatch.dispatch(Action::StepFinished(i, outcome));
    }
    dispatch.dispatch(Action::RunFinished {
        responsiveness: longest_gap,
    });
}

#[component]
fn Lessons(props: &StateProps) -> Html {
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

    // The last run's steps if they belong to the selected preset, else the plan.
    let planned = state.preset_steps(Scale::Full);
    let ran = !state.preset.steps.is_empty()
        && state.preset.steps.first().map(|s| &s.id) == planned.first().map(|s| &s.id)
        && state.preset.steps.len() == planned.len()
        && state
            .preset
            .steps
            .iter()
            .zip(&planned)
            .all(|(a, b)| a.job.workload == b.job.workload);
    let (steps, results): (Vec<Step>, Vec<Option<Outcome>>) = if ran {
        (state.preset.steps.clone(), state.preset.results.clone())
    } else {
        (planned.clone(), vec![None; planned.len()])
    };

    let on_run = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if !state.running {
                spawn_local(run_preset(
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
    let progress = match state.preset.running {
        Some(i) if state.running => format!(
            "step {} of {}: {}",
            i + 1,
            steps.len(),
            steps.get(i).map_or("", |s| s.label.as_str())
        ),
        _ => String::new(),
    };
    // Speedups compare a step only with a serial step of the very same job.
    let serial_ms = |job: &Job| {
        steps
            .iter()
            .zip(&results)
            .find(|(s, _)| s.mode == Mode::MainThread && &s.job == job)
            .and_then(|(_, r)| match r {
                Some(Ok(run)) => Some(run.run.elapsed_ms),
                _ => None,
            })
    };
    let rows = steps.iter().zip(&results).enumerate().map(|(i, (step, result))| {
        let (key, elapsed, detail) = match result {
            None if state.preset.running == Some(i) => ("running", html! { "running…" }, html! {}),
            None => ("idle", html! { "—" }, html! { state.unavailable_reason(step.mode).unwrap_or_default() }),
            Some(outcome) => {
                let (key, elapsed, mut detail) = outcome_cells(outcome, serial_ms(&step.job).filter(|_| step.mode != Mode::MainThread));
                if let Ok(run) = outcome {
                    let title = format!("{} — {}", selected.title(), step.label);
                    let button = timeline_button(&state.dispatcher(), Section::Lessons, title, &step.job, outcome);
                    detail = html! { <>{ detail }{ step_extras(step, &run.run) }{ button }</> };
                }
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
    let lesson = experiment::lesson(
        selected,
        state.hardware_concurrency,
        &Outcomes {
            steps: &steps,
            results: &results,
        },
    );
    let workloads = sweep_workloads(Scale::Full);

    html! {
        <section class="lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title">{ "Lessons from the seeds" }</h2>
            <nav class="preset-picker" aria-label="Presets">{ for picker }</nav>
            <article class="preset" data-preset={selected.key()}>
                <h3>{ selected.title() }<small>{ format!(" seed {}", selected.seeds()) }</small></h3>
                <p class="seed-found"><strong>{ "The seed found: " }</strong>{ selected.seed_found() }</p>
                <p class="sizes">{ sizes(&steps) }</p>
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
                <table class="results steps">
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
                </div>
            </article>
        </section>
    }
}

/// Arrival order, and a shared counter's view of the page's total.
fn step_extras(step: &Step, run: &crate::run::RawRun) -> Html {
    let arrival = run.arrival();
    let order = if arrival.windows(2).any(|w| w[0] > w[1]) && arrival.len() <= 12 {
        format!(" Arrived in task order {arrival:?}.")
    } else {
        String::new()
    };
    let total = if step.job.uses_globals() {
        format!(" Page's total afterwards: {}.", run.page_total)
    } else {
        String::new()
    };
    let stand_in = if matches!(step.job.workload, Workload::FileWrite { .. }) {
        format!(" File: {}.", file_write::STAND_IN)
    } else {
        String::new()
    };
    html! { <span class="extras">{ format!("{order}{total}{stand_in}") }</span> }
}

/// The workloads a preset runs, with their sizes.
fn sizes(steps: &[Step]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for s in steps {
        let this = format!("{} × {} tasks", s.job.workload.describe(), s.job.tasks);
        if !seen.contains(&this) {
            seen.push(this);
        }
    }
    format!(
        "Here: {}. A step that runs in under {} is run {} times and shows its median run.",
        seen.join("; "),
        crate::stats::secs(experiment::SHORT_STEP_MS),
        experiment::SHORT_STEP_RUNS
    )
}
