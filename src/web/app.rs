//! The page: the platform's facts, the quick run, the bench and the lesson presets, one
//! component each. Components render [`State`] and send [`Action`]s; runs are async tasks (see
//! [`crate::web::driver`]) that report through actions.

use crate::cancel::Cancel;
use crate::settings::{BENCH_MODES, SCRIPT_WORKLOAD, Scale};
use crate::state::{Action, PoolStatus, Route, RunKind, Section, State};
use crate::view::BenchView;
use crate::web::bench::Bench;
use crate::web::facts::Facts;
use crate::web::lessons::Lessons;
use crate::web::props::Dispatcher;
use crate::web::quick_run::QuickRun;
use crate::web::share_panel::{self, Export, Made, Share};
use crate::web::sweep_table::SweepTable;
use crate::web::{driver, engines, links, platform};
use crate::workloads::script;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// Where the address's `fragment` takes the page, on load and when it changes: a link to open
/// here, or (for a script's link on a page without the interpreter) the playground, which
/// opens it instead.
fn route(fragment: &str) -> Option<Action> {
    match Route::of(fragment, script::AVAILABLE || platform::is_playground()) {
        Route::Stay => None,
        Route::Playground => {
            links::open_playground(fragment);
            None
        }
        Route::Open(link) => Some(Action::OpenLink(link)),
    }
}

/// What the sections call to start a run or make an export: each reads the state as it is
/// when called, and starts nothing while a run is going.
struct Runs {
    calibrate: Callback<()>,
    quick: Callback<()>,
    preset: Callback<()>,
    /// A sweep of the bench's plan, which the given token cancels.
    sweep: Callback<Cancel>,
    make: Callback<Export, Result<Made, String>>,
}

impl Runs {
    fn of(state: &UseReducerHandle<State>) -> Self {
        let start = |run: fn(&State, Dispatcher)| {
            let state = state.clone();
            Callback::from(move |()| {
                if !state.running {
                    run(&state, state.dispatcher());
                }
            })
        };
        let sweep = {
            let state = state.clone();
            Callback::from(move |cancel| {
                if !state.running {
                    let plan = state.bench_plan();
                    let run = driver::run_sweep((*state).clone(), plan, cancel, state.dispatcher());
                    spawn_local(run);
                }
            })
        };
        let make = {
            let state = state.clone();
            Callback::from(move |what| share_panel::make(&state, what))
        };
        Runs {
            calibrate: start(|state, dispatch| {
                let max = 2 * state.hardware_concurrency;
                spawn_local(async move {
                    dispatch.dispatch(Action::CalibrationStarted);
                    platform::after_paint().await;
                    let curve = engines::throughput_curve(max).await;
                    dispatch.dispatch(Action::CalibrationFinished(curve));
                });
            }),
            quick: start(|state, dispatch| spawn_local(driver::run_quick(state.clone(), dispatch))),
            preset: start(|state, dispatch| {
                let steps = state.preset_steps(Scale::Full);
                spawn_local(driver::run_preset(state.clone(), steps, dispatch));
            }),
            sweep,
            make,
        }
    }
}

/// How long the page computes a link's predictions before it lets its visitor's input in.
const PREDICTING_SLICE: std::time::Duration = std::time::Duration::from_millis(20);

/// The page's state as it arrives: this browser's facts, and the link in the address opened
/// (a script's link sends the page to the playground instead).
pub fn arrival() -> State {
    let mut state = State::new(
        platform::hardware_concurrency(),
        platform::cross_origin_isolated(),
        engines::THREADED,
    );
    match route(&links::fragment()) {
        Some(open) => {
            state.apply(open);
            // The bench reads how long a link took to open (its predictions made with it).
            platform::mark("corescope:link-opened");
        }
        // The playground opens on the editor.
        None if script::AVAILABLE => state.apply(Action::SetBenchWorkload(SCRIPT_WORKLOAD)),
        None => {}
    }
    if platform::is_playground() && !script::AVAILABLE {
        // Where the page cannot be cross-origin isolated, the single-threaded module loads,
        // and it has no interpreter.
        state.notice = Some(crate::isolation::playground_without_scripts());
    }
    state
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The state the page starts from ([`arrival`]).
    pub first: State,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| props.first.clone());

    // The bench reads when the page was first drawn (effects run after the render).
    use_effect_with((), |_| platform::mark("corescope:first-render"));

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
                if let Some(open) = route(&links::fragment()) {
                    dispatch.dispatch(open);
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
        // A link's predictions are made after it is shown, a slice at a time, so that the page
        // answers in between; a link opened meanwhile leaves them unused.
        let dispatch = state.dispatcher();
        let unpredicted = state.theirs.clone().filter(|t| t.predicted.is_none());
        let key = unpredicted.as_ref().map(|t| Rc::as_ptr(t) as usize);
        use_effect_with(key, move |_| {
            if let Some(of) = unpredicted
                && let Some(mut predicting) = of.predicting()
            {
                spawn_local(async move {
                    loop {
                        let slice = web_time::Instant::now();
                        while slice.elapsed() < PREDICTING_SLICE {
                            if predicting.step(1) {
                                let predictions = predicting.finish();
                                platform::mark("corescope:link-predicted");
                                dispatch.dispatch(Action::Predicted { of, predictions });
                                return;
                            }
                        }
                        gloo_timers::future::TimeoutFuture::new(0).await;
                    }
                });
            }
        });
    }

    {
        // Start the shared-memory pool once, at its first size (see `pool::first_size`).
        let dispatch = state.dispatcher();
        let (starting, most) = (state.pool == PoolStatus::Starting, state.max_workers);
        use_effect_with((), move |_| {
            if starting {
                spawn_local(async move {
                    dispatch.dispatch(match engines::start_shared_pool(most).await {
                        Ok(threads) => {
                            // The bench reads how long after the page's start the pool was ready.
                            platform::mark("corescope:pool-ready");
                            Action::PoolReady { threads, most }
                        }
                        Err(why) => Action::PoolFailed(why),
                    });
                });
            }
        });
    }

    {
        // A run's button disables itself when pressed, and with it goes the focus of whoever
        // pressed it: keyboard users land on Cancel while a sweep runs, and on the results when
        // a run ends.
        let (running, kind) = (state.running, state.last_run);
        use_effect_with((running, kind), move |&(running, kind)| {
            if platform::focus_lost() {
                match (running, kind) {
                    (true, Some(RunKind::Sweep)) => platform::focus("cancel-sweep"),
                    (false, Some(RunKind::Sweep)) => platform::focus("chart"),
                    (_, Some(RunKind::Quick)) => platform::focus("quick-results"),
                    (_, Some(RunKind::Preset)) => platform::focus("preset-results"),
                    (_, None) => {}
                }
            }
        });
    }

    let Runs {
        calibrate,
        quick,
        preset,
        sweep,
        make,
    } = Runs::of(&state);
    let dispatch = state.dispatcher();
    let shown = |section| state.timeline.clone().filter(|t| t.section == section);
    let reason = |mode| state.unavailable_reason(mode);
    let (steps, results) = state.shown_preset();
    let progress = state.preset_progress(&steps);
    let b = &state.bench;

    // The page opens on the lessons; the playground on its editor, in the bench.
    let playground = platform::is_playground();
    let quick_run = html! {
        <QuickRun rows={state.rows.iter().map(|(mode, status)| (*mode, status.clone(), reason(*mode))).collect::<Vec<_>>()}
            workers={state.workers} max_workers={state.max_workers} running={state.running}
            hardware_concurrency={state.hardware_concurrency} shown={shown(Section::Quick)}
            dispatch={dispatch.clone()} on_run={quick} />
    };
    let bench_section = html! {
        <Bench bench={b.clone()} theirs={state.theirs.clone()} view={Rc::new(BenchView::of(&state))}
            engines={BENCH_MODES.map(|mode| (mode, state.is_off(mode).then(|| reason(mode).unwrap_or_default()))).to_vec()}
            max_workers={state.max_workers} top_workers={state.bench_max_workers()}
            hardware_concurrency={state.hardware_concurrency} running={state.running}
            shown={shown(Section::Bench)} dispatch={dispatch.clone()} on_sweep={sweep}>
            <SweepTable bench={b.clone()} theirs={state.theirs.clone()} dispatch={dispatch.clone()} />
            <Share running={state.running} nothing={b.measured.is_empty() && state.theirs.is_none()}
                no_timelines={b.measured.iter().all(|m| m.timeline.is_none())} {make} />
        </Bench>
    };
    let lessons_section = html! {
        <Lessons selected={state.preset.selected} sweep_workload={state.preset.sweep_workload}
            unavailable={steps.iter().map(|s| reason(s.mode)).collect::<Vec<_>>()}
            {steps} {results} running_step={state.preset.running} {progress}
            cores={state.cores()} hardware_concurrency={state.hardware_concurrency} running={state.running}
            shown={shown(Section::Lessons)} dispatch={dispatch.clone()} on_run={preset} />
    };
    html! {
        <main class="page" data-running={state.running.to_string()}>
            if playground {
                <a class="skip-link" href="#script">{ "Skip to the editor" }</a>
            } else {
                <a class="skip-link" href="#lessons-title">{ "Skip to the lessons" }</a>
            }
            <p class="visually-hidden" id="announcer" role="status" aria-live="polite" aria-atomic="true">{ &state.announcement }</p>
            <header>
                if playground {
                    <h1>{ "corescope playground" }</h1>
                    <p class="intro">{ "Write one task as a small function of its index and run it serially, on threads that share memory (with and without a GIL), on isolated workers like Python's processes, and as asyncio coroutines, for real in your browser. Every engine's answer is checked against the serial one, and the chart shows how its time changes with the number of workers." }</p>
                } else {
                    <h1>{ "corescope" }</h1>
                    <p class="intro">{ "The lessons of five Python tutorials on parallel programming (the seeds, numbered 000 to 004: threads and the GIL, processes and pools, asyncio) run for real in your browser, on your own cores. Pick a lesson and press Run: each engine's time is measured here, its answer checked against the serial one, and the lesson is written from your numbers." }</p>
                }
            </header>
            <Facts hardware_concurrency={state.hardware_concurrency} cross_origin_isolated={state.cross_origin_isolated}
                threaded={state.threaded} pool={state.pool.clone()} calibration={state.calibration.clone()}
                running={state.running} on_calibrate={calibrate} />
            if let Some(notice) = &state.notice {
                <p class="notice" role="alert">{ notice }</p>
            }
            if playground {
                { bench_section }{ lessons_section }{ quick_run }
            } else {
                { lessons_section }{ quick_run }{ bench_section }
            }
            <p class="diagnostics" id="diagnostics">
                { match state.responsiveness {
                    Some(r) => r.describe(crate::web::probe::long_tasks_supported()),
                    None => "How free the main thread stays is measured during every run: serial runs freeze it, worker runs should not.".into(),
                } }
            </p>
        </main>
    }
}
