//! The experiment bench: pick a workload, its size and task count, the engines and the
//! repetitions; sweep every engine over 1…max workers with a progress bar and Cancel; read the
//! chart (time, speedup or efficiency against workers) and the table behind it.

use crate::cancel::{CANCELLED, Cancel};
use crate::experiment::{Scale, sweep_workloads};
use crate::export;
use crate::fits;
use crate::run::{Mode, RunError};
use crate::settings::{BENCH_MODES, MAX_REPETITIONS, SIZE_PERCENT, TASK_SLIDER_MAX, View};
use crate::share::{self, Results};
use crate::state::{Action, Section, ShownTimeline, State, Theirs};
use crate::stats::Responsiveness;
use crate::sweep::{self, Plan, PointSummary};
use crate::timeline::Timeline;
use crate::web::props::StateProps;
use crate::web::timeline_view::TimelinePanel;
use crate::web::{chart, engines, links, platform};
use crate::workloads::{Fault, FaultKind, Workload, show_list};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

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
                    timeline: Some(Timeline::of(point.mode, &plan.job, &run.run)),
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
    let fault_task = b.fault.map_or(0, |f| f.task);
    let on_fault_kind = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                let kind = FaultKind::ALL
                    .into_iter()
                    .find(|k| k.name() == select.value());
                dispatch.dispatch(Action::SetFault(kind.map(|kind| Fault {
                    task: fault_task,
                    kind,
                })));
            }
        })
    };
    let on_fault_task = send(|v| Some(Action::SetFaultTask(v.to_string())));
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
    let mine = sweep::summaries(&b.measured);
    let theirs = state.theirs.as_ref();
    let max_workers = b
        .plan
        .as_ref()
        .map_or(1, |p| p.max_workers)
        .max(theirs.map_or(1, |t| {
            t.config
                .settings
                .top_workers(t.results.machine.hardware_concurrency)
        }));
    // The chart's sets, and the fits' sentences written from each.
    let (mut sets, mut fit_notes) = (Vec::new(), Vec::new());
    if !mine.is_empty() {
        let set = chart::Set {
            whose: theirs.map(|_| "mine"),
            dashed: false,
            cores_marker: true,
            points: &mine,
            modes: &plan_modes,
            cores: state.hardware_concurrency,
        };
        let tasks = b.plan.as_ref().map_or(b.settings.tasks, |p| p.job.tasks);
        fit_notes.extend(fits::notes(
            set.points, set.modes, set.cores, tasks, set.whose,
        ));
        sets.push(set);
    }
    if let Some(t) = theirs {
        let cores = t.results.machine.hardware_concurrency;
        let set = chart::Set {
            whose: Some("theirs"),
            dashed: true,
            cores_marker: mine.is_empty() || cores != state.hardware_concurrency,
            points: &t.results.points,
            modes: &t.config.settings.modes,
            cores,
        };
        fit_notes.extend(fits::notes(
            set.points,
            set.modes,
            cores,
            t.config.settings.tasks,
            set.whose,
        ));
        sets.push(set);
    }
    let narrow = platform::narrow_screen();
    let size = if narrow { (360, 320) } else { (900, 460) };
    let svg = (!sets.is_empty()).then(|| {
        chart::render(&sets, b.settings.view, max_workers, size, None, true).map(|c| c.svg)
    });
    let legend = if narrow {
        chart::legend(&sets, b.settings.view, max_workers)
    } else {
        Vec::new()
    };
    let views = [(View::Time, "time"), (View::Speedup, "speedup"), (View::Efficiency, "efficiency")].map(|(view, name)| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::SetView(view)));
        html! {
            <label class="choice"><input type="radio" name="view" value={name} checked={b.settings.view == view} {onchange} />{ name }</label>
        }
    });
    let modes = BENCH_MODES.map(|mode| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::ToggleMode(mode)));
        html! {
            <label class="choice" title={state.is_off(mode).then(|| state.unavailable_reason(mode).unwrap_or_default())}>
                <input type="checkbox" data-mode={mode.key()} checked={b.settings.modes.contains(&mode) && !state.is_off(mode)} {onchange} disabled={state.running || state.is_off(mode)} />{ mode.label() }
            </label>
        }
    });
    let mut rows: Vec<Html> = Vec::new();
    let mut all: Vec<(&'static str, &[PointSummary])> = vec![("mine", &mine)];
    if let Some(t) = theirs {
        all.push(("theirs", &t.results.points));
    }
    for (whose, points) in all {
        let serial = sweep::serial_ms(points);
        for p in points {
            let s = p.summary;
            let speedup = serial
                .and_then(|t| crate::stats::speedup(t, s.median_ms))
                .map_or(String::new(), |x| format!("{x:.2}×"));
            let measured = b
                .measured
                .iter()
                .find(|m| m.point == p.point)
                .filter(|_| whose == "mine");
            let result = match measured {
                Some(m) => m.result.clone(),
                None => "checked on their machine".into(),
            };
            // A pool's chunks, cut as CPython cuts them, can load one worker more than threads.
            let chunking = match (p.point.mode, &b.plan, measured) {
                (Mode::Pool { .. }, Some(plan), Some(_)) => {
                    crate::run::chunking_note(plan.job.tasks, p.point.workers)
                }
                _ => None,
            };
            let show = measured.and_then(|m| m.timeline.clone()).map(|timeline| {
                let dispatch = dispatch.clone();
                let title = format!(
                    "{}, {} worker{}",
                    p.point.mode.label(),
                    p.point.workers,
                    if p.point.workers == 1 { "" } else { "s" }
                );
                Callback::from(move |_: MouseEvent| {
                    dispatch.dispatch(Action::ShowTimeline(Some(ShownTimeline {
                        section: Section::Bench,
                        title: title.clone(),
                        timeline: timeline.clone(),
                        theirs: false,
                    })))
                })
            });
            rows.push(html! {
                <tr data-whose={whose} data-mode={p.point.mode.key()} data-workers={p.point.workers.to_string()}>
                    if theirs.is_some() { <td>{ whose }</td> }
                    <td>{ p.point.mode.label() }</td>
                    <td class="num">{ p.point.workers }</td>
                    <td class="num" data-ms={format!("{:.3}", s.median_ms)}>{ format!("{:.1}", s.median_ms) }</td>
                    <td class="num">{ format!("{:.1}", s.min_ms) }</td>
                    <td class="num">{ format!("{:.1}", s.max_ms) }</td>
                    <td class="num">{ speedup }</td>
                    <td><span class="check">{ "✓ " }</span>{ result }
                        if let Some(note) = chunking {
                            <span class="note why">{ format!(" {note}.") }</span>
                        }
                        if let Some(onclick) = show {
                            <button class="link show-timeline" {onclick}>{ "timeline" }</button>
                        }
                    </td>
                </tr>
            });
        }
    }
    let failures = b.failures.iter().map(|(p, why)| {
        html! {
            <tr class="failed" data-mode={p.mode.key()} data-workers={p.workers.to_string()}>
                if theirs.is_some() { <td>{ "mine" }</td> }
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
                    { for workloads.iter().enumerate().map(|(i, w)| html! { <option value={i.to_string()} selected={i == b.settings.workload}>{ w.describe() }</option> }) }
                </select>
                <label for="bench-tasks">{ "Tasks" }</label>
                <input id="bench-tasks" type="range" min="1" max={TASK_SLIDER_MAX.to_string()} value={b.settings.tasks.to_string()} onchange={on_tasks} disabled={state.running} />
                <output for="bench-tasks">{ format!("{} tasks", b.settings.tasks) }</output>
                <label for="bench-size">{ "Task size" }</label>
                <input id="bench-size" type="range" min={SIZE_PERCENT.min.to_string()} max={SIZE_PERCENT.max.to_string()} step="10" value={b.settings.size_percent.to_string()} onchange={on_size} disabled={state.running} />
                <output for="bench-size">{ format!("{}% of the seed's — {}", b.settings.size_percent, job.workload.describe()) }</output>
                <label for="bench-max">{ "Workers" }</label>
                <input id="bench-max" type="range" min="1" max={state.max_workers().to_string()} value={state.bench_max_workers().to_string()} onchange={on_max} disabled={state.running} />
                <output for="bench-max">{ format!("1 to {} (hardwareConcurrency {})", state.bench_max_workers(), state.hardware_concurrency) }</output>
                <label for="bench-reps">{ "Repetitions" }</label>
                <input id="bench-reps" type="range" min="1" max={MAX_REPETITIONS.to_string()} value={b.settings.repetitions.to_string()} onchange={on_reps} disabled={state.running} />
                <output for="bench-reps">{ format!("median of {}", b.settings.repetitions) }</output>
                <span class="label">{ "Engines" }</span>
                <div class="choices">{ for modes }</div>
            </div>
            <details class="fault-injection" open={b.fault.is_some()}>
                <summary>{ "⚠ Fault injection: make a task fail on purpose" }</summary>
                <p>{ "To see what each engine does when a task crashes: the run stops and says which task failed and why, a broken pool is replaced, and the next run is checked as usual. A link never carries this setting." }</p>
                <label for="fault-task">{ "Task" }</label>
                <input id="fault-task" type="number" min="0" max={(b.settings.tasks.max(1) - 1).to_string()} value={fault_task.to_string()} onchange={on_fault_task} disabled={state.running || b.fault.is_none()} aria-label="failing task" />
                <select id="fault-kind" onchange={on_fault_kind} disabled={state.running} aria-label="how the task fails">
                    <option value="" selected={b.fault.is_none()}>{ "runs normally" }</option>
                    { for FaultKind::ALL.map(|k| html! {
                        <option value={k.name()} selected={b.fault.is_some_and(|f| f.kind == k)}>{ k.description() }</option>
                    }) }
                </select>
            </details>
            <div class="sweep-actions">
                <button id="run-sweep" onclick={on_run.clone()} disabled={state.running || b.settings.modes.is_empty()}>{ format!("Sweep 1–{} workers", state.bench_max_workers()) }</button>
                <button id="cancel-sweep" class="secondary" onclick={on_cancel} disabled={b.progress.is_none()}>{ "Cancel" }</button>
                if let Some(p) = &b.progress {
                    <progress id="sweep-progress" max={p.total.to_string()} value={p.done.to_string()}></progress>
                    <span class="progress" id="sweep-status">{ format!("{} of {} runs — now {}", p.done, p.total, p.current) }</span>
                } else if b.cancelled {
                    <span class="progress" id="sweep-status">{ format!("Cancelled; {} points kept.", b.measured.len()) }</span>
                }
            </div>
            if let Some(t) = theirs {
                <TheirsPanel theirs={t.clone()} running={state.running} on_run={on_run.clone()} on_hide={{
                    let dispatch = dispatch.clone();
                    Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ClearTheirs))
                }} />
            }
            <div class="views" role="radiogroup" aria-label="Chart">{ for views }</div>
            <div class="chart" id="chart">
                { match svg {
                    None => html! { <p class="placeholder">{ "Sweep to see elapsed time against workers." }</p> },
                    // The SVG is drawn by plotters from numbers; no text from a link reaches it
                    // but "mine"/"theirs" and engine names.
                    Some(Ok(svg)) => Html::from_html_unchecked(AttrValue::from(svg)),
                    Some(Err(why)) => html! { <p class="error">{ why }</p> },
                } }
            </div>
            if !legend.is_empty() {
                <ul class="legend chart-legend">
                    { for legend.into_iter().map(|row| html! {
                        <li>{ for row.into_iter().map(|item| html! {
                            <span class="item"><span class={classes!("swatch", item.stroke.class())} style={format!("--swatch: {}", item.css_colour())}></span>{ item.text }</span>
                        }) }</li>
                    }) }
                </ul>
            }
            if !fit_notes.is_empty() {
                <div class="fits" id="fits">
                    <p>{ "Amdahl's law is fitted only up to the hardwareConcurrency of the machine that measured, where every worker can have a core of its own; past it, workers share the cores." }</p>
                    <ul>{ for fit_notes.into_iter().map(|note| html! { <li>{ note }</li> }) }</ul>
                </div>
            }
            if let Some(shown) = state.timeline.as_ref().filter(|t| t.section == Section::Bench) {
                <TimelinePanel shown={shown.clone()} dispatch={dispatch.clone()} cores={match (&state.theirs, shown.theirs) {
                    (Some(t), true) => t.results.machine.hardware_concurrency,
                    _ => state.hardware_concurrency,
                }} />
            }
            <Share state={state.clone()} />
            if !rows.is_empty() || !b.failures.is_empty() {
                <div class="table-scroll">
                <table class="results sweep-table">
                    <thead><tr>
                        if theirs.is_some() { <th scope="col">{ "run" }</th> }
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

#[derive(PartialEq, Properties)]
struct TheirsProps {
    theirs: Theirs,
    running: bool,
    on_run: Callback<MouseEvent>,
    on_hide: Callback<MouseEvent>,
}

/// What a share link brought: whose machine, what sweep, and the button that runs it here.
#[component]
fn TheirsPanel(props: &TheirsProps) -> Html {
    let Theirs {
        config, results, ..
    } = &props.theirs;
    let m = &results.machine;
    let job = config.settings.job();
    html! {
        <div class="theirs" id="theirs">
            <p>
                <strong>{ "Theirs: " }</strong>
                { format!(
                    "results from a shared link, measured in {} with hardwareConcurrency {}{}, {}, on {}: {} tasks of {}, median of {}. Nothing has run on this machine yet; their lines are dashed.",
                    m.browser,
                    m.hardware_concurrency,
                    m.effective_cores.map(|c| format!(" (effective cores measured: {c})")).unwrap_or_default(),
                    if m.cross_origin_isolated { "cross-origin isolated" } else { "not cross-origin isolated" },
                    m.date,
                    job.tasks,
                    job.workload.describe(),
                    config.settings.repetitions,
                ) }
            </p>
            <button id="run-compare" onclick={props.on_run.clone()} disabled={props.running}>{ "Run it here and compare" }</button>
            <button id="hide-theirs" class="secondary" onclick={props.on_hide.clone()} disabled={props.running}>{ "Hide theirs" }</button>
        </div>
    }
}

/// Calls `f` with the sweeps there are to export: this page's last sweep and a link's.
fn with_sweeps<R>(state: &State, f: impl FnOnce(&[export::Sweep]) -> R) -> R {
    let mine = Results {
        machine: links::machine(state.effective_cores()),
        points: sweep::summaries(&state.bench.measured),
    };
    let mut sweeps = Vec::new();
    if let (Some(config), false) = (&state.bench.swept, mine.points.is_empty()) {
        sweeps.push(export::Sweep {
            whose: "mine",
            settings: &config.settings,
            results: &mine,
            timelines: state
                .bench
                .measured
                .iter()
                .filter_map(|m| Some((m.point, m.timeline.as_ref()?)))
                .collect(),
        });
    }
    if let Some(t) = &state.theirs {
        sweeps.push(export::Sweep {
            whose: "theirs",
            settings: &t.config.settings,
            results: &t.results,
            timelines: Vec::new(),
        });
    }
    f(&sweeps)
}

/// The chart as a file: the page's chart at a fixed size, with a title and a caption that say
/// what was measured, how, where and when.
fn chart_file(state: &State) -> Result<chart::Drawn, String> {
    let plan_modes = state
        .bench
        .plan
        .as_ref()
        .map(|p| p.modes.clone())
        .unwrap_or_default();
    with_sweeps(state, |sweeps| {
        let max_workers = sweeps
            .iter()
            .map(|s| {
                s.settings
                    .top_workers(s.results.machine.hardware_concurrency)
            })
            .max()
            .unwrap_or(1);
        let sets: Vec<chart::Set> = sweeps
            .iter()
            .enumerate()
            .map(|(i, s)| chart::Set {
                whose: (sweeps.len() > 1).then_some(s.whose),
                dashed: s.whose == "theirs",
                cores_marker: i == 0
                    || s.results.machine.hardware_concurrency
                        != sweeps[0].results.machine.hardware_concurrency,
                points: &s.results.points,
                modes: if s.whose == "mine" {
                    &plan_modes
                } else {
                    &s.settings.modes
                },
                cores: s.results.machine.hardware_concurrency,
            })
            .collect();
        let caption = chart::Caption {
            title: chart::title(state.bench.settings.view),
            lines: export::caption(sweeps, Workload::describe),
        };
        chart::render(
            &sets,
            state.bench.settings.view,
            max_workers,
            EXPORT_SIZE,
            Some(&caption),
            false,
        )
    })
}

/// The plot's size in exported files; the caption and the legend add to its height.
const EXPORT_SIZE: (u32, u32) = (900, 460);

/// Copy link and the exports.
#[component]
fn Share(props: &StateProps) -> Html {
    let state = &props.state;
    // The link last copied and what became of the copy.
    let copied = use_state(|| None::<(String, String)>);
    let export_error = use_state(|| None::<String>);
    let on_copy = {
        let (state, copied) = (state.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let url = links::page_url(&share::encode(
                &state.share_link(links::machine(state.effective_cores())),
            ));
            let copied = copied.clone();
            spawn_local(async move {
                let status = match links::copy(&url).await {
                    Ok(()) => "Copied to the clipboard.".to_string(),
                    Err(why) => format!(
                        "The browser did not allow copying ({why}): select the link and copy it yourself."
                    ),
                };
                copied.set(Some((url, status)));
            });
        })
    };
    // Each export is made when its button is pressed, from the state as it is then.
    let save = |what: &'static str,
                ext: &'static str,
                mime: &'static str,
                make: fn(&State) -> Result<String, String>| {
        let (state, export_error) = (state.clone(), export_error.clone());
        Callback::from(move |_: MouseEvent| {
            let saved = make(&state)
                .and_then(|text| links::download(&links::export_file(ext), mime, &text));
            export_error.set(
                saved
                    .err()
                    .map(|why| format!("The {what} could not be saved: {why}")),
            );
        })
    };
    let on_csv = save("CSV", "csv", "text/csv", |s| {
        Ok(with_sweeps(s, export::csv))
    });
    let on_json = save("JSON", "json", "application/json", |s| {
        Ok(with_sweeps(s, export::json))
    });
    let on_svg = save("SVG", "svg", "image/svg+xml", |s| {
        chart_file(s).map(|c| c.svg)
    });
    let on_png = {
        let (state, export_error) = (state.clone(), export_error.clone());
        Callback::from(move |_: MouseEvent| {
            let (svg, file, export_error) = (
                chart_file(&state),
                links::export_file("png"),
                export_error.clone(),
            );
            spawn_local(async move {
                let saved = match svg {
                    Ok(chart::Drawn { svg, size: (w, h) }) => {
                        links::download_png(&file, &svg, w, h).await
                    }
                    Err(why) => Err(why),
                };
                export_error.set(
                    saved
                        .err()
                        .map(|why| format!("The PNG could not be made: {why}")),
                );
            });
        })
    };
    let nothing = state.running || (state.bench.measured.is_empty() && state.theirs.is_none());
    html! {
        <div class="share" id="share">
            <div class="share-actions">
                <button id="copy-link" onclick={on_copy} disabled={state.running}>{ "Copy link" }</button>
                <span class="label">{ "Export" }</span>
                <button id="export-csv" class="secondary" onclick={on_csv} disabled={nothing}>{ "CSV" }</button>
                <button id="export-json" class="secondary" onclick={on_json} disabled={nothing}>{ "JSON" }</button>
                <button id="export-svg" class="secondary" onclick={on_svg} disabled={nothing}>{ "chart SVG" }</button>
                <button id="export-png" class="secondary" onclick={on_png} disabled={nothing}>{ "chart PNG" }</button>
            </div>
            if let Some((url, status)) = &*copied {
                <div class="share-link">
                    <input id="share-link" type="text" readonly=true value={url.clone()} aria-label="Share link"
                        onfocus={Callback::from(|e: FocusEvent| if let Some(i) = e.target_dyn_into::<HtmlInputElement>() { i.select() })} />
                    <span id="share-status">{ format!("{status} {} characters.", url.len()) }</span>
                </div>
            }
            if let Some(why) = &*export_error {
                <p class="error" id="export-error">{ why }</p>
            }
        </div>
    }
}
