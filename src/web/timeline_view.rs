//! A run's timeline: one lane per worker, a bar per task, start-up and messages drawn apart from
//! computing, and with a GIL the spans a task held the lock solid and the rest of it pale. Drawn
//! by plotters into SVG, like the bench's chart.

use crate::state::{Action, ShownTimeline, State};
use crate::timeline::{Kind, MAX_DRAWN_LANES, Timeline, lane_name};
use plotters::prelude::*;
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

/// How tall a bar is within its lane (0..1): messages thin, so the eye reads compute first.
fn band(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Messaging => (0.38, 0.62),
        Kind::Startup => (0.25, 0.75),
        _ => (0.12, 0.88),
    }
}

/// The timeline as SVG, `width` px wide, scaled to its column.
pub fn render(t: &Timeline, width: u32) -> Result<String, String> {
    let lanes = t.lanes.len().clamp(1, MAX_DRAWN_LANES);
    let height = (lanes as u32 * 24 + 70).max(150);
    let mut svg = String::new();
    draw(&mut svg, t, lanes, (width, height))
        .map_err(|e| format!("the timeline could not be drawn: {e}"))?;
    Ok(svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        &format!("viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\""),
        1,
    ))
}

fn draw(
    svg: &mut String,
    t: &Timeline,
    lanes: usize,
    size: (u32, u32),
) -> Result<(), Box<dyn std::error::Error>> {
    let narrow = size.0 < 500;
    let font = if narrow { 12 } else { 14 };
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
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(38)
        .y_label_area_size(if narrow { 80 } else { 120 })
        .build_cartesian_2d(lo - pad..hi + pad, 0f64..lanes as f64)?;
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
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font))
        .light_line_style(RGBColor(238, 240, 244))
        .draw()?;
    for (i, lane) in t.lanes.iter().take(lanes).enumerate() {
        chart.draw_series(lane.bars.iter().map(|b| {
            let (top, bottom) = band(b.kind);
            let end = b.end_ms.max(b.start_ms + (hi - lo) * 0.0015);
            Rectangle::new(
                [
                    (b.start_ms, base(i) + 1.0 - top),
                    (end, base(i) + 1.0 - bottom),
                ],
                colour(b.kind).filled(),
            )
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

#[component]
pub fn TimelinePanel(props: &TimelineProps) -> Html {
    let t = &props.shown.timeline;
    let narrow = crate::web::platform::narrow_screen();
    let svg = render(t, if narrow { 380 } else { 900 });
    let on_close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ShowTimeline(None)))
    };
    let css = |c: RGBColor| format!("--swatch: rgb({}, {}, {})", c.0, c.1, c.2);
    html! {
        <figure class="timeline" id="timeline" data-mode={t.mode.key()} data-lanes={t.lanes.len().to_string()}>
            <figcaption>
                <strong>{ format!("Timeline: {}", props.shown.title) }</strong>
                <button class="secondary small" id="close-timeline" onclick={on_close}>{ "Close" }</button>
            </figcaption>
            <div class="chart">
                { match svg {
                    Ok(svg) => Html::from_html_unchecked(AttrValue::from(svg)),
                    Err(why) => html! { <p class="error">{ why }</p> },
                } }
            </div>
            <ul class="legend inline">
                { for Kind::shown_by(t.mode).iter().map(|&k| html! {
                    <li><span class="swatch block" style={css(colour(k))}></span>{ k.label() }</li>
                }) }
                <li><span class="swatch" style="--swatch: rgb(120, 128, 140)"></span>{ "end of the timed span" }</li>
            </ul>
            <p class="timeline-summary" id="timeline-summary">{ t.summary(props.cores) }</p>
        </figure>
    }
}
