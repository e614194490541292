//! Copy link and the exports: CSV and JSON of the sweeps on show, and the chart as SVG or PNG
//! with a caption saying what was measured, how, where and when.

use crate::chart::{Caption, Drawn};
use crate::export;
use crate::share::{self, Results};
use crate::state::State;
use crate::sweep;
use crate::view::BenchView;
use crate::web::links;
use crate::workloads::Workload;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Calls `f` with the sweeps there are to export: this page's last sweep and a link's.
fn with_sweeps<R>(state: &State, f: impl FnOnce(&[export::Sweep]) -> R) -> R {
    let machine = links::machine(state.effective_cores());
    let mine = Results {
        costs: state.sweep_costs(machine.cores()),
        machine,
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
                .filter_map(|m| Some((m.point, m.timeline.as_deref()?)))
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

/// The chart as a file: the page's chart, with a title and a caption that say what was
/// measured, how, where and when.
fn chart_file(state: &State) -> Result<Drawn, String> {
    let caption = Caption {
        title: state.bench.settings.view.chart_title(),
        lines: with_sweeps(state, |sweeps| export::caption(sweeps, Workload::describe)),
    };
    BenchView::of(state).file_chart(&caption)
}

/// This page's last sweep as a trace: every point its own process, named by its engine and
/// worker count, in the order measured.
fn sweep_trace(state: &State) -> Result<String, String> {
    let config = state
        .bench
        .swept
        .as_ref()
        .ok_or("no sweep has run on this page")?;
    let runs: Vec<crate::trace::Traced> = state
        .bench
        .measured
        .iter()
        .filter_map(|m| {
            Some(crate::trace::Traced {
                name: m.point.describe(),
                timeline: m.timeline.as_ref()?,
                workers: Some(m.point.workers),
            })
        })
        .collect();
    if runs.is_empty() {
        return Err("the sweep kept no timeline".into());
    }
    let s = &config.settings;
    let settings = serde_json::json!({
        "workload": s.job().workload.describe(),
        "tasks": s.tasks,
        "engines": s.modes.iter().map(|m| m.label()).collect::<Vec<_>>(),
        "repetitions": s.repetitions,
        "points": runs.len(),
    });
    Ok(crate::trace::trace(
        &runs,
        settings,
        &links::machine(state.effective_cores()),
    ))
}

/// What the share panel makes, from the page's state as it is when its button is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Link,
    Csv,
    Json,
    Svg,
    Png,
    Trace,
}

/// What [`make`] made: the link or a file's text, or a chart.
pub enum Made {
    Text(String),
    Chart(Drawn),
}

impl Made {
    fn text(self) -> String {
        match self {
            Made::Text(text) => text,
            Made::Chart(drawn) => drawn.svg,
        }
    }
}

/// Makes `what` from `state`.
pub fn make(state: &State, what: Export) -> Result<Made, String> {
    Ok(match what {
        Export::Link => Made::Text(links::page_url(&share::encode(
            &state.share_link(links::machine(state.effective_cores())),
        ))),
        Export::Csv => Made::Text(with_sweeps(state, export::csv)),
        Export::Json => Made::Text(with_sweeps(state, export::json)),
        Export::Svg | Export::Png => Made::Chart(chart_file(state)?),
        Export::Trace => Made::Text(sweep_trace(state)?),
    })
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub running: bool,
    /// No sweep to export: none measured here, and no link's.
    pub nothing: bool,
    /// No timeline to trace.
    pub no_timelines: bool,
    /// Makes the link or an export ([`make`] on the page's state).
    pub make: Callback<Export, Result<Made, String>>,
}

/// Copy link and the exports.
#[component]
pub fn Share(props: &ShareProps) -> Html {
    // The link last copied and what became of the copy.
    let copied = use_state(|| None::<(String, String)>);
    let export_error = use_state(|| None::<String>);
    let on_copy = {
        let (make, copied) = (props.make.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(url) = make.emit(Export::Link).map(Made::text) else {
                return;
            };
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
    let save = |what: Export, name: &'static str, ext: &'static str, mime: &'static str| {
        let (make, export_error) = (props.make.clone(), export_error.clone());
        Callback::from(move |_: MouseEvent| {
            let saved = make
                .emit(what)
                .and_then(|made| links::download(&links::export_file(ext), mime, &made.text()));
            export_error.set(
                saved
                    .err()
                    .map(|why| format!("The {name} could not be saved: {why}")),
            );
        })
    };
    let on_csv = save(Export::Csv, "CSV", "csv", "text/csv");
    let on_json = save(Export::Json, "JSON", "json", "application/json");
    let on_svg = save(Export::Svg, "SVG", "svg", "image/svg+xml");
    let on_png = {
        let (make, export_error) = (props.make.clone(), export_error.clone());
        Callback::from(move |_: MouseEvent| {
            let (chart, file, export_error) = (
                make.emit(Export::Png),
                links::export_file("png"),
                export_error.clone(),
            );
            spawn_local(async move {
                let saved = match chart {
                    Ok(Made::Chart(Drawn { svg, size: (w, h) })) => {
                        links::download_png(&file, &svg, w, h).await
                    }
                    Ok(Made::Text(_)) => Err("no chart was made".into()),
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
    let on_trace = {
        let (make, export_error) = (props.make.clone(), export_error.clone());
        Callback::from(move |_: MouseEvent| {
            let file = links::export_file("trace.json");
            let saved = make
                .emit(Export::Trace)
                .and_then(|made| links::download(&file, "application/json", &made.text()));
            export_error.set(Some(match saved {
                Ok(()) => format!("Saved {file}. {}", crate::trace::HOW_TO_OPEN),
                Err(why) => format!("The trace could not be saved: {why}"),
            }));
        })
    };
    let (running, nothing, no_timelines) = (
        props.running,
        props.running || props.nothing,
        props.running || props.no_timelines,
    );
    html! {
        <div class="share" id="share">
            <div class="share-actions">
                <button id="copy-link" onclick={on_copy} disabled={running}>{ "Copy link" }</button>
                <span class="label">{ "Export" }</span>
                <button id="export-csv" class="secondary" onclick={on_csv} disabled={nothing}>{ "CSV" }</button>
                <button id="export-json" class="secondary" onclick={on_json} disabled={nothing}>{ "JSON" }</button>
                <button id="export-svg" class="secondary" onclick={on_svg} disabled={nothing}>{ "chart SVG" }</button>
                <button id="export-png" class="secondary" onclick={on_png} disabled={nothing}>{ "chart PNG" }</button>
                <button id="export-trace" class="secondary" onclick={on_trace} disabled={no_timelines} title={crate::trace::HOW_TO_OPEN}>{ "trace" }</button>
            </div>
            if let Some((url, status)) = &*copied {
                <div class="share-link">
                    <input id="share-link" type="text" readonly=true value={url.clone()} aria-label="Share link"
                        onfocus={Callback::from(|e: FocusEvent| if let Some(i) = e.target_dyn_into::<HtmlInputElement>() { i.select() })} />
                    <span id="share-status">{ format!("{status} {} characters.", url.len()) }</span>
                </div>
            }
            if let Some(why) = &*export_error {
                <p class={if why.starts_with("Saved") { "hint" } else { "error" }} id="export-error" role="status">{ why }</p>
            }
        </div>
    }
}
