//! The bench's chart: elapsed time (or speedup, or efficiency) against worker count, one series
//! per mode with its Amdahl fit drawn dotted over the worker counts it was fitted to (1 to the
//! cores), the serial baseline, the ideal line and a marker at hardwareConcurrency. plotters
//! draws the plot as SVG; the legend is a band below the plot, so it never covers a point, and
//! an exported chart carries a title and caption above it. Results opened from a share link
//! ("theirs") are drawn dashed over this page's own.

use crate::fits;
use crate::run::Mode;
use crate::settings::View;
use crate::sweep::{self, AmdahlFit, PointSummary};
mod svg;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use svg::Svg;

/// One colour per mode, and for the reference lines.
fn colour(mode: Mode) -> RGBColor {
    match mode {
        Mode::Shared { gil: false } => RGBColor(47, 111, 222),
        Mode::Shared { gil: true } => RGBColor(214, 110, 20),
        Mode::Pool { reuse: true } => RGBColor(26, 127, 55),
        Mode::Pool { reuse: false } => RGBColor(140, 60, 190),
        Mode::Asyncio => RGBColor(196, 38, 84),
        _ => RGBColor(90, 100, 118),
    }
}

/// The shape of a mode's point markers: series differ by shape as well as by colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
    /// An upside-down triangle.
    Wedge,
}

impl Marker {
    fn of(mode: Mode) -> Marker {
        match mode {
            Mode::Shared { gil: true } => Marker::Triangle,
            Mode::Pool { reuse: true } => Marker::Square,
            Mode::Pool { reuse: false } => Marker::Diamond,
            Mode::Asyncio => Marker::Wedge,
            _ => Marker::Circle,
        }
    }

    /// The shape as a character, for the page's own legend.
    pub fn glyph(self) -> &'static str {
        match self {
            Marker::Circle => "●",
            Marker::Triangle => "▲",
            Marker::Square => "■",
            Marker::Diamond => "◆",
            Marker::Wedge => "▼",
        }
    }

    /// The shape as SVG, centred on (`x`, `y`), of class `point`.
    fn svg(self, x: i32, y: i32, fill: &str, stroke: &str) -> String {
        let paint = format!(
            "class=\"point\" data-shape=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\"",
            self.glyph()
        );
        let poly = |pts: [(i32, i32); 4]| {
            let pts: Vec<String> = pts
                .iter()
                .map(|(a, b)| format!("{},{}", x + a, y + b))
                .collect();
            format!("<polygon points=\"{}\" {paint}/>", pts.join(" "))
        };
        match self {
            Marker::Circle => format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"3.5\" {paint}/>"),
            Marker::Triangle => poly([(0, -5), (5, 4), (-5, 4), (0, -5)]),
            Marker::Square => poly([(-4, -4), (4, -4), (4, 4), (-4, 4)]),
            Marker::Diamond => poly([(0, -5), (5, 0), (0, 5), (-5, 0)]),
            Marker::Wedge => poly([(0, 5), (5, -4), (-5, -4), (0, 5)]),
        }
    }
}

/// A fitted curve's colour: its mode's, darkened so that its dots show where they lie on the
/// measured line.
fn fit_colour(mode: Mode) -> RGBColor {
    let RGBColor(r, g, b) = colour(mode);
    let dark = |c: u8| (f64::from(c) * 0.78) as u8;
    RGBColor(dark(r), dark(g), dark(b))
}

const GREY: RGBColor = RGBColor(120, 128, 140);
const CORES: RGBColor = RGBColor(198, 40, 40);
const TEXT: &str = "#1f2430";
const MUTED: &str = "#4a5263";

/// One sweep's results as the chart draws them.
#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    /// Added to the legend's names when the chart shows two sweeps: `mine` or `theirs`.
    pub whose: Option<&'static str>,
    /// Drawn dashed: a link's results.
    pub dashed: bool,
    /// Draw its own hardwareConcurrency marker (not when it repeats the other sweep's).
    pub cores_marker: bool,
    pub points: Vec<PointSummary>,
    pub modes: Vec<Mode>,
    /// The `hardwareConcurrency` of the machine that measured them.
    pub cores: usize,
    /// What theory predicted for each engine.
    pub predicted: Option<sweep::Predictions>,
}

impl Set {
    fn name(&self, what: &str) -> String {
        match self.whose {
            Some(whose) => format!("{what} ({whose})"),
            None => what.to_string(),
        }
    }

    fn serial(&self) -> Option<f64> {
        sweep::serial_ms(&self.points)
    }

    fn line(&self) -> Stroke {
        if self.dashed {
            Stroke::Dashed
        } else {
            Stroke::Solid
        }
    }

    /// `mode`'s predicted line in `view`, where there is one.
    fn predicted(&self, mode: Mode, view: View) -> Option<Vec<(f64, f64)>> {
        let serial = self.serial()?;
        let (_, ks) = self
            .predicted
            .as_ref()?
            .series
            .iter()
            .find(|(m, _)| *m == mode)?;
        Some(
            ks.iter()
                .filter(|(_, ms)| *ms > 0.0)
                .map(|&(k, ms)| {
                    let y = match view {
                        View::Time => ms,
                        View::Speedup => serial / ms,
                        View::Efficiency => serial / ms / k as f64,
                    };
                    (k as f64, y)
                })
                .collect(),
        )
    }

    /// The modes with something to plot in `view`, with their Amdahl fits.
    fn series(&self, view: View) -> Vec<Series> {
        self.modes
            .iter()
            .map(|&mode| Series {
                mode,
                values: values(&self.points, mode, view),
                fit: sweep::amdahl(&self.points, mode, self.cores),
            })
            .filter(|s| !s.values.is_empty())
            .collect()
    }
}

/// One mode's plotted values and its fit over the worker counts up to the cores.
struct Series {
    mode: Mode,
    values: Vec<(f64, f64)>,
    fit: Option<AmdahlFit>,
}

/// A title and the lines under it, drawn above an exported chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    pub title: String,
    pub lines: Vec<String>,
}

/// Where a chart is drawn: its plot's size, and what goes around it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Frame<'a> {
    /// The plot's width × height in px; charts under 500 px wide (a phone's) leave the legend
    /// to the page.
    pub size: (u32, u32),
    /// A title and lines above the plot (an exported chart's).
    pub caption: Option<&'a Caption>,
    /// Scale with the page's column instead of keeping the pixel size.
    pub fit: bool,
    /// The chart's accessible name, and the id of the element that describes it at length.
    pub name: Option<(&'a str, &'a str)>,
}

/// A drawn chart and its size in px.
pub struct Drawn {
    pub svg: String,
    pub size: (u32, u32),
}

/// How a line is drawn: this page's series solid, a link's dashed, a fitted curve dotted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    Dashed,
    Dotted,
}

impl Stroke {
    /// The class of the page's legend swatch.
    pub fn class(self) -> &'static str {
        match self {
            Stroke::Solid => "solid",
            Stroke::Dashed => "dashed",
            Stroke::Dotted => "dotted",
        }
    }
}

/// One entry of the legend: a swatch drawn like its line, and what the line is.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendItem {
    colour: RGBColor,
    pub stroke: Stroke,
    width: u32,
    /// The line's point markers (a measured series has them).
    pub marker: Option<Marker>,
    pub text: String,
}

impl LegendItem {
    pub fn css_colour(&self) -> String {
        css(self.colour)
    }
}

fn css(c: RGBColor) -> String {
    format!("rgb({}, {}, {})", c.0, c.1, c.2)
}

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

/// The fitted curve in `view` from 1 to its last fitted worker count, sampled finely enough to
/// look smooth: time serial × (f + (1 − f)/k), speedup S(k), efficiency S(k)/k.
fn fitted(fit: &AmdahlFit, serial_ms: f64, view: View) -> Vec<(f64, f64)> {
    const STEPS_PER_WORKER: usize = 20;
    (0..=(fit.up_to - 1) * STEPS_PER_WORKER)
        .map(|i| {
            let k = 1.0 + i as f64 / STEPS_PER_WORKER as f64;
            let s = fit.speedup(k);
            let y = match view {
                View::Time => serial_ms / s,
                View::Speedup => s,
                View::Efficiency => s / k,
            };
            (k, y)
        })
        .collect()
}

/// Whether set `i` draws an ideal line: in the time view each set with a serial baseline has
/// its own; speedup and efficiency have one ideal for all, drawn with the first set.
fn draws_ideal(i: usize, set: &Set, view: View) -> bool {
    match view {
        View::Time => set.serial().is_some(),
        View::Speedup | View::Efficiency => i == 0,
    }
}

fn draws_cores(set: &Set, max_workers: usize) -> bool {
    set.cores_marker && set.cores <= max_workers
}

/// The legend in rows: the reference lines first, then a row per series with its fitted curve.
/// The page lists it under a phone's chart; wider charts draw it in a band below the plot.
pub fn legend(sets: &[Set], view: View, max_workers: usize) -> Vec<Vec<LegendItem>> {
    let item = |colour, stroke, width, marker, text| LegendItem {
        colour,
        stroke,
        width,
        marker,
        text,
    };
    let mut references = Vec::new();
    let mut rows = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let line = set.line();
        if draws_ideal(i, set, view) {
            let name = match view {
                View::Time => set.name(view.ideal_name()),
                View::Speedup | View::Efficiency => view.ideal_name().to_string(),
            };
            references.push(item(GREY, line, 1, None, name));
        }
        if let (View::Time, Some(s)) = (view, set.serial()) {
            let name = set.name(&format!("serial {s:.0} ms"));
            references.push(item(GREY, line, 2, None, name));
        }
        if draws_cores(set, max_workers) {
            let name = set.name(&format!("hardwareConcurrency = {}", set.cores));
            references.push(item(CORES, line, 1, None, name));
        }
        for Series { mode, fit, .. } in set.series(view) {
            let marker = Some(Marker::of(mode));
            let mut row = vec![item(colour(mode), line, 2, marker, set.name(mode.label()))];
            if let Some(fit) = fit {
                let text = fits::legend_text(&fit);
                row.push(item(fit_colour(mode), Stroke::Dotted, 2, None, text));
            }
            if set.predicted(mode, view).is_some() {
                row.push(item(
                    colour(mode),
                    Stroke::Dotted,
                    1,
                    None,
                    "predicted".into(),
                ));
            }
            rows.push(row);
        }
    }
    if !references.is_empty() {
        rows.insert(0, references);
    }
    rows
}

/// Draws the chart in `frame`: the plot, the legend band under it (unless narrow) and the
/// caption above it (if any).
pub fn render(sets: &[Set], view: View, max_workers: usize, frame: Frame) -> Result<Drawn, String> {
    let Frame {
        size: (width, plot_height),
        caption,
        fit,
        name,
    } = frame;
    let narrow = width < 500;
    let plot = plot(sets, view, max_workers, (width, plot_height), narrow)
        .map_err(|e| format!("the chart could not be drawn: {e}"))?;
    let (head, head_height) = caption.map_or((String::new(), 0), |c| caption_band(c, width));
    let (band, band_height) = if narrow {
        (String::new(), 0)
    } else {
        legend_band(&legend(sets, view, max_workers), width)
    };
    let height = head_height + plot_height + band_height;
    let title = caption.map_or_else(|| view.chart_title(), |c| c.title.clone());
    let mut size = if fit {
        format!("viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\"")
    } else {
        format!("width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"")
    };
    if let Some((label, described_by)) = name {
        if !fit {
            size.push_str(" role=\"img\"");
        }
        write!(
            size,
            " aria-label=\"{}\" aria-describedby=\"{}\"",
            escape(label),
            escape(described_by)
        )
        .expect("writing to a String");
    }
    let mut svg = format!(
        "<svg {size} xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\">\
         <title>{}</title><rect width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>",
        escape(&title)
    );
    if caption.is_some() {
        write!(svg, "<g class=\"caption\">{head}</g>").expect("writing to a String");
    }
    write!(
        svg,
        "<g class=\"plot\" transform=\"translate(0 {head_height})\">{plot}</g>"
    )
    .expect("writing to a String");
    if !narrow {
        write!(
            svg,
            "<g class=\"legend\" transform=\"translate(0 {})\">{band}</g>",
            head_height + plot_height
        )
        .expect("writing to a String");
    }
    svg.push_str("</svg>");
    Ok(Drawn {
        svg,
        size: (width, height),
    })
}

/// Text made safe inside SVG markup.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The width of `text` in px at `size`, as the page lays it out. Measuring makes the page lay
/// out a probe, and the chart is drawn again on every change of the page's state, so widths
/// are kept.
fn text_width(text: &str, size: u32) -> u32 {
    thread_local! {
        static WIDTHS: RefCell<HashMap<(String, u32), u32>> = RefCell::default();
    }
    let key = (text.to_string(), size);
    if let Some(width) = WIDTHS.with_borrow(|w| w.get(&key).copied()) {
        return width;
    }
    let width = ("sans-serif", size).into_font().box_size(text).map_or_else(
        |_| (text.chars().count() as f64 * 0.56 * f64::from(size)) as u32,
        |b| b.0,
    );
    WIDTHS.with_borrow_mut(|w| w.insert(key, width));
    width
}

/// `text` broken at spaces into lines no wider than `width` px.
fn wrap(text: &str, size: u32, width: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), size) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// An SVG `<text>` with its baseline at `y`.
fn text(x: u32, y: u32, size: u32, fill: &str, bold: bool, text: &str) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" fill=\"{fill}\"{}>{}</text>",
        if bold { " font-weight=\"bold\"" } else { "" },
        escape(text)
    )
}

const SIDE: u32 = 16;

/// The title and caption lines, wrapped to the chart's width: (SVG, height).
fn caption_band(caption: &Caption, width: u32) -> (String, u32) {
    let (title_size, size) = (18, 13);
    let room = width - 2 * SIDE;
    let mut svg = String::new();
    let mut y = 12 + title_size + 4;
    svg += &text(SIDE, y, title_size, TEXT, true, &caption.title);
    y += 4;
    for line in caption.lines.iter().flat_map(|l| wrap(l, size, room)) {
        y += size + 5;
        svg += &text(SIDE, y, size, MUTED, false, &line);
    }
    (svg, y + 6)
}

/// A legend swatch 26 px wide, centred on `y`.
fn swatch(item: &LegendItem, x: u32, y: u32) -> String {
    let dash = match item.stroke {
        Stroke::Solid => String::new(),
        Stroke::Dashed => format!(" stroke-dasharray=\"{DASHED}\""),
        Stroke::Dotted => format!(" stroke-dasharray=\"{DOTTED}\" stroke-linecap=\"round\""),
    };
    let colour = css(item.colour);
    let mut svg = format!(
        "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"{}\"{dash}/>",
        x + 26,
        item.width
    );
    if let Some(marker) = item.marker {
        let fill = if item.stroke == Stroke::Solid {
            colour.as_str()
        } else {
            "#FFFFFF"
        };
        svg += &marker.svg(x as i32 + 13, y as i32, fill, &colour);
    }
    svg
}

/// The legend as a band of rows under the plot: each row's items side by side, the series'
/// fitted curves lined up in a column, and an item that does not fit the width on a line of
/// its own. Returns (SVG, height).
fn legend_band(rows: &[Vec<LegendItem>], width: u32) -> (String, u32) {
    const GAP: u32 = 28;
    let size = 14;
    let (left, right) = (SIDE + 8, width - SIDE);
    let line_height = size + 9;
    let item_width = |item: &LegendItem| 34 + text_width(&item.text, size);
    // The fitted curves' column starts after the widest series name.
    let column = rows
        .iter()
        .filter(|row| row.first().is_some_and(|item| item.marker.is_some()))
        .map(|row| left + item_width(&row[0]) + GAP)
        .max()
        .unwrap_or(left);
    let mut svg = String::new();
    let mut y = 4 + line_height / 2;
    for row in rows {
        let mut x = left;
        for (i, item) in row.iter().enumerate() {
            if i == 1 && item.stroke == Stroke::Dotted {
                x = x.max(column);
            }
            if i > 0 && x + item_width(item) > right {
                // A series' fitted curve goes under its name; other entries start the line.
                let indent = if item.stroke == Stroke::Dotted { 34 } else { 0 };
                (x, y) = (left + indent, y + line_height);
            }
            svg += &swatch(item, x, y);
            svg += &text(x + 34, y + size * 7 / 20, size, TEXT, false, &item.text);
            x += item_width(item) + GAP;
        }
        y += line_height;
    }
    (svg, y - line_height / 2 + 8)
}

/// The plot, drawn by plotters, with the fitted curves over it: the inside of an SVG element.
fn plot(
    sets: &[Set],
    view: View,
    max_workers: usize,
    size: (u32, u32),
    narrow: bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    let mut curves = String::new();
    {
        let root = Svg(SVGBackend::with_string(&mut svg, size)).into_drawing_area();
        root.fill(&WHITE)?;
        let chart = axes(&root, sets, view, max_workers, narrow)?;
        curves += &draw_series(&chart, sets, view, max_workers);
        for set in sets {
            let Some(serial) = set.serial() else {
                continue;
            };
            for Series { mode, fit, .. } in set.series(view) {
                let Some(fit) = fit else { continue };
                let points = pixels(&chart, &fitted(&fit, serial, view));
                write!(
                    curves,
                    "<polyline class=\"fit\" data-mode=\"{}\" data-whose=\"{}\" points=\"{}\" \
                     fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-linecap=\"round\" \
                     stroke-dasharray=\"{DOTTED}\"/>",
                    mode.key(),
                    set.whose.unwrap_or("mine"),
                    points,
                    css(fit_colour(mode))
                )
                .expect("writing to a String");
            }
        }
        // Each point's marker, its mode's shape: a link's hollow, this page's filled.
        for set in sets {
            for Series { mode, values, .. } in set.series(view) {
                let stroke = css(colour(mode));
                let fill = if set.dashed {
                    "#FFFFFF"
                } else {
                    stroke.as_str()
                };
                for p in &values {
                    let (x, y) = chart.backend_coord(p);
                    curves += &Marker::of(mode).svg(x, y, fill, &stroke);
                }
            }
        }
        root.present()?;
    }
    // plotters writes a whole document: keep what is inside its <svg> element.
    let start = svg.find('>').map_or(0, |i| i + 1);
    let end = svg.rfind("</svg>").unwrap_or(svg.len());
    Ok(format!("{}{curves}", &svg[start..end]))
}

/// The plot: workers across, the view's value up, both continuous.
type Chart<'a, 'b> = ChartContext<'a, Svg<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The axes and their mesh, scaled to every value drawn.
fn axes<'a, 'b>(
    root: &'a DrawingArea<Svg<'b>, plotters::coord::Shift>,
    sets: &[Set],
    view: View,
    max_workers: usize,
    narrow: bool,
) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
    // plotters writes a font of size n as n ÷ 1.24 px: a phone's chart text is 12 px.
    let font = 15;
    let max_k = max_workers.max(1) as f64;
    let top = sets
        .iter()
        .flat_map(|set| set.series(view))
        .flat_map(|s| s.values.into_iter().map(|p| p.1))
        .chain(
            sets.iter()
                .filter_map(Set::serial)
                .filter(|_| view == View::Time),
        )
        .chain(match view {
            View::Time => None,
            View::Speedup => Some(max_k),
            View::Efficiency => Some(1.0),
        })
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    // Times in seconds once the axis passes one: its name says which.
    let seconds = view == View::Time && top >= 1000.0;
    let y_desc = match view {
        View::Time if seconds => "elapsed (s)",
        View::Time => "elapsed (ms)",
        View::Speedup => "speedup over serial (×)",
        View::Efficiency => "efficiency (speedup ÷ workers)",
    };
    let mut chart = ChartBuilder::on(root)
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
            let y = if seconds { y / 1000.0 } else { *y };
            format!("{y:.2}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        })
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font))
        .light_line_style(RGBColor(238, 240, 244))
        .draw()?;
    Ok(chart)
}

/// How lines are dashed, as SVG's `stroke-dasharray`: a link's lines 6 px on, 4 off; a
/// prediction 2 on, 3 off.
const DASHED: &str = "6 4";
const PREDICTED: &str = "2 3";
/// A fitted curve's dots: round caps 4.5 px apart.
const DOTTED: &str = "0.1 4.5";

/// A line through `points` as one `<polyline>`, its dashes (if any) left to the browser:
/// plotters' own dashed series writes every dash as an element of its own, which made a link's
/// chart over a thousand workers hundreds of kilobytes.
fn line(
    out: &mut String,
    chart: &Chart,
    points: &[(f64, f64)],
    (colour, width): (RGBColor, u32),
    dash: Option<&str>,
) {
    let dash = dash.map_or(String::new(), |d| format!(" stroke-dasharray=\"{d}\""));
    write!(
        out,
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{dash} points=\"{}\"/>",
        css(colour),
        pixels(chart, points)
    )
    .expect("writing to a String");
}

/// `points` in the chart's pixels, as a polyline's `points`: of the points that fall in one
/// pixel column only the first, the highest, the lowest and the last are kept, in their order,
/// which draws the same line. A curve sampled twenty times per worker over a thousand workers
/// is then a few hundred points, not twenty thousand.
fn pixels(chart: &Chart, points: &[(f64, f64)]) -> String {
    let mut kept: Vec<(i32, i32)> = Vec::new();
    let mut column: Vec<(i32, i32)> = Vec::new();
    let mut flush = |column: &mut Vec<(i32, i32)>| {
        let ys = || column.iter().enumerate().map(|(i, &(_, y))| (y, i));
        let (Some((_, top)), Some((_, bottom))) = (ys().min(), ys().max()) else {
            return;
        };
        let mut ends = [0, top, bottom, column.len() - 1];
        ends.sort_unstable();
        for i in ends {
            if kept.last() != Some(&column[i]) {
                kept.push(column[i]);
            }
        }
        column.clear();
    };
    for p in points {
        let p = chart.backend_coord(p);
        if column.first().is_some_and(|c| c.0 != p.0) {
            flush(&mut column);
        }
        column.push(p);
    }
    flush(&mut column);
    let kept: Vec<String> = kept.iter().map(|(x, y)| format!("{x},{y}")).collect();
    kept.join(" ")
}

/// Every set's reference lines and measured series, as the legend lists them.
fn draw_series(chart: &Chart, sets: &[Set], view: View, max_workers: usize) -> String {
    let mut out = String::new();
    let max_k = max_workers.max(1) as f64;
    let top = chart.y_range().end;
    for (i, set) in sets.iter().enumerate() {
        let dash = set.dashed.then_some(DASHED);
        let serial = set.serial();
        if draws_ideal(i, set, view) {
            let ideal: Vec<(f64, f64)> = (1..=max_workers)
                .filter_map(|k| {
                    let k = k as f64;
                    let y = match view {
                        View::Time => serial? / k,
                        View::Speedup => k,
                        View::Efficiency => 1.0,
                    };
                    Some((k, y))
                })
                .collect();
            line(&mut out, chart, &ideal, (GREY, 1), dash);
        }
        if let (View::Time, Some(s)) = (view, serial) {
            line(
                &mut out,
                chart,
                &[(0.5, s), (max_k + 0.5, s)],
                (GREY, 2),
                dash,
            );
        }
        if draws_cores(set, max_workers) {
            let hc = set.cores as f64;
            line(&mut out, chart, &[(hc, 0.0), (hc, top)], (CORES, 1), dash);
        }
        for Series { mode, values, .. } in set.series(view) {
            if let Some(predicted) = set.predicted(mode, view) {
                line(
                    &mut out,
                    chart,
                    &predicted,
                    (colour(mode), 1),
                    Some(PREDICTED),
                );
            }
            line(&mut out, chart, &values, (colour(mode), 2), dash);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{Point, Summary};

    const SHARED: Mode = Mode::Shared { gil: false };
    const GIL: Mode = Mode::Shared { gil: true };

    fn point(mode: Mode, workers: usize, ms: f64) -> PointSummary {
        PointSummary {
            point: Point { mode, workers },
            summary: Summary {
                median_ms: ms,
                min_ms: ms,
                max_ms: ms,
                samples: 1,
            },
        }
    }

    /// A sweep on 2 cores: serial 100 ms, threads halving it, the GIL not.
    fn set(whose: Option<&'static str>, dashed: bool) -> Set {
        Set {
            whose,
            dashed,
            cores_marker: true,
            points: vec![
                point(Mode::MainThread, 1, 100.0),
                point(SHARED, 1, 100.0),
                point(SHARED, 2, 50.0),
                point(GIL, 1, 100.0),
                point(GIL, 2, 100.0),
            ],
            modes: vec![SHARED, GIL],
            cores: 2,
            predicted: None,
        }
    }

    fn texts(rows: &[Vec<LegendItem>]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(|i| i.text.clone()).collect())
            .collect()
    }

    #[test]
    fn the_legend_lists_references_first_then_each_series_with_its_fit() {
        let rows = legend(&[set(None, false)], View::Time, 4);
        let rows = texts(&rows);
        assert_eq!(
            rows[0],
            [
                "ideal (serial ÷ workers)",
                "serial 100 ms",
                "hardwareConcurrency = 2"
            ]
        );
        assert_eq!(rows[1][0], "shared memory");
        assert!(
            rows[1][1].starts_with("Amdahl fit over 1–2 workers"),
            "{rows:?}"
        );
        assert_eq!(rows[2][0], GIL.label());
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn two_sweeps_are_named_mine_and_theirs_and_share_one_ideal_in_speedup() {
        let rows = legend(
            &[set(Some("mine"), false), set(Some("theirs"), true)],
            View::Speedup,
            4,
        );
        let references = &rows[0];
        let ideals = references
            .iter()
            .filter(|i| i.text.starts_with("ideal"))
            .count();
        assert_eq!(ideals, 1);
        assert!(
            references
                .iter()
                .any(|i| i.text == "hardwareConcurrency = 2 (theirs)")
        );
        let series: Vec<_> = rows[1..]
            .iter()
            .map(|r| (r[0].text.clone(), r[0].stroke))
            .collect();
        assert!(series.contains(&(format!("{} (mine)", SHARED.label()), Stroke::Solid)));
        assert!(series.contains(&(format!("{} (theirs)", SHARED.label()), Stroke::Dashed)));
    }

    #[test]
    fn a_cores_marker_past_the_axis_is_left_out() {
        let rows = texts(&legend(&[set(None, false)], View::Time, 1));
        assert!(!rows[0].iter().any(|t| t.starts_with("hardwareConcurrency")));
    }

    #[test]
    fn the_plot_marks_each_point_in_its_modes_shape_hollow_for_a_link() {
        let frame = Frame {
            size: (900, 460),
            ..Frame::default()
        };
        let mine = render(&[set(None, false)], View::Time, 2, frame)
            .unwrap()
            .svg;
        assert_eq!(
            mine.matches("data-shape=\"●\"").count(),
            2 + 1,
            "2 points and the legend's"
        );
        assert_eq!(mine.matches("data-shape=\"▲\"").count(), 2 + 1);
        assert!(!mine.contains("fill=\"#FFFFFF\" stroke=\"rgb(47, 111, 222)\""));
        let theirs = render(&[set(None, true)], View::Time, 2, frame)
            .unwrap()
            .svg;
        assert!(theirs.contains("fill=\"#FFFFFF\" stroke=\"rgb(47, 111, 222)\""));
        // The fit of each mode, over 1 to the cores.
        assert_eq!(mine.matches("class=\"fit\"").count(), 2);
    }

    #[test]
    fn a_links_lines_are_one_dashed_element_each_however_many_workers_they_cross() {
        let frame = Frame {
            size: (900, 460),
            ..Frame::default()
        };
        let dashed = "stroke-dasharray=\"6 4\" points=";
        for max_workers in [4, 1024] {
            let theirs = render(&[set(None, true)], View::Time, max_workers, frame)
                .unwrap()
                .svg;
            // The ideal, the serial time, the cores and the two series.
            assert_eq!(theirs.matches(dashed).count(), 5, "{max_workers} workers");
            let mine = render(&[set(None, false)], View::Time, max_workers, frame)
                .unwrap()
                .svg;
            // Dashes cost an attribute per line, and hollow markers a few bytes each.
            assert!(theirs.len() < mine.len() + 500, "{} bytes", theirs.len());
            assert_eq!(mine.matches(dashed).count(), 0);
            // The series' lines (plotters' mesh is drawn in polylines too, with an opacity).
            let lines = "<polyline fill=\"none\" stroke=";
            assert_eq!(mine.matches(lines).count(), 5, "{max_workers} workers");
        }
    }

    #[test]
    fn a_curve_over_a_thousand_workers_keeps_a_few_points_per_pixel_column() {
        let frame = Frame {
            size: (900, 460),
            ..Frame::default()
        };
        let mut wide = set(None, false);
        wide.points = std::iter::once(point(Mode::MainThread, 1, 1000.0))
            .chain((0..=10).map(|e| 1 << e).map(|k| {
                let amdahl = 1000.0 * (0.05 + 0.95 / k as f64);
                point(SHARED, k, amdahl)
            }))
            .collect();
        wide.modes = vec![SHARED];
        let svg = render(&[wide], View::Time, 1024, frame).unwrap().svg;
        let fit = svg.split("<polyline class=\"fit\"").nth(1).expect("a fit");
        let points = fit
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let xy: Vec<(i32, i32)> = (points.split(' '))
            .map(|p| p.split_once(',').unwrap())
            .map(|(x, y)| (x.parse().unwrap(), y.parse().unwrap()))
            .collect();
        let columns = xy.last().unwrap().0 - xy[0].0 + 1;
        assert!(xy.len() <= 2 * columns as usize, "{} points", xy.len());
        assert!(xy.windows(2).all(|w| w[0].0 <= w[1].0), "left to right");
        // The curve falls from the serial time: its first column holds its whole steep start.
        let first: Vec<i32> = (xy.iter())
            .filter(|p| p.0 == xy[0].0)
            .map(|p| p.1)
            .collect();
        assert!(first.len() == 2 && first[0] < first[1], "{first:?}");
        assert!(svg.len() < 60_000, "{} bytes", svg.len());
    }

    #[test]
    fn times_past_a_second_are_labelled_in_seconds() {
        let frame = Frame {
            size: (900, 460),
            ..Frame::default()
        };
        let mut slow = set(None, false);
        for p in &mut slow.points {
            p.summary.median_ms *= 20.0;
        }
        assert!(
            render(&[slow], View::Time, 2, frame)
                .unwrap()
                .svg
                .contains("elapsed (s)")
        );
        let fast = render(&[set(None, false)], View::Time, 2, frame)
            .unwrap()
            .svg;
        assert!(fast.contains("elapsed (ms)"));
        let speedup = render(&[set(None, false)], View::Speedup, 2, frame)
            .unwrap()
            .svg;
        assert!(speedup.contains("speedup over serial"));
    }

    #[test]
    fn a_phone_chart_leaves_the_legend_to_the_page_and_a_caption_goes_on_top() {
        let caption = Caption {
            title: "A <title> & more".into(),
            lines: vec!["measured here".into()],
        };
        let narrow = render(
            &[set(None, false)],
            View::Time,
            2,
            Frame {
                size: (320, 300),
                caption: Some(&caption),
                ..Frame::default()
            },
        )
        .unwrap();
        assert!(!narrow.svg.contains("<g class=\"legend\""));
        assert!(
            narrow
                .svg
                .contains("<title>A &lt;title&gt; &amp; more</title>")
        );
        assert!(narrow.svg.contains(">measured here<"));
        assert!(narrow.size.1 > 300, "the caption adds to the height");
        let wide = render(
            &[set(None, false)],
            View::Time,
            2,
            Frame {
                size: (900, 460),
                ..Frame::default()
            },
        )
        .unwrap();
        assert!(wide.svg.contains("<g class=\"legend\""));
        assert!(wide.size.1 > 460, "the legend band adds to the height");
    }
}
