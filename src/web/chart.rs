//! The bench's chart: elapsed time (or speedup, or efficiency) against worker count, one series
//! per mode, with the serial baseline, the ideal line and a marker at hardwareConcurrency,
//! drawn by plotters into an SVG string. Results opened from a share link ("theirs") are
//! drawn dashed over this page's own.

use crate::run::Mode;
use crate::state::View;
use crate::sweep::{self, PointSummary};
use plotters::coord::types::RangedCoordf64;
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

/// One sweep's results as the chart draws them.
pub struct Set<'a> {
    /// Added to the legend's names when the chart shows two sweeps: `mine` or `theirs`.
    pub whose: Option<&'static str>,
    /// Drawn dashed: a link's results.
    pub dashed: bool,
    /// Draw its own hardwareConcurrency marker (not when it repeats the other sweep's).
    pub cores_marker: bool,
    pub points: &'a [PointSummary],
    pub modes: &'a [Mode],
    /// The `hardwareConcurrency` of the machine that measured them.
    pub cores: usize,
}

impl Set<'_> {
    fn name(&self, what: &str) -> String {
        match self.whose {
            Some(whose) => format!("{what} ({whose})"),
            None => what.to_string(),
        }
    }
}

/// One mode's plotted points.
type Series = (Mode, Vec<(f64, f64)>);

/// What one mode's series plots in `view`.
fn values(points: &[PointSummary], mode: Mode, view: View) -> Vec<(f64, f64)> {
    let values: Vec<(usize, f64)> = match view {
        View::Time => sweep::series(points, mode)
            .into_iter()
            .map(|(k, s)| (k, s.median_ms))
            .collect(),
        View::Speedup => sweep::speedups(points, mode),
        View::Efficiency => sweep::efficiencies(points, mode),
    };
    values.into_iter().map(|(k, v)| (k as f64, v)).collect()
}

fn amdahl_note(points: &[PointSummary], mode: Mode) -> String {
    sweep::amdahl(points, mode)
        .map(|f| format!(" — Amdahl serial fraction {:.0}%", f * 100.0))
        .unwrap_or_default()
}

/// The legend as (CSS colour, dashed, text), for the list the page shows under a phone's chart.
pub fn legend(sets: &[Set], view: View) -> Vec<(String, bool, String)> {
    let css = |c: RGBColor| format!("rgb({}, {}, {})", c.0, c.1, c.2);
    let mut items = vec![(
        css(GREY),
        false,
        match view {
            View::Time => "ideal (serial ÷ workers); serial".to_string(),
            View::Speedup => "ideal (= workers)".into(),
            View::Efficiency => "ideal (1)".into(),
        },
    )];
    for set in sets {
        let dashed = set.dashed;
        if set.cores_marker {
            items.push((
                css(CORES),
                dashed,
                set.name(&format!("hardwareConcurrency = {}", set.cores)),
            ));
        }
        for &mode in set.modes {
            let text = set.name(mode.label()) + &amdahl_note(set.points, mode);
            items.push((css(colour(mode)), dashed, text));
        }
    }
    items
}

/// Draws the chart `width` × `height` px. With `fit`, the SVG scales with the page's column
/// instead of keeping its pixel size; phones get a narrower drawing so its text stays readable.
pub fn render(
    sets: &[Set],
    view: View,
    max_workers: usize,
    (width, height): (u32, u32),
    fit: bool,
) -> Result<String, String> {
    let mut svg = String::new();
    draw(&mut svg, sets, view, max_workers, (width, height))
        .map_err(|e| format!("the chart could not be drawn: {e}"))?;
    if !fit {
        return Ok(svg);
    }
    Ok(svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        &format!("viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\""),
        1,
    ))
}

/// A line through `points`: solid for this page's results, dashed for a link's.
fn line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    dashed: bool,
    label: String,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let legend_style = style;
    let anno = if dashed {
        chart.draw_series(DashedLineSeries::new(points, 6, 4, style))?
    } else {
        chart.draw_series(LineSeries::new(points, style))?
    };
    anno.label(label).legend(move |(x, y)| {
        if dashed {
            PathElement::new(vec![(x, y), (x + 7, y)], legend_style)
        } else {
            PathElement::new(vec![(x, y), (x + 18, y)], legend_style)
        }
    });
    Ok(())
}

fn draw(
    svg: &mut String,
    sets: &[Set],
    view: View,
    max_workers: usize,
    size: (u32, u32),
) -> Result<(), Box<dyn std::error::Error>> {
    let narrow = size.0 < 500;
    let font = if narrow { 13 } else { 15 };
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let max_k = max_workers.max(1) as f64;
    let serial = |set: &Set| sweep::serial_ms(set.points);
    let reference = |serial: Option<f64>, k: f64| match view {
        View::Time => serial.map(|s| s / k),
        View::Speedup => Some(k),
        View::Efficiency => Some(1.0),
    };
    let series: Vec<Vec<Series>> = sets
        .iter()
        .map(|set| {
            set.modes
                .iter()
                .map(|&m| (m, values(set.points, m, view)))
                .collect()
        })
        .collect();
    let top = series
        .iter()
        .flatten()
        .flat_map(|(_, v)| v.iter().map(|p| p.1))
        .chain(
            sets.iter()
                .filter_map(serial)
                .filter(|_| view == View::Time),
        )
        .chain(reference(None, max_k).filter(|_| view != View::Time))
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

    for (set, series) in sets.iter().zip(&series) {
        let dashed = set.dashed;
        let serial = serial(set);
        // The ideal: serial ÷ k, speedup k, efficiency 1 (drawn once: it is the same for both
        // sets except in the time view).
        if reference(serial, 1.0).is_some() && (view == View::Time || !dashed) {
            let ideal: Vec<(f64, f64)> = (1..=max_workers)
                .filter_map(|k| Some((k as f64, reference(serial, k as f64)?)))
                .collect();
            let what = match view {
                View::Time => "ideal (serial ÷ workers)",
                View::Speedup => "ideal (= workers)",
                View::Efficiency => "ideal (1)",
            };
            line(
                &mut chart,
                ideal,
                GREY.stroke_width(1),
                dashed,
                set.name(what),
            )?;
        }
        if let (View::Time, Some(s)) = (view, serial) {
            line(
                &mut chart,
                vec![(0.5, s), (max_k + 0.5, s)],
                GREY.stroke_width(2),
                dashed,
                set.name(&format!("serial {s:.0} ms")),
            )?;
        }
        let hc = set.cores as f64;
        if hc <= max_k && set.cores_marker {
            line(
                &mut chart,
                vec![(hc, 0.0), (hc, top)],
                CORES.stroke_width(1),
                dashed,
                set.name(&format!("hardwareConcurrency = {}", set.cores)),
            )?;
        }
        for (mode, points) in series {
            if points.is_empty() {
                continue;
            }
            let c = colour(*mode);
            let label = set.name(mode.label()) + &amdahl_note(set.points, *mode);
            line(&mut chart, points.clone(), c.stroke_width(2), dashed, label)?;
            if dashed {
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, c.stroke_width(1))))?;
            } else {
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
            }
        }
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
