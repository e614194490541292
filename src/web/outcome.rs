//! A finished run's cells in a results table, shared by the quick run and the lessons: its time,
//! its checked result with what went into the time, and a button that opens its timeline.

use crate::experiment::{self, Outcome};
use crate::run::RunError;
use crate::state::{Action, Section, ShownTimeline};
use crate::timeline::Timeline;
use crate::web::props::Dispatcher;
use crate::workloads::Job;
use yew::prelude::*;

/// A button that opens the timeline of `outcome`'s run under `section` (nothing for a failed run).
pub fn timeline_button(
    dispatch: &Dispatcher,
    section: Section,
    title: String,
    job: &Job,
    outcome: &Outcome,
) -> Html {
    let Ok(run) = outcome else {
        return html! {};
    };
    let timeline = std::rc::Rc::new(Timeline::of(run.mode, job, &run.run));
    let workers = run.workers;
    // Named by its run: a page holds many of these buttons.
    let name = format!("timeline: {title}");
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        dispatch.dispatch(Action::ShowTimeline(Some(ShownTimeline {
            section,
            title: title.clone(),
            timeline: timeline.clone(),
            workers: Some(workers),
            theirs: false,
        })))
    });
    html! { <button class="link show-timeline" aria-label={name} {onclick}>{ "timeline" }</button> }
}

/// The elapsed cell and the detail cell of a finished run.
pub fn outcome_cells(outcome: &Outcome, serial_ms: Option<f64>) -> (&'static str, Html, Html) {
    match outcome {
        Ok(run) => {
            let r = &run.run;
            let (details, note) = experiment::run_details(run, serial_ms);
            (
                "ok",
                html! { <span class="elapsed" data-ms={format!("{:.3}", r.elapsed_ms)}>{ format!("{:.1} ms", r.elapsed_ms) }</span> },
                html! {
                    <>
                        <span class="check" title="matches the serial answer">{ "✓ " }</span>
                        <span class="result">{ run.result_text(10) }</span>
                        <span class="meta">{ details }</span>
                        if let Some((class, text)) = note {
                            <span class={classes!("note", class)}>{ text }</span>
                        }
                    </>
                },
            )
        }
        Err(err) => {
            // The driver stops a cancelled list before its run finishes, so a cancel is not
            // shown in a row; were it ever, it reads as before it had a type of its own.
            let what = match err {
                RunError::WrongResult(_) => "time withheld — ",
                RunError::Failed(_) | RunError::Cancelled => "failed: ",
            };
            (
                "error",
                html! { "—" },
                html! { <span class="error">{ format!("{what}{err}") }</span> },
            )
        }
    }
}
