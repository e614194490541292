//! The bench's table: one row per measured point of this page's sweep and of a link's, with its
//! times, speedup, checked result and timeline, and a row per point that failed.

use crate::run::Mode;
use crate::state::{Action, BenchState, Section, ShownTimeline, Theirs};
use crate::sweep::{self, PointSummary};
use crate::web::props::Dispatcher;
use std::rc::Rc;
use yew::prelude::*;

/// The most rows the table draws in one task.
const ROWS_AT_ONCE: usize = 50;

#[derive(Properties, PartialEq)]
pub struct SweepTableProps {
    pub bench: BenchState,
    pub theirs: Option<Rc<Theirs>>,
    pub dispatch: Dispatcher,
}

#[component]
pub fn SweepTable(props: &SweepTableProps) -> Html {
    let (b, dispatch) = (&props.bench, &props.dispatch);
    let mine = sweep::summaries(&b.measured);
    let theirs = props.theirs.as_ref();
    let mut all: Vec<(&'static str, &[PointSummary])> = vec![("mine", &mine)];
    if let Some(t) = theirs {
        all.push(("theirs", &t.results.points));
    }
    let points: usize = all.iter().map(|(_, p)| p.len()).sum();
    // A link of hundreds of points gets its rows fifty at a time, one batch per task, so
    // that the page answers while they are drawn.
    let drawn = use_state(|| ROWS_AT_ONCE);
    {
        let drawn = drawn.clone();
        use_effect_with((*drawn, points), move |&(n, points)| {
            let more = (n < points).then(|| {
                gloo_timers::callback::Timeout::new(0, move || drawn.set(n + ROWS_AT_ONCE))
            });
            move || drop(more)
        });
    }
    let mut rows: Vec<Html> = Vec::new();
    for (whose, points) in all {
        let serial = sweep::serial_ms(points);
        for p in points.iter().take(drawn.saturating_sub(rows.len())) {
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
            let name = format!("timeline: {}", p.point.describe());
            let show = measured.and_then(|m| m.timeline.clone()).map(|timeline| {
                let dispatch = dispatch.clone();
                let (title, workers) = (p.point.describe(), p.point.workers);
                Callback::from(move |_: MouseEvent| {
                    dispatch.dispatch(Action::ShowTimeline(Some(ShownTimeline {
                        section: Section::Bench,
                        title: title.clone(),
                        timeline: timeline.clone(),
                        workers: Some(workers),
                        theirs: false,
                    })))
                })
            });
            rows.push(html! {
                <tr data-whose={whose} data-mode={p.point.mode.key()} data-workers={p.point.workers.to_string()}>
                    if theirs.is_some() { <td data-label="run">{ whose }</td> }
                    <th scope="row" data-label="engine">{ p.point.mode.label() }</th>
                    <td class="num" data-label="workers">{ p.point.workers }</td>
                    <td class="num" data-label="median ms" data-ms={format!("{:.3}", s.median_ms)}>{ format!("{:.1}", s.median_ms) }</td>
                    <td class="num" data-label="min ms">{ format!("{:.1}", s.min_ms) }</td>
                    <td class="num" data-label="max ms">{ format!("{:.1}", s.max_ms) }</td>
                    <td class="num" data-label="speedup">{ speedup }</td>
                    <td class="checked" data-label="result"><span class="check">{ "✓ " }</span>{ result }
                        if let Some(note) = chunking {
                            <span class="note why">{ format!(" {note}.") }</span>
                        }
                        if let Some(onclick) = show {
                            <button class="link show-timeline" aria-label={name.clone()} {onclick}>{ "timeline" }</button>
                        }
                    </td>
                </tr>
            });
        }
    }
    let failures = b.failures.iter().map(|(p, why)| {
        html! {
            <tr class="failed" data-mode={p.mode.key()} data-workers={p.workers.to_string()}>
                if theirs.is_some() { <td data-label="run">{ "mine" }</td> }
                <th scope="row" data-label="engine">{ p.mode.label() }</th><td class="num" data-label="workers">{ p.workers }</td>
                <td colspan="5" class="error" data-label="failed">{ why }</td>
            </tr>
        }
    });
    if points == 0 && b.failures.is_empty() {
        return html! {};
    }
    // On a phone the table folds to its one-line summary: every point stacked as a card is
    // many screens long.
    let narrow = crate::web::platform::narrow_screen();
    let fold = format!(
        "Every point: {} measured{}",
        points,
        match b.failures.len() {
            0 => String::new(),
            n => format!(", {n} failed"),
        }
    );
    html! {
        <details class="sweep-fold" open={!narrow}>
            <summary>{ fold }</summary>
            <div class="table-scroll" role="region" aria-label="Every measured point" tabindex="0">
            <table class="results sweep-table" id="sweep-table">
                <caption>{ format!("Every point measured: the median, fastest and slowest of its runs, its speedup over serial and its result checked against serial{}.", if b.failures.is_empty() { String::new() } else { format!("; {} failed", crate::words::count(b.failures.len(), "point")) }) }</caption>
                <thead><tr>
                    if theirs.is_some() { <th scope="col">{ "run" }</th> }
                    <th scope="col">{ "engine" }</th><th scope="col">{ "workers" }</th><th scope="col">{ "median ms" }</th>
                    <th scope="col">{ "min ms" }</th><th scope="col">{ "max ms" }</th><th scope="col">{ "speedup" }</th><th scope="col">{ "result (checked)" }</th>
                </tr></thead>
                <tbody>{ for rows }{ for failures }</tbody>
            </table>
            </div>
        </details>
    }
}
