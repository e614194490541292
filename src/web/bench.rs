//! The experiment bench: a workload swept over engines and worker counts, charted against
//! hardwareConcurrency, with a link's sweep beside this page's own.

use crate::cancel::Cancel;
use crate::run::Mode;
use crate::settings::{
    MAX_REPETITIONS, RACE_WORKLOAD, SCRIPT_WORKLOAD, SIZE_PERCENT, Scale, TASK_SLIDER_MAX, View,
    race_workloads, sweep_workloads,
};
use crate::state::{Action, BenchState, ShownTimeline, Theirs};
use crate::view::BenchView;
use crate::web::platform;
use crate::web::props::Dispatcher;
use crate::web::theirs::TheirsPanel;
use crate::web::timeline_view::TimelinePanel;
use crate::words::count;
use crate::workloads::{Fault, FaultKind, script};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BenchProps {
    pub bench: BenchState,
    pub theirs: Option<Rc<Theirs>>,
    /// What the chart and its notes show.
    pub view: Rc<BenchView>,
    /// Each engine the bench can sweep, with why this page's module has not got it (if not).
    pub engines: Vec<(Mode, Option<String>)>,
    /// The most workers a run may have on this page, and the sweep's top as set.
    pub max_workers: usize,
    pub top_workers: usize,
    pub hardware_concurrency: usize,
    pub running: bool,
    /// The timeline opened from this section, if one is.
    pub shown: Option<ShownTimeline>,
    pub dispatch: Dispatcher,
    /// Starts a sweep of the controls' plan, which the given token cancels.
    pub on_sweep: Callback<Cancel>,
    /// The share panel and the table, under the chart.
    pub children: Html,
}

#[component]
pub fn Bench(props: &BenchProps) -> Html {
    let (b, running) = (&props.bench, props.running);
    let cancel = use_mut_ref(Cancel::new);
    let dispatch = props.dispatch.clone();
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
    let on_script = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::SetBenchScript(area.value()));
            }
        })
    };
    let on_example = send(|v| {
        let (_, source) = script::EXAMPLES.get(v.parse::<usize>().ok()?)?;
        Some(Action::SetBenchScript((*source).to_string()))
    });
    let is_script = b.settings.workload == SCRIPT_WORKLOAD;
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
        let (on_sweep, cancel) = (props.on_sweep.clone(), cancel.clone());
        Callback::from(move |_: MouseEvent| {
            if running {
                return;
            }
            let token = Cancel::new();
            *cancel.borrow_mut() = token.clone();
            on_sweep.emit(token);
        })
    };
    let on_cancel = {
        let cancel = cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.borrow().cancel())
    };
    let job = b.job();
    let view = &props.view;
    let narrow = platform::narrow_screen();
    let svg =
        (!view.is_empty()).then(|| view.page_chart(narrow, "chart-description").map(|c| c.svg));
    // The chart's name carries each engine's times; its description says how to read it, and
    // where every point is.
    let description = format!(
        "One line per engine over 1 to {} workers, with hardwareConcurrency {} marked; the table that follows lists every point.",
        props.top_workers, props.hardware_concurrency
    );
    let legend = if narrow { view.legend() } else { Vec::new() };
    let (prediction_notes, fit_notes) = (&view.prediction_notes, &view.fit_notes);
    let views = [(View::Time, "time"), (View::Speedup, "speedup"), (View::Efficiency, "efficiency")].map(|(view, name)| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::SetView(view)));
        html! {
            <label class="choice"><input type="radio" name="view" value={name} checked={b.settings.view == view} {onchange} />{ name }</label>
        }
    });
    let modes = props.engines.iter().map(|(mode, off)| {
        let (dispatch, mode) = (dispatch.clone(), *mode);
        let onchange = Callback::from(move |_: Event| dispatch.dispatch(Action::ToggleMode(mode)));
        html! {
            <label class="choice" title={off.clone()}>
                <input type="checkbox" data-mode={mode.key()} checked={b.settings.modes.contains(&mode) && off.is_none()} {onchange} disabled={running || off.is_some()} />{ mode.label() }
            </label>
        }
    });
    let workloads = sweep_workloads(Scale::Full);
    html! {
        <section class="bench" aria-labelledby="bench-title">
            <h2 id="bench-title">{ "Experiment bench" }</h2>
            <div class="bench-controls">
                <label for="bench-workload">{ "Workload" }</label>
                <select id="bench-workload" onchange={on_workload} disabled={running}>
                    { for workloads.iter().enumerate().map(|(i, w)| html! { <option value={i.to_string()} selected={i == b.settings.workload}>{ w.describe() }</option> }) }
                    if script::AVAILABLE {
                        <option value={SCRIPT_WORKLOAD.to_string()} selected={is_script}>{ "your script — write your own task" }</option>
                    }
                    { for race_workloads(Scale::Full).iter().enumerate().map(|(i, w)| html! { <option value={(RACE_WORKLOAD + i).to_string()} selected={RACE_WORKLOAD + i == b.settings.workload}>{ w.describe() }</option> }) }
                </select>
                if !script::AVAILABLE {
                    <a class="playground-link" href="play.html">{ "Write your own task in the playground →" }</a>
                }
                if is_script {
                    <ScriptEditor source={b.settings.script.clone()} running={running} {on_script} {on_example} />
                }
                <label for="bench-tasks">{ "Tasks" }</label>
                <input id="bench-tasks" type="range" min="1" max={TASK_SLIDER_MAX.to_string()} value={b.settings.tasks.to_string()} onchange={on_tasks} disabled={running} />
                <output for="bench-tasks">{ count(b.settings.tasks, "task") }</output>
                <label for="bench-size">{ "Task size" }</label>
                <input id="bench-size" type="range" min={SIZE_PERCENT.min.to_string()} max={SIZE_PERCENT.max.to_string()} step="10" value={b.settings.size_percent.to_string()} onchange={on_size} disabled={running || is_script} />
                <output for="bench-size">{ if is_script { format!("{}: a script sets its own size", job.workload.describe()) } else { format!("{}% of the seed's — {}", b.settings.size_percent, job.workload.describe()) } }</output>
                <label for="bench-max">{ "Workers" }</label>
                <input id="bench-max" type="range" min="1" max={props.max_workers.to_string()} value={props.top_workers.to_string()} onchange={on_max} disabled={running} />
                <output for="bench-max">{ format!("1 to {} (hardwareConcurrency {})", props.top_workers, props.hardware_concurrency) }</output>
                <label for="bench-reps">{ "Repetitions" }</label>
                <input id="bench-reps" type="range" min="1" max={MAX_REPETITIONS.to_string()} value={b.settings.repetitions.to_string()} onchange={on_reps} disabled={running} />
                <output for="bench-reps">{ format!("median of {}", b.settings.repetitions) }</output>
                <span class="label">{ "Engines" }</span>
                <div class="choices">{ for modes }</div>
                <p class="hint analogs" id="bench-analogs">{ "In Python: " }{ props.engines.iter().map(|(mode, _)| format!("{} = {}", mode.label(), mode.python_analog())).collect::<Vec<_>>().join("; ") }{ "." }</p>
            </div>
            <details class="fault-injection" open={b.fault.is_some()}>
                <summary>{ "⚠ Fault injection: make a task fail on purpose" }</summary>
                <p>{ "To see what each engine does when a task crashes: the run stops and says which task failed and why, a broken pool is replaced, and the next run is checked as usual. A link never carries this setting." }</p>
                <label for="fault-task">{ "Task" }</label>
                <input id="fault-task" type="number" min="0" max={(b.settings.tasks.max(1) - 1).to_string()} value={fault_task.to_string()} onchange={on_fault_task} disabled={running || b.fault.is_none()} aria-label="failing task" />
                <select id="fault-kind" onchange={on_fault_kind} disabled={running} aria-label="how the task fails">
                    <option value="" selected={b.fault.is_none()}>{ "runs normally" }</option>
                    { for FaultKind::ALL.map(|k| html! {
                        <option value={k.name()} selected={b.fault.is_some_and(|f| f.kind == k)}>{ k.description() }</option>
                    }) }
                </select>
            </details>
            <div class="sweep-actions">
                <button id="run-sweep" onclick={on_run.clone()} disabled={running || b.settings.modes.is_empty()}>{ format!("Sweep 1–{} workers", props.top_workers) }</button>
                <button id="cancel-sweep" class="secondary" onclick={on_cancel} disabled={b.progress.is_none()}>{ "Cancel" }</button>
                if let Some(p) = &b.progress {
                    <progress id="sweep-progress" max={p.total.to_string()} value={p.done.to_string()}></progress>
                    <span class="progress" id="sweep-status">{ format!("{} of {} runs — now {}", p.done, p.total, p.current) }</span>
                } else if b.cancelled {
                    <span class="progress" id="sweep-status">{ format!("Cancelled; {} kept.", count(b.measured.len(), "point")) }</span>
                }
            </div>
            if let Some(t) = &props.theirs {
                <TheirsPanel theirs={t.clone()} running={running} on_run={on_run.clone()} on_hide={{
                    let dispatch = dispatch.clone();
                    Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ClearTheirs))
                }} />
            }
            <div class="views" role="radiogroup" aria-label="Chart">{ for views }</div>
            <p class="visually-hidden" id="chart-description">{ description }</p>
            <div class="chart" id="chart" tabindex="-1">
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
                            <span class="item">
                                <span class={classes!("swatch", item.stroke.class())} style={format!("--swatch: {}", item.css_colour())}>
                                    if let Some(marker) = item.marker {
                                        <span class="marker" aria-hidden="true">{ marker.glyph() }</span>
                                    }
                                </span>{ item.text }
                            </span>
                        }) }</li>
                    }) }
                </ul>
            }
            if !prediction_notes.is_empty() {
                <div class="fits" id="predictions">
                    { for prediction_notes.iter().map(|note| html! { <p>{ note }</p> }) }
                </div>
            }
            if !fit_notes.is_empty() {
                <div class="fits" id="fits">
                    <p>{ "Amdahl's law is fitted only up to the hardwareConcurrency of the machine that measured, where every worker can have a core of its own; past it, workers share the cores." }</p>
                    <ul>{ for fit_notes.iter().map(|note| html! { <li>{ note }</li> }) }</ul>
                </div>
            }
            if let Some(shown) = &props.shown {
                <TimelinePanel shown={shown.clone()} dispatch={dispatch.clone()} cores={match (&props.theirs, shown.theirs) {
                    (Some(t), true) => t.results.machine.hardware_concurrency,
                    _ => props.hardware_concurrency,
                }} />
            }
            { props.children.clone() }
        </section>
    }
}

/// How long typing must pause before the script's check is announced.
const SCRIPT_PAUSE_MS: u32 = 800;

#[derive(Properties, PartialEq)]
struct ScriptEditorProps {
    source: String,
    running: bool,
    on_script: Callback<InputEvent>,
    on_example: Callback<Event>,
}

/// The playground's editor: a task as a Rhai function of its index, checked as it is typed.
/// Nothing from a script is rendered as HTML: it sits in the textarea and in text nodes.
#[component]
fn ScriptEditor(p: &ScriptEditorProps) -> Html {
    let checked = script::check(&p.source);
    // A screen reader hears the check only when the script turns valid or invalid, once typing
    // pauses, not at every keystroke.
    let said = use_state(String::new);
    let valid_said = use_mut_ref(|| true);
    {
        let (said, valid_said, valid) = (said.clone(), valid_said.clone(), checked.is_ok());
        let words = match &checked {
            Ok(()) => "The script compiles.".to_string(),
            Err(e) => format!("Script error: {e}"),
        };
        use_effect_with(p.source.clone(), move |_| {
            let pause = gloo_timers::callback::Timeout::new(SCRIPT_PAUSE_MS, move || {
                if *valid_said.borrow() != valid {
                    *valid_said.borrow_mut() = valid;
                    said.set(words);
                }
            });
            move || drop(pause)
        });
    }
    html! {
        <div class="script-editor">
            <label for="script-example">{ "Example" }</label>
            <select id="script-example" onchange={p.on_example.clone()} disabled={p.running}>
                <option value="" selected=true disabled=true>{ "start from one of the seeds' tasks…" }</option>
                { for script::EXAMPLES.iter().enumerate().map(|(i, (name, _))| html! { <option value={i.to_string()}>{ *name }</option> }) }
            </select>
            <label for="script">{ "Your task" }</label>
            <textarea id="script" class="script" spellcheck="false" autocapitalize="off" autocomplete="off"
                rows={p.source.lines().count().clamp(6, 18).to_string()} value={p.source.clone()}
                oninput={p.on_script.clone()} disabled={p.running} aria-invalid={checked.is_err().to_string()} aria-describedby="script-check script-help" />
            <p class="visually-hidden" id="script-said" role="status">{ (*said).clone() }</p>
            <p id="script-check" class={if checked.is_ok() { "script-check ok" } else { "script-check error" }}>
                { match &checked {
                    Ok(()) => "✓ compiles; each task calls task(i) with its index".to_string(),
                    Err(e) => e.to_string(),
                } }
            </p>
            <p id="script-help" class="hint">
                { "Rhai, a small scripting language. A task may call sleep(ms) — a real blocking wait in a worker, with the GIL released around it; on asyncio, a sleep that is a statement of its own at the top of task(i) is awaited, so other tasks run meanwhile (one inside a block or another function holds the loop, as time.sleep does); rand(), a number in [0, 1) seeded by the task's index; add_to_total(x) (one atomic add), set_total(x) and total(), seed 000's global total (threads share one, each isolated worker has its own and counts from 0; set_total(total() + x) races where another task can run between the read and the write). Its value is checked against the serial run, in each memory: threads must leave the total where the serial run does, and each isolated worker's values must be what its own copy gives for the tasks it ran. Only its functions run, not its top level: put constants inside a function. Limits: " }
                { format!("each task {page} s of running, since its serial answer is worked out on the page's own thread, which cannot respond meanwhile (a task that runs longer is not run anywhere); on the page's own thread its sleeps count too, and a sleep that would end past {page} s fails there; {sleep} s of sleep in all per task, anywhere (the sleep that would pass it fails at once); {} operations, {} nested calls and {} MiB of memory grown. Cancel stops a script in a worker.", crate::workloads::grouped(script::MAX_OPERATIONS), script::MAX_CALL_LEVELS, script::MAX_GROWTH_BYTES >> 20, page = crate::workloads::PAGE_SCRIPT_LIMIT_MS / 1000, sleep = script::MAX_SLEEP_MS / 1000) }
            </p>
        </div>
    }
}
