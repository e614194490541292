//! The bench's chart: elapsed time (or speedup, or efficiency) against worker count, one series
//! per mode, with the serial baseline, the ideal line and a marker at hardwareConcurrency,
//! drawn by plotters into an SVG string.

use crate::run::Mode;
use crate::state::View;
use crate::sweep::{self, Measured};
use plotters::prelude::*;

/// One colour per mode, and for the reference lines.
fn colour(mode: Mode) -> RGBColor {
    match mode {
        Mode::Shared { gil: false } => RGBColor(47, 111, 222),
        Mode::Shared { gil: true } => RGBColor(214, 110, 20),
        Mode::Pool { reuse: true } => RGBColor(26, 127, 55),
        Mode::Pool { reuse: false } => RGBColor(140, 60, 190),
        _ => RGBColor(90, 100, 118),
    }
}

const GREY: RGBColor = RGBColor(120, 128, 140);
const CORES: RGBColor = RGBColor(198, 40, 40);

/// What one mode's series plots in `view`.
fn values(measured: &[Measured], mode: Mode, view: View) -> Vec<(f64, f64)> {
    let points: Vec<(usize, f64)> = match view {
        View::Time => sweep::series(measured, mode)
            .into_iter()
            .map(|(k, s)| (k, s.median_ms))
            .collect(),
        View::Speedup => sweep::speedups(measured, mode),
        View::Efficiency => sweep::efficiencies(measured, mode),
    };
    points.into_iter().map(|(k, v)| (k as f64, v)).collect()
}

/// The legend as (CSS colour, text), for the list the page shows under a phone's chart.
pub fn legend(
    measured: &[Measured],
    modes: &[Mode],
    view: View,
    cores: usize,
) -> Vec<(String, String)> {
    let css = |c: RGBColor| format!("rgb({}, {}, {})", c.0, c.1, c.2);
    let mut items = vec![(
        css(GREY),
        match view {
            View::Time => "ideal (serial ÷ workers); serial".to_string(),
            View::Speedup => "ideal (= workers)".into(),
            View::Efficiency => "ideal (1)".into(),
        },
    )];
    items.push((css(CORES), format!("hardwareConcurrency = {cores}")));
    for &mode in modes {
        let fit = sweep::amdahl(measured, mode)
            .map(|f| format!(" — Amdahl serial fraction {:.0}%", f * 100.0))
            .unwrap_or_default();
        items.push((css(colour(mode)), format!("{}{fit}", mode.label())));
    }
    items
}

/// Draws the chart `width` × `height` px (the page scales it to its column); phones get a
/// narrower drawing so its text stays readable.
pub fn render(
    measured: &[Measured],
    modes: &[Mode],
    view: View,
    cores: usize,
    max_workers: usize,
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut svg = String::new();
    draw(
        &mut svg,
        measured,
        modes,
        view,
        cores,
        max_workers,
        (width, height),
    )
    .map_err(|e| format!("the chart could not be drawn: {e}"))?;
    // Scale with the page instead of a fixed pixel size.
    Ok(svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        &format!("viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\""),
        1,
    ))
}

fn draw(
    svg: &mut String,
    measured: &[Measured],
    modes: &[Mode],
    view: View,
    cores: usize,
    max_workers: usize,
    size: (u32, u32),
) -> Result<(), Box<dyn std::error::Error>> {
    let narrow = size.0 < 500;
    let font = if narrow { 13 } else { 15 };
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let serial = sweep::serial_ms(measured);
    let max_k = max_workers.max(1) as f64;
    let series: Vec<(Mode, Vec<(f64, f64)>)> = modes
        .iter()
        .map(|&m| (m, values(measured, m, view)))
        .collect();
    let reference = |k: f64| match view {
        View::Time => serial.map(|s| s / k),
        View::Speedup => Some(k),
        View::Efficiency => Some(1.0),
    };
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|p| p.1))
        .chain(serial.filter(|_| view == View::Time))
        .chain(reference(max_k).filter(|_| view != View::Time))
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let (y_desc, unit) = match view {
        View::Time => ("elapsed (ms)", "ms"),
        View::Speedup => ("speedup over serial (×)", "×"),
        View::Efficiency => ("efficiency (speedup ÷ workers)", ""),
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(if narrow { 42 } else { 48 })
        .y_label_area_size(if narrow { 58 } else { 72 })
        .build_cartesian_2d(0.5f64..max_k + 0.5, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("workers")
        .y_desc(y_desc)
        .x_labels(max_workers.min(if narrow { 8 } else { 16 }))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            if unit == "ms" && *y >= 1000.0 {
                format!("{:.1} s", y / 1000.0)
            } else {
                format!("{y:.2}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            }
        })
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font))
        .light_line_style(RGBColor(238, 240, 244))
        .draw()?;

    // The ideal: serial ÷ k, speedup k, efficiency 1.
    if reference(1.0).is_some() {
        let ideal: Vec<(f64, f64)> = (1..=max_workers)
            .filter_map(|k| Some((k as f64, reference(k as f64)?)))
            .collect();
        chart
            .draw_series(LineSeries::new(ideal, GREY.stroke_width(1)))?
            .label(match view {
                View::Time => "ideal (serial ÷ workers)",
                View::Speedup => "ideal (= workers)",
                View::Efficiency => "ideal (1)",
            })
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], GREY));
    }
    if let (View::Time, Some(s)) = (view, serial) {
        chart
            .draw_series(LineSeries::new(
                vec![(0.5, s), (max_k + 0.5, s)],
                GREY.stroke_width(2),
            ))?
            .label(format!("serial {s:.0} ms"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], GREY.stroke_width(2)));
    }
    let hc = cores as f64;
    if hc <= max_k {
        chart
            .draw_series(LineSeries::new(
                vec![(hc, 0.0), (hc, top)],
                CORES.stroke_width(1),
            ))?
            .label(format!("hardwareConcurrency = {cores}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], CORES));
    }
    for (mode, points) in &series {
        if points.is_empty() {
            continue;
        }
        let c = colour(*mode);
        let fit = sweep::amdahl(measured, *mode)
            .map(|f| format!(" — Amdahl serial fraction {:.0}%", f * 100.0))
            .unwrap_or_default();
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))?
            .label(format!("{}{fit}", mode.label()))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
    }
    // A phone's chart has no room for a legend inside it: the page lists it below instead.
    if narrow {
        root.present()?;
        return Ok(());
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", font - 1))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(221, 225, 232))
        .draw()?;
    root.present()?;
    Ok(())
}
