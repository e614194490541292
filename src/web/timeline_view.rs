//! A run's timeline: one lane per worker, a bar per task, start-up and messages drawn apart from
//! computing, and with a GIL the spans a task held the lock solid and the rest of it pale. Drawn
//! by plotters into SVG, like the bench's chart.

use crate::state::{Action, ShownTimeline, State};
use crate::timeline::{Kind, MAX_DRAWN_LANES, Timeline, lane_name};
use crate::web::links;
use plotters::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn colour(kind: Kind) -> RGBColor {
    match kind {
        Kind::Startup => RGBColor(140, 60, 190),
        Kind::Messaging => RGBColor(26, 127, 55),
        Kind::Compute => RGBColor(47, 111, 222),
        Kind::Sleeping => RGBColor(196, 214, 245),
        Kind::HoldingGil => RGBColor(214, 110, 20),
        Kind::WithoutGil => RGBColor(247, 214, 180),
    }
}

/// The pale fills (under 3:1 against white) get an outline in a darker colour of their own.
fn outline(kind: Kind) -> Option<RGBColor> {
    match kind {
        Kind::Sleeping => Some(RGBColor(47, 111, 222)),
        Kind::WithoutGil => Some(RGBColor(168, 84, 10)),
        _ => None,
    }
}

/// How tall a bar is within its lane (0..1): messages thin, so the eye reads compute first.
fn band(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Messaging => (0.38, 0.62),
        Kind::Startup => (0.25, 0.75),
        _ => (0.12, 0.88),
    }
}

/// The timeline as SVG, `width` px wide, scaled to its column; named by the element with id
/// `labelled_by` and described by its summary.
pub fn render(t: &Timeline, width: u32, labelled_by: &str) -> Result<String, String> {
    let lanes = t.lanes.len().clamp(1, MAX_DRAWN_LANES);
    let height = (lanes as u32 * 24 + 70).max(150);
    let mut svg = String::new();
    draw(&mut svg, t, lanes, (width, height))
        .map_err(|e| format!("the timeline could not be drawn: {e}"))?;
    Ok(svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        &format!(
            "viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" \
             aria-labelledby=\"{labelled_by}\" aria-describedby=\"timeline-summary\""
        ),
        1,
    ))
}

/// How wide a label of `chars` digits in `font_px` is drawn, at most: 0.62 em a digit in the
/// sans-serif fonts browsers pick.
fn label_px(chars: usize, font_px: f64) -> f64 {
    chars.max(1) as f64 * 0.62 * font_px
}

/// How many time labels fit along `plot_px` drawn px, each `label` px wide with as much again
/// between two, so no two touch in any browser's font.
fn x_label_count(plot_px: f64, label: f64) -> usize {
    ((plot_px / (2.0 * label)).floor() as usize).clamp(2, 10)
}

fn draw(
    svg: &mut String,
    t: &Timeline,
    lanes: usize,
    size: (u32, u32),
) -> Result<(), Box<dyn std::error::Error>> {
    // Drawn at 320 px for a phone's column of about 310; plotters writes a font of size n as
    // n ÷ 1.24 px, so a phone's text is 12 px.
    let narrow = size.0 < 500;
    let font = if narrow { 16 } else { 14 };
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let (lo, hi) = t.span();
    let pad = (hi - lo).max(1.0) * 0.01;
    let names: Vec<String> = t
        .lanes
        .iter()
        .take(lanes)
        .map(|l| lane_name(t.mode, l.worker))
        .collect();
    let (y_area, margin) = (if narrow { 80 } else { 120 }, 10);
    let font_px = f64::from(font) / 1.24;
    // Whole ms, or as many decimals as ten labels over a short run need to differ.
    let decimals = match hi - lo {
        span if span >= 20.0 => 0,
        span if span >= 2.0 => 1,
        _ => 2,
    };
    let widest = format!("{:.*}", decimals, hi.abs().max(lo.abs())).len();
    // Room on the right for half the last label, which is centred on its tick.
    let right = margin.max((label_px(widest, font_px) / 2.0).ceil() as u32 + 4);
    let mut chart = ChartBuilder::on(&root)
        .margin(margin)
        .margin_right(right)
        // The tick labels, the axis title under them, and a gap between.
        .x_label_area_size(if narrow { 46 } else { 42 })
        .y_label_area_size(y_area)
        .build_cartesian_2d(lo - pad..hi + pad, 0f64..lanes as f64)?;
    let plot_px = f64::from(size.0.saturating_sub(y_area + margin + right));
    let x_labels = x_label_count(plot_px, label_px(widest, font_px));
    // The first lane on top: lane i occupies y from `lanes - 1 - i` to one above.
    let base = |i: usize| (lanes - 1 - i) as f64;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("ms since the run started")
        .y_labels(lanes * 2 + 1)
        .y_label_formatter(&|y| {
            // Labels sit mid-lane; the other ticks stay blank.
            let row = (y - 0.5).round();
            if (y - 0.5 - row).abs() < 1e-6 && (0.0..lanes as f64).contains(&row) {
                names
                    .get(lanes - 1 - row as usize)
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_labels(x_labels)
        .x_label_formatter(&|x| format!("{x:.decimals$}"))
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font))
        .light_line_style(RGBColor(238, 240, 244))
        .draw()?;
    for (i, lane) in t.lanes.iter().take(lanes).enumerate() {
        let corners = |b: &crate::timeline::Bar| {
            let (top, bottom) = band(b.kind);
            let end = b.end_ms.max(b.start_ms + (hi - lo) * 0.0015);
            [
                (b.start_ms, base(i) + 1.0 - top),
                (end, base(i) + 1.0 - bottom),
            ]
        };
        chart.draw_series(
            lane.bars
                .iter()
                .map(|b| Rectangle::new(corners(b), colour(b.kind).filled())),
        )?;
        chart.draw_series(lane.bars.iter().filter_map(|b| {
            let line = outline(b.kind)?;
            Some(Rectangle::new(corners(b), line.stroke_width(1)))
        }))?;
    }
    // The end of the timed span.
    chart.draw_series(LineSeries::new(
        vec![(t.elapsed_ms, 0.0), (t.elapsed_ms, lanes as f64)],
        RGBColor(120, 128, 140).stroke_width(1),
    ))?;
    root.present()?;
    Ok(())
}

#[derive(PartialEq, Properties)]
pub struct TimelineProps {
    pub shown: ShownTimeline,
    pub cores: usize,
    pub dispatch: UseReducerDispatcher<State>,
}

/// A timeline opens like a dialog: it takes the focus, Escape or Close shuts it, and the focus
/// goes back to the button that opened it.
#[component]
pub fn TimelinePanel(props: &TimelineProps) -> Html {
    let t = &props.shown.timeline;
    let narrow = crate::web::platform::narrow_screen();
    let svg = render(t, if narrow { 320 } else { 900 }, "timeline-title");
    let panel = use_node_ref();
    // The element that had the focus when this timeline opened: where it goes back on close.
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        let (panel, opener) = (panel.clone(), opener.clone());
        use_effect_with(props.shown.title.clone(), move |_| {
            let had = crate::web::platform::document()
                .ok()
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(had) = had.filter(|e| e.id() != "timeline") {
                *opener.borrow_mut() = Some(had);
            }
            if let Some(el) = panel.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let close = {
        let dispatch = props.dispatch.clone();
        move || {
            dispatch.dispatch(Action::ShowTimeline(None));
            if let Some(el) = opener.borrow_mut().take().filter(|e| e.is_connected()) {
                let _ = el.focus();
            }
        }
    };
    let on_close = {
        let close = close.clone();
        Callback::from(move |_: MouseEvent| close())
    };
    let on_key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            close();
        }
    });
    // The run as a trace for Perfetto, downloaded, and how to open it (or why it failed).
    let traced = use_state(|| None::<String>);
    let on_trace = {
        let (shown, traced) = (props.shown.clone(), traced.clone());
        Callback::from(move |_: MouseEvent| {
            let runs = [crate::trace::Traced {
                name: shown.title.clone(),
                timeline: &shown.timeline,
                workers: shown.workers,
            }];
            let settings = serde_json::json!({
                "run": shown.title,
                "from a share link": shown.theirs,
            });
            let text = crate::trace::trace(&runs, settings, &links::machine(None));
            let file = links::export_file("trace.json");
            traced.set(Some(
                match links::download(&file, "application/json", &text) {
                    Ok(()) => format!("Saved {file}. {}", crate::trace::HOW_TO_OPEN),
                    Err(why) => format!("The trace could not be saved: {why}"),
                },
            ));
        })
    };
    let css = |c: RGBColor| format!("--swatch: rgb({}, {}, {})", c.0, c.1, c.2);
    let swatch = |k: Kind| match outline(k) {
        Some(o) => format!(
            "{}; --outline: rgb({}, {}, {})",
            css(colour(k)),
            o.0,
            o.1,
            o.2
        ),
        None => css(colour(k)),
    };
    html! {
        <div class="timeline" id="timeline" data-mode={t.mode.key()} data-lanes={t.lanes.len().to_string()}
            role="dialog" aria-labelledby="timeline-title" aria-describedby="timeline-summary" tabindex="-1"
            ref={panel} onkeydown={on_key}>
            <div class="timeline-head">
                <strong id="timeline-title">{ format!("Timeline: {}", props.shown.title) }</strong>
                <span class="timeline-actions">
                    <button class="secondary small" id="trace-timeline" onclick={on_trace} title={crate::trace::HOW_TO_OPEN}>{ "Trace for Perfetto" }</button>
                    <button class="secondary small" id="close-timeline" onclick={on_close}>{ "Close" }</button>
                </span>
            </div>
            <div class="chart">
                { match svg {
                    Ok(svg) => Html::from_html_unchecked(AttrValue::from(svg)),
                    Err(why) => html! { <p class="error">{ why }</p> },
                } }
            </div>
            <ul class="legend inline">
                { for Kind::shown_by(t.mode).iter().map(|&k| html! {
                    <li><span class="swatch block" style={swatch(k)}></span>{ k.label() }</li>
                }) }
                <li><span class="swatch" style="--swatch: rgb(120, 128, 140)"></span>{ "end of the timed span" }</li>
            </ul>
            <p class="timeline-summary" id="timeline-summary">{ t.summary(props.cores) }</p>
            if let Some(said) = &*traced {
                <p class="hint" id="trace-status" role="status">{ said }</p>
            }
        </div>
    }
}
