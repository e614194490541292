//! The page: platform facts, the worker slider, Run, and one row per engine. Components render
//! [`State`] and send [`Action`]s; the run itself is an async task that reports through actions.

use crate::run::{Engine, RunError, check};
use crate::state::{Action, EngineStatus, PoolStatus, State};
use crate::web::engines::{isolated, main_thread, shared_pool};
use crate::web::platform;
use crate::web::probe::GapProbe;
use crate::workloads::{EmptyLoopJob, SEED_LOOP_COUNT};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
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

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        State::new(
            platform::hardware_concurrency(),
            platform::cross_origin_isolated(),
        )
    });

    {
        // Start the shared-memory pool once, at its largest size: it cannot be resized later.
        let dispatch = state.dispatcher();
        let (starting, threads) = (state.pool == PoolStatus::Starting, state.max_workers());
        use_effect_with((), move |_| {
            if starting {
                spawn_local(async move {
                    dispatch.dispatch(match shared_pool::start_pool(threads).await {
                        Ok(()) => Action::PoolReady { threads },
                        Err(why) => Action::PoolFailed(why),
                    });
                });
            }
        });
    }

    let on_workers = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input.value().parse::<usize>() {
                Ok(n) => dispatch.dispatch(Action::SetWorkers(n)),
                Err(_) => dispatch.dispatch(Action::SetWorkers(0)),
            }
        })
    };

    let on_run = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if !state.running {
                spawn_local(run_all(
                    EmptyLoopJob::default(),
                    (*state).clone(),
                    state.dispatcher(),
                ));
            }
        })
    };

    let max = state.max_workers();
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
            <section class="controls" aria-label="Run settings">
                <p class="workload">
                    { format!("Workload: {} tasks, each counts to {} then adds the pair (10, i) — the seed's ", EmptyLoopJob::default().tasks, group_digits(SEED_LOOP_COUNT)) }
                    <code>{ "add_compute" }</code>{ "." }
                </p>
                <label for="workers">{ "Workers" }</label>
                <input id="workers" type="range" min="1" max={max.to_string()} step="1"
                    value={state.workers.to_string()} oninput={on_workers} disabled={state.running} />
                <output for="workers" id="workers-value">{ format!("{} of {max}", state.workers) }</output>
                <button id="run" onclick={on_run} disabled={state.running}>
                    { if state.running { "Running…" } else { "Run" } }
                </button>
            </section>
            <Results state={state.clone()} />
            <p class="diagnostics" id="diagnostics">
                { match state.longest_main_thread_gap_ms {
                    Some(gap) => format!("Main thread during worker runs: longest gap between timer ticks {gap:.1} ms"),
                    None => "Main thread responsiveness is measured during worker runs.".into(),
                } }
            </p>
        </main>
    }
}

#[derive(PartialEq, Properties)]
pub struct FactsProps {
    pub state: UseReducerHandle<State>,
}

#[component]
fn Facts(props: &FactsProps) -> Html {
    let s = &props.state;
    let pool = match &s.pool {
        PoolStatus::Ready { threads } => format!("ready, {threads} threads"),
        PoolStatus::Starting => "starting…".into(),
        PoolStatus::Unavailable(why) | PoolStatus::Failed(why) => format!("off: {why}"),
    };
    html! {
        <dl class="facts">
            <dt>{ "hardwareConcurrency" }</dt><dd id="hardware-concurrency">{ s.hardware_concurrency }</dd>
            <dt>{ "cross-origin isolated" }</dt><dd id="isolated">{ if s.cross_origin_isolated { "yes" } else { "no" } }</dd>
            <dt>{ "shared-memory pool" }</dt><dd id="pool" data-ready={matches!(s.pool, PoolStatus::Ready { .. }).to_string()}>{ pool }</dd>
        </dl>
    }
}

#[derive(PartialEq, Properties)]
pub struct ResultsProps {
    pub state: UseReducerHandle<State>,
}

#[component]
fn Results(props: &ResultsProps) -> Html {
    let s = &props.state;
    let serial_ms = match s.status(Engine::MainThread) {
        EngineStatus::Done(Ok(run)) => Some(run.run.elapsed_ms),
        _ => None,
    };
    let rows = s.rows.iter().map(|(engine, status)| {
        let (status_key, elapsed, detail) = match status {
            EngineStatus::NotRun => ("idle", html! { "—" }, html! { s.unavailable_reason(*engine).unwrap_or_default() }),
            EngineStatus::Running => ("running", html! { "running…" }, html! {}),
            EngineStatus::Done(Ok(run)) => {
                let r = &run.run;
                let speedup = serial_ms
                    .and_then(|serial| crate::stats::speedup(serial, r.elapsed_ms))
                    .map(|x| format!(", {x:.2}× serial"))
                    .unwrap_or_default();
                let startup = r.startup_ms.map(|ms| format!(", of which start-up {ms:.1} ms")).unwrap_or_default();
                let results = r.results.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                (
                    "ok",
                    html! { <span class="elapsed" data-ms={format!("{:.3}", r.elapsed_ms)}>{ format!("{:.1} ms", r.elapsed_ms) }</span> },
                    html! {
                        <>
                            <span class="check" title="matches the serial answer">{ "✓ " }</span>
                            <span class="result">{ format!("[{results}]") }</span>
                            <span class="meta">{ format!(" on {} of {} workers{startup}{speedup}", r.workers_used, run.workers) }</span>
                        </>
                    },
                )
            }
            EngineStatus::Done(Err(err)) => {
                let what = match err {
                    RunError::WrongResult { .. } => "wrong result — time withheld: ",
                    RunError::Failed(_) => "failed: ",
                };
                ("error", html! { "—" }, html! { <span class="error">{ format!("{what}{err}") }</span> })
            }
        };
        html! {
            <tr data-engine={engine.key()} data-status={status_key}>
                <th scope="row">{ engine.label() }<small>{ engine.python_analog() }</small></th>
                <td class="time">{ elapsed }</td>
                <td class="detail">{ detail }</td>
            </tr>
        }
    });
    html! {
        <table class="results">
            <thead><tr><th scope="col">{ "engine" }</th><th scope="col">{ "elapsed" }</th><th scope="col">{ "result (checked against serial)" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// Runs the job on every engine in turn: serial first, as the reference the others must match.
async fn run_all(job: EmptyLoopJob, state: State, dispatch: Dispatcher) {
    dispatch.dispatch(Action::RunStarted);
    let workers = state.workers;

    dispatch.dispatch(Action::EngineStarted(Engine::MainThread));
    // Let the page paint "running" before the main thread is taken over.
    main_thread::warm_up().await;
    let serial = check(
        Engine::MainThread,
        1,
        &job.expected(),
        main_thread::run(&job),
    );
    let reference = match &serial {
        Ok(run) => run.run.results.clone(),
        Err(_) => job.expected(),
    };
    dispatch.dispatch(Action::EngineFinished {
        engine: Engine::MainThread,
        outcome: serial,
    });

    let mut longest_gap: Option<f64> = None;
    for engine in [Engine::SharedMemory, Engine::Isolated] {
        let outcome = if let Some(why) = state.unavailable_reason(engine) {
            Err(RunError::Failed(why))
        } else {
            dispatch.dispatch(Action::EngineStarted(engine));
            platform::yield_to_browser().await;
            let probe = GapProbe::start();
            let raw = match engine {
                Engine::SharedMemory => shared_pool::run(job, workers).await,
                _ => isolated::run(job, workers).await,
            };
            let gap = probe.stop();
            longest_gap = Some(longest_gap.unwrap_or(0.0).max(gap));
            raw.map_err(RunError::Failed)
                .and_then(|raw| check(engine, workers, &reference, raw))
        };
        dispatch.dispatch(Action::EngineFinished { engine, outcome });
    }
    dispatch.dispatch(Action::RunFinished {
        longest_main_thread_gap_ms: longest_gap,
    });
}

/// 3000000 → "3,000,000".
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
