//! The page: the platform's facts, the quick run, the bench and the lesson presets, one
//! component each. Components render [`State`] and send [`Action`]s; runs are async tasks (see
//! [`crate::web::driver`]) that report through actions.

use crate::settings::SCRIPT_WORKLOAD;
use crate::state::{Action, PoolStatus, Route, RunKind, State};
use crate::web::bench::Bench;
use crate::web::facts::Facts;
use crate::web::lessons::Lessons;
use crate::web::quick_run::QuickRun;
use crate::web::{engines, links, platform};
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

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let mut state = State::new(
            platform::hardware_concurrency(),
            platform::cross_origin_isolated(),
            engines::THREADED,
        );
        match route(&links::fragment()) {
            Some(open) => state.apply(open),
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

    html! {
        <main class="page" data-running={state.running.to_string()}>
            <a class="skip-link" href="#lessons-title">{ "Skip to the lessons" }</a>
            <p class="visually-hidden" id="announcer" role="status" aria-live="polite" aria-atomic="true">{ &state.announcement }</p>
            <header>
                <h1>{ "corescope" }</h1>
                <p class="tagline">{ "See parallelism on your own machine: the same tasks on the main thread, on workers that share memory, and on isolated workers." }</p>
            </header>
            <Facts state={state.clone()} />
            if let Some(notice) = &state.notice {
                <p class="notice" role="alert">{ notice }</p>
            }
            <QuickRun state={state.clone()} />
            <Bench state={state.clone()} />
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
