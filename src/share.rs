//! Share links: the bench's configuration and, when it has them, a sweep's results with the facts
//! of the machine that measured them, carried in a URL fragment (no server sees them).
//!
//! A link reads `#v1.` followed by base64url (RFC 4648, no padding) of the link's fields in
//! postcard's compact binary form and a CRC-32 of them. One part may follow the fields, under the
//! same CRC: the script, when the workload is one, or else what the sweep's predictions were made
//! from, when it has them. Links made before these end where they begin, so the format is still
//! `v1`. The decoder is strict: it takes a link whole or not at all, and every refusal says why —
//! damaged, truncated, made by a newer corescope, or a value outside its limit (named, never
//! clamped).

use crate::experiment::PresetId;
use crate::machine::{Date, Machine};
use crate::predict::Costs;
use crate::run::Mode;
use crate::settings::{
    self, BENCH_MODES, Limit, MAX_HARDWARE_CONCURRENCY, MAX_TASKS, MAX_WORKERS, Settings, View,
};
use crate::sweep::{Point, PointSummary, Summary};
use crate::timeline::{Bar, Kind, Lane, Timeline};
use crate::workloads::script;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The format this page writes and the newest it reads.
pub const VERSION: u32 = 1;
/// Longer fragments are refused before any decoding: a full sweep on a 256-core machine fits.
pub const MAX_LINK_CHARS: usize = 16_384;
/// The longest time a link may carry: an hour, in nanoseconds.
pub const MAX_NS: u64 = 3_600 * 1_000_000_000;
/// The same hour in microseconds, which timelines and predictions' costs travel in.
pub const MAX_US: u64 = MAX_NS / 1000;
/// The browser's name and version, as the page shows it.
pub const MAX_BROWSER_CHARS: usize = 40;
/// How many worker numbers a timeline's lanes may use (0 up to one less): one per worker a page
/// starts, or one per task for a worker per task.
pub const WORKER_NUMBERS: usize = if MAX_WORKERS > MAX_TASKS {
    MAX_WORKERS
} else {
    MAX_TASKS
};
/// The most bars a link's timeline may have (a GIL run of ten tasks has a few hundred).
pub const MAX_TIMELINE_BARS: usize = 1_500;

/// The configuration a link reproduces: the bench's settings, the quick run's worker count and
/// the selected preset.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub settings: Settings,
    /// The quick run's workers.
    pub workers: usize,
    pub preset: PresetId,
}

/// A sweep's results as they travel: the machine, each point's summary and what its
/// predictions were made from.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    pub machine: Machine,
    pub points: Vec<PointSummary>,
    /// What the sweep's predictions were made from (`sweep::Predictions::costs`), so that the
    /// page that opens the link redraws them: in whole microseconds (`Costs::quantized`), with
    /// the machine's cores (`Machine::cores`), which is how they travel.
    pub costs: Option<Costs>,
}

/// What a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub config: Config,
    pub results: Option<Results>,
    /// One run's timeline, measured on the results' machine (only with results), with its
    /// times in whole microseconds (see `Timeline::quantized`).
    pub timeline: Option<Timeline>,
}

/// Why a link was refused. Each message is written for the page.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    TooLong(usize),
    NotCorescope,
    FutureVersion(u32),
    Damaged(&'static str),
    OutOfRange {
        what: &'static str,
        got: i128,
        min: i128,
        max: i128,
    },
    Invalid(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong(n) => write!(
                f,
                "the link is {n} characters after the #, over the limit of {MAX_LINK_CHARS}"
            ),
            LinkError::NotCorescope => write!(
                f,
                "the part after the # is not a corescope link (they start with #v{VERSION}.)"
            ),
            LinkError::FutureVersion(v) => write!(
                f,
                "the link was made by a newer corescope (format {v}); this page reads format {VERSION}"
            ),
            LinkError::Damaged(why) => write!(f, "the link is damaged or cut short ({why})"),
            LinkError::OutOfRange {
                what,
                got,
                min,
                max,
            } => write!(
                f,
                "{what} must be between {min} and {max}; the link says {got}"
            ),
            LinkError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// The fields as postcard writes them: small integers (varints), codes instead of enums.
#[derive(Clone, Serialize, Deserialize)]
struct Wire {
    workload: u8,
    tasks: u16,
    size_percent: u16,
    /// Bit i: `BENCH_MODES[i]`.
    modes: u8,
    repetitions: u8,
    max_workers: u16,
    view: u8,
    workers: u16,
    preset: u8,
    results: Option<WireResults>,
    timeline: Option<WireTimeline>,
}

#[derive(Clone, Serialize, Deserialize)]
struct WireTimeline {
    /// Index into `Mode::ALL`.
    mode: u8,
    elapsed_us: u64,
    lanes: Vec<WireLane>,
}

#[derive(Clone, Serialize, Deserialize)]
struct WireLane {
    worker: u16,
    bars: Vec<WireBar>,
}

#[derive(Clone, Serialize, Deserialize)]
struct WireBar {
    /// Index into `Kind::ALL`.
    kind: u8,
    start_us: i64,
    len_us: u64,
    task: Option<u16>,
}

/// What predictions are made from, after the fields of a built-in workload's link: older links
/// end before it.
#[derive(Clone, Serialize, Deserialize)]
struct WireCosts {
    /// Each serial task's blocking wait and its computing, in µs.
    tasks: Vec<(u64, u64)>,
    startup_us: u64,
    message_us: u64,
}

#[derive(Clone, Serialize, Deserialize)]
struct WireResults {
    hardware_concurrency: u16,
    browser: String,
    cross_origin_isolated: bool,
    date: (u16, u8, u8),
    effective_cores: Option<u16>,
    points: Vec<WirePoint>,
}

#[derive(Clone, Serialize, Deserialize)]
struct WirePoint {
    /// 0: the serial baseline; i + 1: `BENCH_MODES[i]`.
    mode: u8,
    workers: u16,
    median_ns: u64,
    min_ns: u64,
    max_ns: u64,
    samples: u8,
}

fn index_of<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter()
        .position(|y| y == x)
        .expect("a value from the list it is looked up in")
}

fn ns(ms: f64) -> u64 {
    (ms * 1e6).round() as u64
}

/// Bytes `len` after the checksum of a link's fields: CRC-32 (IEEE), little-endian.
const CRC_BYTES: usize = 4;

/// The fragment for `link`, without the `#`. What the predictions were made from is left out
/// where a decoder would refuse it (a time over an hour, or costs that contradict the points);
/// where the link would be longer than a decoder accepts, the timeline is left out, then what
/// the predictions were made from.
pub fn encode(link: &Link) -> String {
    let mut link = link.clone();
    if let Some(r) = &mut link.results
        && (r.costs.as_ref()).is_some_and(|c| {
            !costs_travel(c) || agree_with_their_points(&c.quantized(), r).is_err()
        })
    {
        r.costs = None;
    }
    let text = encode_all(&link);
    if text.len() <= MAX_LINK_CHARS {
        return text;
    }
    link.timeline = None;
    let text = encode_all(&link);
    match &mut link.results {
        Some(r) if text.len() > MAX_LINK_CHARS && r.costs.is_some() => {
            r.costs = None;
            encode_all(&link)
        }
        _ => text,
    }
}

fn us(ms: f64) -> i64 {
    (ms * 1000.0).round() as i64
}

fn wire_timeline(t: &Timeline) -> WireTimeline {
    WireTimeline {
        mode: index_of(&Mode::ALL, &t.mode) as u8,
        elapsed_us: us(t.elapsed_ms).max(0) as u64,
        lanes: t
            .lanes
            .iter()
            .map(|l| WireLane {
                worker: l.worker as u16,
                bars: l
                    .bars
                    .iter()
                    .map(|b| WireBar {
                        kind: index_of(&Kind::ALL, &b.kind) as u8,
                        start_us: us(b.start_ms),
                        len_us: (us(b.end_ms) - us(b.start_ms)).max(0) as u64,
                        task: b.task.map(|t| t as u16),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn encode_all(link: &Link) -> String {
    let c = &link.config.settings;
    let wire = Wire {
        workload: c.workload as u8,
        tasks: c.tasks as u16,
        size_percent: c.size_percent as u16,
        modes: BENCH_MODES
            .iter()
            .enumerate()
            .filter(|(_, m)| c.modes.contains(m))
            .map(|(i, _)| 1 << i)
            .sum(),
        repetitions: c.repetitions as u8,
        max_workers: c.max_workers as u16,
        view: index_of(&View::ALL, &c.view) as u8,
        workers: link.config.workers as u16,
        preset: index_of(&PresetId::ALL, &link.config.preset) as u8,
        results: link.results.as_ref().map(|r| WireResults {
            hardware_concurrency: r.machine.hardware_concurrency as u16,
            browser: r.machine.browser.clone(),
            cross_origin_isolated: r.machine.cross_origin_isolated,
            date: (
                r.machine.date.year,
                r.machine.date.month,
                r.machine.date.day,
            ),
            effective_cores: r.machine.effective_cores.map(|c| c as u16),
            points: r
                .points
                .iter()
                .map(|p| WirePoint {
                    mode: match p.point.mode {
                        Mode::MainThread => 0,
                        m => index_of(&BENCH_MODES, &m) as u8 + 1,
                    },
                    workers: p.point.workers as u16,
                    median_ns: ns(p.summary.median_ms),
                    min_ns: ns(p.summary.min_ms),
                    max_ns: ns(p.summary.max_ms),
                    samples: p.summary.samples as u8,
                })
                .collect(),
        }),
        timeline: link.timeline.as_ref().map(wire_timeline),
    };
    let mut bytes = postcard::to_allocvec(&wire).expect("postcard writes plain structs to a Vec");
    // A script follows the fields, when the link's workload is one, or else what the predictions
    // were made from (older links end before them; the decoder refuses both together).
    if c.workload == settings::SCRIPT_WORKLOAD {
        bytes.extend(postcard::to_allocvec(&c.script).expect("postcard writes a string"));
    }
    if let Some(costs) = link.results.as_ref().and_then(|r| r.costs.as_ref()) {
        // Rounded as `Costs::quantized` rounds: to whole µs, none below 0 (and none not a number).
        let whole_us = |ms: f64| us(ms).max(0) as u64;
        let wire = WireCosts {
            tasks: (costs.tasks.iter())
                .map(|&(wait, cpu)| (whole_us(wait), whole_us(cpu)))
                .collect(),
            startup_us: whole_us(costs.startup_ms),
            message_us: whole_us(costs.message_ms),
        };
        bytes.extend(postcard::to_allocvec(&wire).expect("postcard writes plain structs"));
    }
    bytes.extend_from_slice(&crc32fast::hash(&bytes).to_le_bytes());
    format!("v{VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Reads a fragment (with or without its `#`), all or nothing.
pub fn decode(fragment: &str) -> Result<Link, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong(fragment.len()));
    }
    let (version, body) = fragment
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .ok_or(LinkError::NotCorescope)?;
    if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::NotCorescope);
    }
    match version.parse::<u32>() {
        Ok(v) if v > VERSION => return Err(LinkError::FutureVersion(v)),
        Ok(VERSION) => {}
        _ => return Err(LinkError::NotCorescope),
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| LinkError::Damaged("it has characters a link does not use"))?;
    if bytes.len() < CRC_BYTES {
        return Err(LinkError::Damaged("it is too short"));
    }
    let (fields, crc) = bytes.split_at(bytes.len() - CRC_BYTES);
    if crc32fast::hash(fields).to_le_bytes() != crc {
        return Err(LinkError::Damaged("its checksum does not match"));
    }
    decode_fields(fields)
}

/// Reads and checks a link's fields (the bytes under the checksum).
pub fn decode_fields(bytes: &[u8]) -> Result<Link, LinkError> {
    let (wire, rest): (Wire, &[u8]) = postcard::take_from_bytes(bytes)
        .map_err(|_| LinkError::Damaged("its fields do not read"))?;
    let (script, rest) = if usize::from(wire.workload) == settings::SCRIPT_WORKLOAD {
        let (source, rest): (String, &[u8]) = postcard::take_from_bytes(rest)
            .map_err(|_| LinkError::Damaged("its script does not read"))?;
        script::check_size(&source).map_err(LinkError::Invalid)?;
        script::check_text(&source).map_err(LinkError::Invalid)?;
        (Some(source), rest)
    } else {
        (None, rest)
    };
    let (costs, rest): (Option<WireCosts>, &[u8]) = if rest.is_empty() {
        (None, rest)
    } else {
        let (costs, rest) = postcard::take_from_bytes(rest)
            .map_err(|_| LinkError::Damaged("what its predictions were made from does not read"))?;
        (Some(costs), rest)
    };
    if !rest.is_empty() {
        return Err(LinkError::Damaged("it has bytes after its last field"));
    }
    check(wire, script, costs)
}

fn range(
    what: &'static str,
    got: impl Into<i128>,
    min: impl Into<i128>,
    max: impl Into<i128>,
) -> Result<(), LinkError> {
    let (got, min, max) = (got.into(), min.into(), max.into());
    if (min..=max).contains(&got) {
        Ok(())
    } else {
        Err(LinkError::OutOfRange {
            what,
            got,
            min,
            max,
        })
    }
}

/// Checks a setting against its limit, named as the page names it.
fn within(limit: Limit, got: impl Into<i128>) -> Result<(), LinkError> {
    range(limit.what, got, limit.min as u64, limit.max as u64)
}

fn check(w: Wire, script: Option<String>, costs: Option<WireCosts>) -> Result<Link, LinkError> {
    within(settings::WORKLOAD, w.workload)?;
    within(settings::TASKS, w.tasks)?;
    within(settings::SIZE_PERCENT, w.size_percent)?;
    let all_modes = (1u64 << BENCH_MODES.len()) - 1;
    range("the engine set", w.modes, 0, all_modes)?;
    within(settings::REPETITIONS, w.repetitions)?;
    // 0 is the page's maximum; a page checks the rest against its own cores.
    within(
        Limit {
            min: 0,
            ..settings::top_workers_limit(MAX_WORKERS)
        },
        w.max_workers,
    )?;
    range("the chart view", w.view, 0, View::ALL.len() as u64 - 1)?;
    range("the quick run's workers", w.workers, 1, MAX_WORKERS as u64)?;
    range(
        "the preset number",
        w.preset,
        0,
        PresetId::ALL.len() as u64 - 1,
    )?;
    let modes: Vec<Mode> = BENCH_MODES
        .iter()
        .enumerate()
        .filter(|(i, _)| w.modes & (1 << i) != 0)
        .map(|(_, &m)| m)
        .collect();
    let config = Config {
        settings: Settings {
            workload: w.workload.into(),
            tasks: w.tasks.into(),
            size_percent: w.size_percent.into(),
            modes,
            repetitions: w.repetitions.into(),
            max_workers: w.max_workers.into(),
            view: View::ALL[usize::from(w.view)],
            script: script.unwrap_or_else(|| Settings::default().script),
        },
        workers: w.workers.into(),
        preset: PresetId::ALL[usize::from(w.preset)],
    };
    config
        .settings
        .job()
        .check_memory()
        .map_err(|why| LinkError::Invalid(format!("the link's sweep is too large: {why}")))?;
    let mut results = w.results.map(|r| check_results(r, &config)).transpose()?;
    match (costs, &mut results) {
        (None, _) => {}
        (Some(_), None) => {
            return Err(LinkError::Invalid(
                "the link has what predictions are made from without the machine they were \
                 measured on"
                    .into(),
            ));
        }
        (Some(costs), Some(results)) => {
            results.costs = Some(check_costs(costs, &config, results)?);
        }
    }
    let timeline = match (w.timeline, &results) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(LinkError::Invalid(
                "the link has a timeline without the machine it was measured on".into(),
            ));
        }
        (Some(t), Some(_)) => Some(Timeline {
            script: config.settings.workload == settings::SCRIPT_WORKLOAD,
            ..check_timeline(t)?
        }),
    };
    // A bar's task is one of the sweep's.
    for task in timeline
        .iter()
        .flat_map(|t| t.bars())
        .filter_map(|b| b.task)
    {
        range(
            "a timeline bar's task number (from 0, under the link's task count)",
            task as u64,
            0,
            config.settings.tasks as u64 - 1,
        )?;
    }
    Ok(Link {
        config,
        results,
        timeline,
    })
}

fn check_timeline(t: WireTimeline) -> Result<Timeline, LinkError> {
    range(
        "the timeline's engine",
        t.mode,
        0,
        Mode::ALL.len() as u64 - 1,
    )?;
    range("the timeline's elapsed time (µs)", t.elapsed_us, 0, MAX_US)?;
    range(
        "the timeline's lanes",
        t.lanes.len() as u64,
        0,
        MAX_WORKERS as u64,
    )?;
    let bars: usize = t.lanes.iter().map(|l| l.bars.len()).sum();
    range(
        "the timeline's bars",
        bars as u64,
        0,
        MAX_TIMELINE_BARS as u64,
    )?;
    let ms = |us: i64| us as f64 / 1000.0;
    let mut lanes: Vec<Lane> = Vec::with_capacity(t.lanes.len());
    for lane in t.lanes {
        range(
            "a lane's worker number",
            lane.worker,
            0,
            WORKER_NUMBERS as u64 - 1,
        )?;
        if lanes.last().is_some_and(|l| l.worker >= lane.worker.into()) {
            return Err(LinkError::Invalid(
                "the timeline's lanes are not in worker order".into(),
            ));
        }
        let mut end = i64::MIN;
        let mut bars = Vec::with_capacity(lane.bars.len());
        for b in lane.bars {
            range("a bar's kind", b.kind, 0, Kind::ALL.len() as u64 - 1)?;
            // Start-up bars begin before the run's clock: up to an hour either side of it.
            range(
                "a bar's start (µs from the run's start)",
                b.start_us,
                -(MAX_US as i64),
                MAX_US,
            )?;
            range("a bar's length (µs)", b.len_us, 0, MAX_US)?;
            if b.start_us < end {
                return Err(LinkError::Invalid(format!(
                    "two bars of worker {}'s lane overlap",
                    lane.worker
                )));
            }
            end = b.start_us + b.len_us as i64;
            bars.push(Bar {
                kind: Kind::ALL[usize::from(b.kind)],
                start_ms: ms(b.start_us),
                end_ms: ms(end),
                task: b.task.map(usize::from),
            });
        }
        lanes.push(Lane {
            worker: lane.worker.into(),
            bars,
        });
    }
    Ok(Timeline {
        mode: Mode::ALL[usize::from(t.mode)],
        lanes,
        elapsed_ms: ms(t.elapsed_us as i64),
        script: false,
    })
}

/// Whether every time in `c` is within the hour a link carries.
fn costs_travel(c: &Costs) -> bool {
    let c = c.quantized();
    let hour = MAX_US as f64 / 1000.0;
    (c.tasks.iter().flat_map(|&(wait, cpu)| [wait, cpu]))
        .chain([c.startup_ms, c.message_ms])
        .all(|ms| ms <= hour)
}

fn check_costs(c: WireCosts, config: &Config, results: &Results) -> Result<Costs, LinkError> {
    if results.points.is_empty() {
        return Err(LinkError::Invalid(
            "the link has what predictions are made from without a point to predict".into(),
        ));
    }
    if config.settings.workload == settings::SCRIPT_WORKLOAD {
        return Err(LinkError::Invalid(
            "the link has predictions for a script, which the page does not predict".into(),
        ));
    }
    if c.tasks.len() != config.settings.tasks {
        return Err(LinkError::Invalid(format!(
            "the link's predictions are made from {} tasks, but its sweep has {}",
            c.tasks.len(),
            config.settings.tasks
        )));
    }
    for &(wait, cpu) in &c.tasks {
        range("a serial task's wait (µs)", wait, 0, MAX_US)?;
        range("a serial task's computing (µs)", cpu, 0, MAX_US)?;
    }
    range("a worker's start-up (µs)", c.startup_us, 0, MAX_US)?;
    range("a batch's messaging (µs)", c.message_us, 0, MAX_US)?;
    let ms = |us: u64| us as f64 / 1000.0;
    let costs = Costs {
        tasks: (c.tasks.into_iter())
            .map(|(wait, cpu)| (ms(wait), ms(cpu)))
            .collect(),
        cores: results.machine.cores(),
        startup_ms: ms(c.startup_us),
        message_ms: ms(c.message_us),
    };
    agree_with_their_points(&costs, results)?;
    Ok(costs)
}

/// How far, at most, a serial run's tasks may add up to from its point's times: the costs are
/// read from one of its repetitions' timelines, which took between the point's fastest and
/// slowest; half and twice those, and the clock's resolution, leave room for what a timeline
/// leaves out between its bars.
const SERIAL_SLACK_MS: f64 = 2.0;

/// Refuses costs that contradict the link's own measurements: costs need the serial point they
/// were read from, tasks that took some time, a sum of tasks near that point's time, and a
/// worker start-up above 0 where fresh pools were measured (each starts its workers).
fn agree_with_their_points(costs: &Costs, results: &Results) -> Result<(), LinkError> {
    let Some(serial) = (results.points.iter()).find(|p| p.point.mode == Mode::MainThread) else {
        return Err(LinkError::Invalid(
            "the link has what predictions are made from, but not the serial point they were \
             measured in"
                .into(),
        ));
    };
    let (wait, cpu) = (costs.tasks.iter()).fold((0.0, 0.0), |(w, c), t| (w + t.0, c + t.1));
    if wait + cpu <= 0.0 {
        return Err(LinkError::Invalid(
            "the link's predictions are made from tasks that took no time (computing 0 ms, \
             waiting 0 ms), which no sweep measures"
                .into(),
        ));
    }
    let s = serial.summary;
    let (lo, hi) = (
        s.min_ms / 2.0 - SERIAL_SLACK_MS,
        2.0 * s.max_ms + SERIAL_SLACK_MS,
    );
    if !(lo..=hi).contains(&(wait + cpu)) {
        return Err(LinkError::Invalid(format!(
            "the link's serial tasks add up to {:.1} ms (computing {cpu:.1} ms, waiting \
             {wait:.1} ms), but its serial point took {:.1} to {:.1} ms",
            wait + cpu,
            s.min_ms,
            s.max_ms
        )));
    }
    let fresh = (results.points.iter()).any(|p| p.point.mode == Mode::Pool { reuse: false });
    if fresh && costs.startup_ms <= 0.0 {
        return Err(LinkError::Invalid(format!(
            "the link measured {} but says a worker starts in 0 µs",
            Mode::Pool { reuse: false }.label()
        )));
    }
    Ok(())
}

fn check_results(r: WireResults, config: &Config) -> Result<Results, LinkError> {
    range(
        "hardwareConcurrency",
        r.hardware_concurrency,
        1,
        MAX_HARDWARE_CONCURRENCY as u64,
    )?;
    let cores = usize::from(r.hardware_concurrency);
    // Their page's maximum, which their sweep's top worker count is checked against.
    let their_max = settings::page_max_workers(cores);
    let config = &config.settings;
    within(
        Limit {
            min: 0,
            ..settings::top_workers_limit(their_max)
        },
        config.max_workers as u64,
    )?;
    let top = config.top_workers(their_max);
    let browser_ok = !r.browser.is_empty()
        && r.browser.chars().count() <= MAX_BROWSER_CHARS
        && r.browser
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._()/-".contains(c));
    if !browser_ok {
        return Err(LinkError::Invalid(format!(
            "the browser's name must be 1 to {MAX_BROWSER_CHARS} letters, digits, spaces or ._()/-"
        )));
    }
    let date = Date {
        year: r.date.0,
        month: r.date.1,
        day: r.date.2,
    };
    if !date.is_valid() {
        return Err(LinkError::Invalid(
            "the link's date is not a day of the years 2000 to 9999".into(),
        ));
    }
    if let Some(c) = r.effective_cores {
        // The measurement runs at most twice hardwareConcurrency workers, and its estimate is
        // never more than the workers it measured.
        range(
            "the measured effective cores (at most twice the link's hardwareConcurrency)",
            c,
            1,
            2 * cores as u64,
        )?;
    }
    range(
        "the number of points",
        r.points.len() as u64,
        0,
        (1 + config.modes.len() * top) as u64,
    )?;
    // A sweep takes time: medians that are all 0 would draw an empty speedup chart.
    let all_medians_zero = !r.points.is_empty() && r.points.iter().all(|p| p.median_ns == 0);
    let mut points: Vec<PointSummary> = Vec::with_capacity(r.points.len());
    for p in r.points {
        range("a point's engine", p.mode, 0, BENCH_MODES.len() as u64)?;
        let mode = match p.mode {
            0 => Mode::MainThread,
            i => BENCH_MODES[usize::from(i) - 1],
        };
        if mode != Mode::MainThread && !config.modes.contains(&mode) {
            return Err(LinkError::Invalid(format!(
                "the link has results for {}, an engine its sweep did not select",
                mode.label()
            )));
        }
        let max_k = if mode == Mode::MainThread { 1 } else { top };
        range("a point's workers", p.workers, 1, max_k as u64)?;
        range("a point's time (ns)", p.max_ns, 0, MAX_NS)?;
        if !(p.min_ns <= p.median_ns && p.median_ns <= p.max_ns) {
            return Err(LinkError::Invalid(
                "a point's times are out of order (min ≤ median ≤ max)".into(),
            ));
        }
        range(
            "a point's repetitions",
            p.samples,
            1,
            config.repetitions as u64,
        )?;
        let point = Point {
            mode,
            workers: p.workers.into(),
        };
        if points.iter().any(|q| q.point == point) {
            return Err(LinkError::Invalid(format!(
                "the link has two results for {} at {} workers",
                mode.label(),
                point.workers
            )));
        }
        let ms = |ns: u64| ns as f64 / 1e6;
        points.push(PointSummary {
            point,
            summary: Summary {
                median_ms: ms(p.median_ns),
                min_ms: ms(p.min_ns),
                max_ms: ms(p.max_ns),
                samples: p.samples.into(),
            },
        });
    }
    if all_medians_zero {
        return Err(LinkError::Invalid(
            "every median time in the link's results is 0 ns; a sweep that ran has at least \
             one above 0"
                .into(),
        ));
    }
    Ok(Results {
        machine: Machine {
            hardware_concurrency: cores,
            browser: r.browser,
            cross_origin_isolated: r.cross_origin_isolated,
            date,
            effective_cores: r.effective_cores.map(usize::from),
        },
        points,
        costs: None,
    })
}

pub mod largest;

// Property tests: 124,300 generated links, valid and broken, through the codec.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh page's configuration, swept 1–16 with five repetitions.
    fn config() -> Config {
        Config {
            settings: Settings {
                repetitions: 5,
                max_workers: 16,
                ..Settings::default()
            },
            workers: 2,
            preset: PresetId::SleepBound,
        }
    }

    /// A full sweep: serial plus 3 engines × 16 worker counts, with realistic times.
    fn full_sweep() -> Link {
        let config = config();
        let summary = |ms: f64| Summary {
            median_ms: crate::sweep::whole_ns(ms),
            min_ms: crate::sweep::whole_ns(ms * 0.93),
            max_ms: crate::sweep::whole_ns(ms * 1.17),
            samples: 5,
        };
        let mut points = vec![PointSummary {
            point: Point {
                mode: Mode::MainThread,
                workers: 1,
            },
            summary: summary(1234.567891),
        }];
        for k in 1..=16 {
            for &mode in &config.settings.modes {
                points.push(PointSummary {
                    point: Point { mode, workers: k },
                    summary: summary(1234.567891 / k.min(2) as f64 + 2.71 * k as f64),
                });
            }
        }
        Link {
            config,
            timeline: None,
            results: Some(Results {
                machine: Machine {
                    hardware_concurrency: 8,
                    browser: crate::machine::browser_name(
                        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                    ),
                    cross_origin_isolated: true,
                    date: Date {
                        year: 2026,
                        month: 11,
                        day: 22,
                    },
                    effective_cores: Some(6),
                },
                points,
                costs: Some(Costs {
                    tasks: vec![(100.0, 23.456); 10],
                    cores: 6.0,
                    startup_ms: 41.5,
                    message_ms: 0.731,
                }),
            }),
        }
    }

    #[test]
    fn a_full_sweep_of_three_engines_over_sixteen_workers_fits_in_2000_characters() {
        let link = full_sweep();
        let text = encode(&link);
        assert!(text.len() < 2000, "{} characters", text.len());
        assert_eq!(decode(&format!("#{text}")), Ok(link));
    }

    /// Ten GIL tasks taking turns for `turns` rounds: a lane each, held and not-held bars.
    fn gil_timeline(turns: usize) -> Timeline {
        let lanes = (0..10)
            .map(|w| {
                let mut bars = Vec::new();
                for turn in 0..turns {
                    let at = (turn * 10 + w) as f64 * 5.123_456;
                    bars.push(Bar {
                        kind: Kind::HoldingGil,
                        start_ms: at,
                        end_ms: at + 5.0,
                        task: Some(w),
                    });
                    bars.push(Bar {
                        kind: Kind::WithoutGil,
                        start_ms: at + 5.0,
                        end_ms: at + 51.234,
                        task: Some(w),
                    });
                }
                Lane { worker: w, bars }
            })
            .collect();
        Timeline {
            mode: Mode::Shared { gil: true },
            lanes,
            elapsed_ms: 300.0,
            script: false,
        }
        .quantized()
    }

    #[test]
    fn a_timeline_travels_with_its_machine() {
        let link = Link {
            timeline: Some(gil_timeline(12)),
            ..full_sweep()
        };
        let text = encode(&link);
        assert!(text.len() < 6_000, "{} characters", text.len());
        assert_eq!(decode(&text), Ok(link.clone()));
        // Too many bars for a link: the rest of the link, with what its predictions were made
        // from, still goes.
        let huge = Link {
            timeline: Some(gil_timeline(80)),
            ..full_sweep()
        };
        assert_eq!(
            decode(&encode(&huge)),
            Ok(Link {
                timeline: None,
                ..huge
            })
        );
    }

    #[test]
    fn a_timeline_with_overlapping_bars_or_without_a_machine_is_refused() {
        let mut t = wire_timeline(&gil_timeline(2));
        t.lanes[3].bars[1].start_us -= 10;
        let e = decode(&raw(Wire {
            timeline: Some(t),
            ..full_wire()
        }))
        .expect_err("overlap");
        assert_eq!(e.to_string(), "two bars of worker 3's lane overlap");
        let e = decode(&raw(Wire {
            timeline: Some(wire_timeline(&gil_timeline(2))),
            ..wire()
        }))
        .expect_err("no machine");
        assert!(e.to_string().contains("without the machine"), "{e}");
    }

    /// The wire form of `full_sweep`.
    fn full_wire() -> Wire {
        let text = encode(&full_sweep());
        let body = text.strip_prefix("v1.").expect("version 1");
        let bytes = URL_SAFE_NO_PAD.decode(body).expect("base64");
        postcard::from_bytes(&bytes[..bytes.len() - CRC_BYTES]).expect("fields")
    }

    /// Links made before asyncio was an engine, by that page's own encoder: a sweep of every
    /// engine it had, a timeline of its last engine, a configuration.
    const MADE_BEFORE_ASYNCIO: [&str; 3] = [
        "v1.AQpkDwECAAMLAQIKQ2hyb21lIDE1NgHqDwwEAQIJAAGAkLz9AoCoqdcCgPjOowMBAQGAkLz9AoCoqdcCgPjOowMBAgGAkLz9AoCoqdcCgPjOowMBAwGAkLz9AoCoqdcCgPjOowMBBAGAkLz9AoCoqdcCgPjOowMBAQKAiN6-AYDU1KsBgLzn0QEBAgKAiN6-AYDU1KsBgLzn0QEBAwKAiN6-AYDU1KsBgLzn0QEBBAKAiN6-AYDU1KsBgLzn0QEBAACuhvE",
        "v1.AQpkDwECAAMLAQIKQ2hyb21lIDE1NgHqDwwEAQIAAQeIJwEAAQAAiCcAb1F0zw",
        "v1.AQpkDwECAAMLAABR1tuQ",
    ];

    #[test]
    fn links_made_before_asyncio_open_as_they_were() {
        let before = &BENCH_MODES[..4];
        for link in MADE_BEFORE_ASYNCIO {
            let l = decode(link).unwrap_or_else(|e| panic!("{link}: {e}"));
            assert_eq!(l.config.settings.modes, before, "{link}");
            assert_eq!(l.config.preset, PresetId::FreeThreadRace);
            assert_eq!((l.config.workers, l.config.settings.workload), (3, 1));
        }
        let sweep = decode(MADE_BEFORE_ASYNCIO[0]).unwrap().results.unwrap();
        let modes: Vec<Mode> = sweep.points.iter().map(|p| p.point.mode).collect();
        assert_eq!(modes.len(), 9);
        assert_eq!(modes[1..5], *before);
        let timeline = decode(MADE_BEFORE_ASYNCIO[1]).unwrap().timeline.unwrap();
        assert_eq!(
            timeline.mode,
            Mode::PerTask {
                join: crate::run::Join::ClockStopsBeforeJoin
            }
        );
    }

    #[test]
    fn a_configuration_alone_is_short() {
        let link = Link {
            config: config(),
            results: None,
            timeline: None,
        };
        let text = encode(&link);
        assert!(text.len() < 40, "{text}");
        assert_eq!(decode(&text), Ok(link));
    }

    #[test]
    fn broken_links_are_refused_with_a_reason() {
        let good = encode(&full_sweep());
        let cut = &good[..good.len() - 10];
        assert!(matches!(decode(cut), Err(LinkError::Damaged(_))));
        assert_eq!(decode("hello"), Err(LinkError::NotCorescope));
        assert_eq!(decode(""), Err(LinkError::NotCorescope));
        assert_eq!(
            decode(&good.replacen("v1.", "v2.", 1)),
            Err(LinkError::FutureVersion(2))
        );
        assert_eq!(
            decode(&good.replacen("v1.", "v0.", 1)),
            Err(LinkError::NotCorescope)
        );
        let flipped: String = good
            .char_indices()
            .map(|(i, c)| {
                if i == 20 {
                    if c == 'A' { 'B' } else { 'A' }
                } else {
                    c
                }
            })
            .collect();
        assert!(matches!(decode(&flipped), Err(LinkError::Damaged(_))));
        let long = format!("v1.{}", "A".repeat(MAX_LINK_CHARS));
        assert!(matches!(decode(&long), Err(LinkError::TooLong(_))));
        assert!(
            decode("v1.<script>alert(1)</script>")
                .expect_err("not base64")
                .to_string()
                .contains("characters a link does not use")
        );
    }

    /// Encodes a configuration whose fields are written as given, bypassing `encode`'s types.
    fn raw(w: Wire) -> String {
        let mut bytes = postcard::to_allocvec(&w).expect("encodes");
        bytes.extend_from_slice(&crc32fast::hash(&bytes).to_le_bytes());
        format!("v1.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    fn wire() -> Wire {
        Wire {
            workload: 0,
            tasks: 10,
            size_percent: 100,
            modes: 0b111,
            repetitions: 1,
            max_workers: 0,
            view: 0,
            workers: 2,
            preset: 0,
            results: None,
            timeline: None,
        }
    }

    #[test]
    fn values_outside_their_limits_are_refused_naming_the_limit() {
        let e = decode(&raw(Wire {
            tasks: 5000,
            ..wire()
        }))
        .expect_err("too many tasks");
        assert_eq!(
            e.to_string(),
            "tasks must be between 1 and 1000; the link says 5000"
        );
        let e = decode(&raw(Wire {
            size_percent: 5,
            ..wire()
        }))
        .expect_err("too small");
        assert!(e.to_string().contains("between 10 and 1000"), "{e}");
        assert!(
            decode(&raw(Wire {
                preset: 13,
                ..wire()
            }))
            .is_err()
        );
        assert!(decode(&raw(Wire { view: 3, ..wire() })).is_err());
        assert!(
            decode(&raw(Wire {
                workload: 3,
                size_percent: 1000,
                ..wire()
            }))
            .is_ok(),
            "100 million numbers fit"
        );
        assert!(
            decode(&raw(Wire {
                modes: 0b100000,
                ..wire()
            }))
            .is_err()
        );
        let results = |browser: &str, points: Vec<WirePoint>| WireResults {
            hardware_concurrency: 2,
            browser: browser.into(),
            cross_origin_isolated: true,
            date: (2026, 2, 29),
            effective_cores: None,
            points,
        };
        let serial = |median_ns| WirePoint {
            mode: 0,
            workers: 1,
            median_ns,
            min_ns: 1,
            max_ns: 1_000_000,
            samples: 1,
        };
        let e = decode(&raw(Wire {
            results: Some(results("Chrome 1", vec![serial(10)])),
            ..wire()
        }))
        .expect_err("2026 is not a leap year");
        assert!(e.to_string().contains("date"), "{e}");
        let e = decode(&raw(Wire {
            results: Some(WireResults {
                date: (2028, 2, 29),
                ..results("<b>hi</b>", vec![serial(10)])
            }),
            ..wire()
        }))
        .expect_err("markup in the browser's name");
        assert!(e.to_string().contains("browser"), "{e}");
        let leap = |points| {
            Some(WireResults {
                date: (2028, 2, 29),
                ..results("Firefox 140", points)
            })
        };
        assert!(
            decode(&raw(Wire {
                results: leap(vec![serial(10)]),
                ..wire()
            }))
            .is_ok()
        );
        let e = decode(&raw(Wire {
            results: leap(vec![serial(0)]),
            ..wire()
        }))
        .expect_err("median below min");
        assert!(e.to_string().contains("out of order"), "{e}");
        let e = decode(&raw(Wire {
            results: leap(vec![serial(10), serial(10)]),
            ..wire()
        }))
        .expect_err("a point twice");
        assert!(e.to_string().contains("two results"), "{e}");
        let beyond = WirePoint {
            mode: 1,
            workers: 17,
            ..serial(10)
        };
        let e = decode(&raw(Wire {
            results: leap(vec![beyond]),
            ..wire()
        }))
        .expect_err("17 workers on a 2-core page that offers 16");
        assert!(e.to_string().contains("between 1 and 16"), "{e}");
        let unselected = WirePoint {
            mode: 4,
            workers: 1,
            ..serial(10)
        };
        assert!(
            decode(&raw(Wire {
                results: leap(vec![unselected]),
                ..wire()
            }))
            .is_err()
        );
    }

    #[test]
    fn results_no_machine_could_have_measured_are_refused_naming_the_limit() {
        let point = |median_ns| WirePoint {
            mode: 0,
            workers: 1,
            median_ns,
            min_ns: 0,
            max_ns: median_ns,
            samples: 1,
        };
        let results = |effective_cores, points| {
            Some(WireResults {
                hardware_concurrency: 2,
                browser: "Chrome 156".into(),
                cross_origin_isolated: true,
                date: (2026, 11, 22),
                effective_cores,
                points,
            })
        };
        let e = decode(&raw(Wire {
            results: results(Some(1000), vec![point(10)]),
            ..wire()
        }))
        .expect_err("1000 effective cores on hardwareConcurrency 2");
        assert_eq!(
            e.to_string(),
            "the measured effective cores (at most twice the link's hardwareConcurrency) must be \
             between 1 and 4; the link says 1000"
        );
        assert!(
            decode(&raw(Wire {
                results: results(Some(4), vec![point(10)]),
                ..wire()
            }))
            .is_ok(),
            "twice hardwareConcurrency is the most the page measures"
        );
        let e = decode(&raw(Wire {
            results: results(None, vec![point(0)]),
            ..wire()
        }))
        .expect_err("nothing takes no time");
        assert!(e.to_string().contains("0 ns"), "{e}");
        let shared_zero = || WirePoint {
            mode: 1,
            ..point(0)
        };
        assert!(
            decode(&raw(Wire {
                results: results(None, vec![point(0), shared_zero()]),
                ..wire()
            }))
            .is_err(),
            "every median 0"
        );
        assert!(
            decode(&raw(Wire {
                results: results(None, vec![point(10), shared_zero()]),
                ..wire()
            }))
            .is_ok(),
            "one point under the timer's resolution is a time a page can measure"
        );
        assert!(
            decode(&raw(Wire {
                results: results(None, Vec::new()),
                ..wire()
            }))
            .is_ok(),
            "no points, no times"
        );
    }

    /// A link with a configuration, results and a timeline, each field inside its limits, on a
    /// 512-core machine (so that the worker limits are the largest a link can carry).
    fn complete_wire() -> Wire {
        let point = |mode, workers| WirePoint {
            mode,
            workers,
            median_ns: 1_000_000,
            min_ns: 900_000,
            max_ns: 1_100_000,
            samples: 1,
        };
        let bar = |kind, start_us, len_us, task| WireBar {
            kind,
            start_us,
            len_us,
            task,
        };
        Wire {
            results: Some(WireResults {
                hardware_concurrency: 512,
                browser: "Chrome 156".into(),
                cross_origin_isolated: true,
                date: (2026, 11, 30),
                effective_cores: Some(2),
                points: vec![point(0, 1), point(1, 2)],
            }),
            timeline: Some(WireTimeline {
                mode: 1,
                elapsed_us: 1_000,
                lanes: vec![WireLane {
                    worker: 0,
                    bars: vec![bar(0, -200, 100, None), bar(2, 0, 900, Some(0))],
                }],
            }),
            ..wire()
        }
    }

    fn results(w: &mut Wire) -> &mut WireResults {
        w.results.as_mut().expect("results")
    }

    fn timeline(w: &mut Wire) -> &mut WireTimeline {
        w.timeline.as_mut().expect("timeline")
    }

    /// Decodes a link's fields without the length limit (the largest links are tested here).
    /// A link's fields, with an empty script after them where the workload is a script.
    fn fields(w: &Wire) -> Result<Link, LinkError> {
        let mut bytes = postcard::to_allocvec(w).expect("encodes");
        if usize::from(w.workload) == settings::SCRIPT_WORKLOAD {
            bytes.push(0);
        }
        decode_fields(&bytes)
    }

    #[test]
    fn a_link_carries_its_script_up_to_the_limit() {
        let link = |script: String| Link {
            config: Config {
                settings: Settings {
                    workload: settings::SCRIPT_WORKLOAD,
                    script,
                    ..Settings::default()
                },
                workers: 2,
                preset: PresetId::ALL[0],
            },
            results: None,
            timeline: None,
        };
        let source = "fn task(i) {\n  sleep(100); \"é\" + i\n}\n".to_string();
        let back = decode(&encode(&link(source.clone()))).expect("decodes");
        assert_eq!(back.config.settings.script, source);
        let longest = "x".repeat(script::MAX_SOURCE_BYTES);
        assert!(decode(&encode(&link(longest))).is_ok());
        let e = decode(&encode(&link("x".repeat(script::MAX_SOURCE_BYTES + 1))))
            .expect_err("over the limit");
        assert!(e.to_string().contains("8 KB"), "{e}");
        // After a built-in workload's fields, a script's bytes are refused.
        let mut bare = postcard::to_allocvec(&complete_wire()).expect("encodes");
        bare.push(0);
        assert!(
            decode_fields(&bare).is_err(),
            "a byte after a built-in workload's fields"
        );
    }

    /// A link's fields, then (after an empty script, for a script) what predictions are made
    /// from.
    fn fields_with_costs(w: &Wire, costs: &WireCosts) -> Result<Link, LinkError> {
        let mut bytes = postcard::to_allocvec(w).expect("encodes");
        if usize::from(w.workload) == settings::SCRIPT_WORKLOAD {
            bytes.push(0);
        }
        bytes.extend(postcard::to_allocvec(costs).expect("encodes"));
        decode_fields(&bytes)
    }

    /// The complete wire with its serial point taking `min_ms` to `max_ms`.
    fn serial_took(min_ms: u64, max_ms: u64) -> Wire {
        let mut w = complete_wire();
        let serial = &mut results(&mut w).points[0];
        assert_eq!(serial.mode, 0, "the serial point");
        (serial.min_ns, serial.median_ns, serial.max_ns) =
            (min_ms * 1_000_000, min_ms * 1_000_000, max_ms * 1_000_000);
        w
    }

    #[test]
    fn a_link_carries_what_its_predictions_are_made_from() {
        let costs = |tasks: usize| WireCosts {
            tasks: vec![(100_000, 23_456); tasks],
            startup_us: 41_500,
            message_us: 731,
        };
        // Ten tasks of 123.456 ms: the serial point took 1.2 to 1.3 s.
        let measured = serial_took(1_200, 1_300);
        let link = fields_with_costs(&measured, &costs(10)).expect("decodes");
        let got = link.results.as_ref().and_then(|r| r.costs.clone());
        assert_eq!(
            got,
            Some(Costs {
                tasks: vec![(100.0, 23.456); 10],
                cores: 2.0,
                startup_ms: 41.5,
                message_ms: 0.731,
            }),
            "in ms, with the machine's effective cores"
        );
        assert_eq!(
            decode(&encode(&link)),
            Ok(link),
            "and written back the same"
        );
        // A link made before predictions travelled ends before them.
        let older = fields(&complete_wire()).expect("decodes");
        assert_eq!(older.results.expect("results").costs, None);

        let refusal =
            |w: &Wire, c: &WireCosts| fields_with_costs(w, c).expect_err("refused").to_string();
        assert_eq!(
            refusal(&complete_wire(), &costs(9)),
            "the link's predictions are made from 9 tasks, but its sweep has 10"
        );
        assert!(
            refusal(&wire(), &costs(10)).contains("without the machine"),
            "costs without results"
        );
        let script = Wire {
            workload: settings::SCRIPT_WORKLOAD as u8,
            ..complete_wire()
        };
        assert!(refusal(&script, &costs(10)).contains("for a script"));
        let mut hour = costs(10);
        hour.tasks[3].1 = MAX_US + 1;
        assert_eq!(
            refusal(&complete_wire(), &hour),
            "a serial task's computing (µs) must be between 0 and 3600000000; the link says \
             3600000001"
        );
        let mut bytes = postcard::to_allocvec(&complete_wire()).expect("encodes");
        bytes.extend(postcard::to_allocvec(&costs(10)).expect("encodes"));
        bytes.push(0);
        assert_eq!(
            decode_fields(&bytes),
            Err(LinkError::Damaged("it has bytes after its last field"))
        );
    }

    #[test]
    fn a_links_serial_tasks_add_up_to_half_its_fastest_run_to_twice_its_slowest() {
        // The serial point took 1.2 to 1.3 s: its tasks may add up to 598 ms to 2,602 ms.
        let measured = serial_took(1_200, 1_300);
        let summing = |us: u64| {
            let mut tasks = vec![(0, 0); 10];
            tasks[0].1 = us;
            fields_with_costs(
                &measured,
                &WireCosts {
                    tasks,
                    startup_us: 41_500,
                    message_us: 731,
                },
            )
        };
        assert!(summing(598_000).is_ok());
        assert!(summing(2_602_000).is_ok());
        for us in [597_999, 2_602_001] {
            let e = summing(us)
                .expect_err("too far from the serial point")
                .to_string();
            assert!(
                e.contains("but its serial point took 1200.0 to 1300.0 ms"),
                "{us} µs: {e}"
            );
        }
    }

    #[test]
    fn costs_over_an_hour_are_left_out_of_a_link_and_an_hour_kept() {
        // The serial point took an hour, and its tasks that hour and one ms more or less.
        let w = serial_took(3_600_000, 3_600_000);
        let with_task = |ms: f64| {
            let mut link = fields(&w).expect("decodes");
            let results = link.results.as_mut().expect("results");
            let mut tasks = vec![(0.0, 0.0); 10];
            tasks[0].1 = ms;
            results.costs = Some(Costs {
                tasks,
                cores: results.machine.cores(),
                startup_ms: 1.0,
                message_ms: 0.0,
            });
            let back = decode(&encode(&link)).expect("decodes");
            back.results.expect("results").costs
        };
        assert!(with_task(3_600_000.0).is_some(), "an hour travels");
        assert_eq!(with_task(3_600_001.0), None, "one ms more does not");
    }

    #[test]
    fn the_largest_link_fits_with_its_costs_and_each_measured_count_is_predicted() {
        let fragment = largest::link().expect("a link");
        assert!(fragment.len() <= MAX_LINK_CHARS);
        let link = decode(&fragment).expect("decodes");
        let results = link.results.expect("results");
        let costs = results.costs.expect("its costs");
        assert_eq!(costs.tasks.len(), MAX_TASKS);
        assert!(
            results.points.len() > 300,
            "{} points",
            results.points.len()
        );
        let top = (link.config.settings).top_workers(settings::page_max_workers(
            results.machine.hardware_concurrency,
        ));
        assert_eq!(top, 1024);
        let measured = results.points.iter().map(|p| p.point);
        let modes = &link.config.settings.modes;
        let p = crate::sweep::Predictions::from_costs(costs, modes, top, measured);
        for (mode, ks) in &p.series {
            let theirs = results
                .points
                .iter()
                .filter(|q| q.point.mode == *mode)
                .count();
            assert!(
                ks.len() >= theirs,
                "{mode:?}: every measured count predicted"
            );
        }
    }

    #[test]
    fn a_link_too_long_for_its_costs_leaves_them_out_after_its_timeline() {
        // Six hundred points, and a thousand tasks of 3.5 s waiting and computing: over
        // 15,000 bytes.
        // Their serial point took an hour, and its thousand tasks 7,000 s: within twice it.
        let mut w = serial_took(3_600_000, 3_600_000);
        let point = results(&mut w).points[1].clone();
        results(&mut w).points.truncate(1);
        results(&mut w).points.extend((0..599).map(|k| WirePoint {
            workers: k + 1,
            ..point.clone()
        }));
        let mut link = fields(&w).expect("decodes");
        let results = link.results.as_mut().expect("results");
        results.costs = Some(Costs {
            tasks: vec![(3_500.0, 3_500.0); MAX_TASKS],
            cores: results.machine.cores(),
            startup_ms: 0.0,
            message_ms: 0.0,
        });
        link.config.settings.tasks = MAX_TASKS;
        let back = decode(&encode(&link)).expect("decodes");
        assert_eq!(back.timeline, None);
        assert_eq!(back.results.expect("results").costs, None);
        assert!(encode_all(&link).len() > MAX_LINK_CHARS);
    }

    /// Every limit the decoder checks, at its boundary: the link that sets the field to the
    /// limit decodes, and the one that sets it one past is refused with that limit named.
    #[test]
    fn every_limit_accepts_its_boundary_and_refuses_one_past_it() {
        type Set = fn(&mut Wire, i128);
        let h = MAX_HARDWARE_CONCURRENCY as i128;
        let max_us = MAX_US as i128;
        let cases: Vec<(&str, i128, i128, Set)> = vec![
            ("the workload number", 11, 12, |w, v| w.workload = v as u8),
            ("tasks", 1, 0, |w, v| w.tasks = v as u16),
            ("tasks", 1000, 1001, |w, v| w.tasks = v as u16),
            ("task size", 10, 9, |w, v| w.size_percent = v as u16),
            ("task size", 1000, 1001, |w, v| w.size_percent = v as u16),
            ("the engine set", 31, 32, |w, v| w.modes = v as u8),
            ("repetitions", 1, 0, |w, v| w.repetitions = v as u8),
            ("repetitions", 9, 10, |w, v| w.repetitions = v as u8),
            ("the sweep's top worker count", 1024, 1025, |w, v| {
                w.max_workers = v as u16
            }),
            ("the chart view", 2, 3, |w, v| w.view = v as u8),
            ("the quick run's workers", 1, 0, |w, v| w.workers = v as u16),
            ("the quick run's workers", 1024, 1025, |w, v| {
                w.workers = v as u16
            }),
            ("the preset number", 12, 13, |w, v| w.preset = v as u8),
            ("hardwareConcurrency", 1, 0, |w, v| {
                results(w).hardware_concurrency = v as u16;
                results(w).effective_cores = None;
                results(w).points.truncate(1);
            }),
            ("hardwareConcurrency", h, h + 1, |w, v| {
                results(w).hardware_concurrency = v as u16
            }),
            // On 2 cores a page sweeps up to 16 workers (see `page_max_workers`).
            ("the sweep's top worker count", 16, 17, |w, v| {
                results(w).hardware_concurrency = 2;
                w.max_workers = v as u16;
            }),
            ("the measured effective cores", 1, 0, |w, v| {
                results(w).effective_cores = Some(v as u16)
            }),
            ("the measured effective cores", 2 * h, 2 * h + 1, |w, v| {
                results(w).effective_cores = Some(v as u16)
            }),
            (
                "the number of points",
                1 + 3 * 1024,
                1 + 3 * 1024 + 1,
                |w, v| {
                    // Serial, then three engines at 1…1024 workers (the page's maximum on 512).
                    let points = &mut results(w).points;
                    let serial = points[0].clone();
                    points.clear();
                    points.push(serial.clone());
                    for mode in 1..=3 {
                        for workers in 1..=1024 {
                            points.push(WirePoint {
                                mode,
                                workers,
                                ..serial.clone()
                            });
                        }
                    }
                    points.truncate(v as usize);
                    while points.len() < v as usize {
                        points.push(serial.clone());
                    }
                },
            ),
            ("a point's engine", 5, 6, |w, v| {
                w.modes = 0b11111;
                results(w).points[1].mode = v as u8;
            }),
            ("a point's workers", 1, 0, |w, v| {
                results(w).points[1].workers = v as u16
            }),
            ("a point's workers", 1024, 1025, |w, v| {
                results(w).points[1].workers = v as u16
            }),
            ("a point's workers", 1, 2, |w, v| {
                results(w).points[0].workers = v as u16
            }),
            (
                "a point's time (ns)",
                MAX_NS.into(),
                i128::from(MAX_NS) + 1,
                |w, v| results(w).points[1].max_ns = v as u64,
            ),
            ("a point's repetitions", 1, 0, |w, v| {
                results(w).points[1].samples = v as u8
            }),
            ("a point's repetitions", 3, 4, |w, v| {
                w.repetitions = 3;
                results(w).points[1].samples = v as u8;
            }),
            ("the timeline's engine", 8, 9, |w, v| {
                timeline(w).mode = v as u8
            }),
            (
                "the timeline's elapsed time (µs)",
                max_us,
                max_us + 1,
                |w, v| timeline(w).elapsed_us = v as u64,
            ),
            ("the timeline's lanes", 1024, 1025, |w, v| {
                let lanes = &mut timeline(w).lanes;
                let first = lanes.remove(0);
                for worker in 0..v as u16 {
                    lanes.push(WireLane {
                        worker,
                        bars: if worker == 0 {
                            first.bars.clone()
                        } else {
                            Vec::new()
                        },
                    });
                }
            }),
            ("a lane's worker number", 1023, 1024, |w, v| {
                timeline(w).lanes[0].worker = v as u16
            }),
            ("the timeline's bars", 1500, 1501, |w, v| {
                let bars = &mut timeline(w).lanes[0].bars;
                bars.truncate(1);
                for i in 0..v as i64 - 1 {
                    bars.push(WireBar {
                        kind: 2,
                        start_us: i * 10,
                        len_us: 10,
                        task: Some(0),
                    });
                }
            }),
            ("a bar's kind", 5, 6, |w, v| {
                timeline(w).lanes[0].bars[1].kind = v as u8
            }),
            ("a bar's start", -max_us, -max_us - 1, |w, v| {
                timeline(w).lanes[0].bars[0].start_us = v as i64
            }),
            ("a bar's start", max_us, max_us + 1, |w, v| {
                timeline(w).lanes[0].bars[1].start_us = v as i64
            }),
            ("a bar's length (µs)", max_us, max_us + 1, |w, v| {
                timeline(w).lanes[0].bars[1].len_us = v as u64
            }),
            // One of the sweep's ten tasks.
            ("a timeline bar's task number", 9, 10, |w, v| {
                timeline(w).lanes[0].bars[1].task = Some(v as u16)
            }),
        ];
        assert!(fields(&complete_wire()).is_ok());
        for (what, limit, past, set) in cases {
            let mut at = complete_wire();
            set(&mut at, limit);
            if let Err(e) = fields(&at) {
                panic!("{what} = {limit} is within the limit, but: {e}");
            }
            let mut beyond = complete_wire();
            set(&mut beyond, past);
            match fields(&beyond) {
                Err(LinkError::OutOfRange {
                    what: named,
                    got,
                    min,
                    max,
                }) => {
                    assert!(
                        named.starts_with(what),
                        "{what} = {past}: refused for {named}"
                    );
                    assert_eq!(got, past, "{what}");
                    assert!(min == limit || max == limit, "{what}: limits {min}…{max}");
                }
                other => panic!("{what} = {past} is past the limit {limit}: {other:?}"),
            }
        }
    }

    /// The decoder's answers to links no page could have sent, each naming the limit.
    #[test]
    fn links_no_page_could_have_sent_are_refused_naming_the_limit() {
        let mut before_an_hour = complete_wire();
        timeline(&mut before_an_hour).lanes[0].bars[0].start_us = i64::MIN;
        let mut lane_65535 = complete_wire();
        timeline(&mut lane_65535).lanes[0].worker = u16::MAX;
        let mut cores = complete_wire();
        results(&mut cores).hardware_concurrency = 2;
        results(&mut cores).effective_cores = Some(5);
        let mut zeros = complete_wire();
        for p in &mut results(&mut zeros).points {
            (p.min_ns, p.median_ns, p.max_ns) = (0, 0, 0);
        }
        let answers: Vec<String> = [before_an_hour, lane_65535, cores, zeros]
            .iter()
            .map(|w| decode(&raw(w.clone())).expect_err("refused").to_string())
            .collect();
        assert_eq!(
            answers,
            [
                "a bar's start (µs from the run's start) must be between -3600000000 and \
                 3600000000; the link says -9223372036854775808",
                "a lane's worker number must be between 0 and 1023; the link says 65535",
                "the measured effective cores (at most twice the link's hardwareConcurrency) \
                 must be between 1 and 4; the link says 5",
                "every median time in the link's results is 0 ns; a sweep that ran has at least \
                 one above 0",
            ]
        );
    }

    #[test]
    fn the_text_limits_hold_at_their_boundary() {
        // The fragment: MAX_LINK_CHARS after the # is read (and found damaged), one more is not.
        let at = format!("v1.{}", "A".repeat(MAX_LINK_CHARS - 3));
        assert!(matches!(decode(&at), Err(LinkError::Damaged(_))));
        let past = format!("v1.{}", "A".repeat(MAX_LINK_CHARS - 2));
        assert_eq!(decode(&past), Err(LinkError::TooLong(MAX_LINK_CHARS + 1)));
        // The version: up to nine digits are read as a number.
        let body = raw(wire()).split_once('.').expect("a dot").1.to_owned();
        assert_eq!(
            decode(&format!("v000000002.{body}")),
            Err(LinkError::FutureVersion(2))
        );
        assert_eq!(
            decode(&format!("v0000000002.{body}")),
            Err(LinkError::NotCorescope)
        );
        assert_eq!(decode(&format!("v.{body}")), Err(LinkError::NotCorescope));
        // The checksum alone: nothing under it to read; less than a checksum: too short.
        let empty = URL_SAFE_NO_PAD.encode(crc32fast::hash(&[]).to_le_bytes());
        assert_eq!(
            decode(&format!("v1.{empty}")),
            Err(LinkError::Damaged("its fields do not read"))
        );
        assert_eq!(
            decode("v1.AAAA"),
            Err(LinkError::Damaged("it is too short"))
        );
        // The browser's name: 1 to MAX_BROWSER_CHARS characters.
        let named = |browser: String| {
            let mut w = complete_wire();
            results(&mut w).browser = browser;
            fields(&w)
        };
        assert!(named("C".repeat(MAX_BROWSER_CHARS)).is_ok());
        for refused in [
            String::new(),
            "C".repeat(MAX_BROWSER_CHARS + 1),
            "Chrome\n".into(),
        ] {
            let e = named(refused.clone()).expect_err("refused");
            assert!(e.to_string().contains("browser's name"), "{refused:?}: {e}");
        }
        assert!(named("Chrome (headless) 1.2/3_4-5".into()).is_ok());
    }

    #[test]
    fn lanes_come_in_worker_order_each_once() {
        for order in [[1, 0], [2, 2]] {
            let mut w = complete_wire();
            let lane = timeline(&mut w).lanes[0].clone();
            timeline(&mut w).lanes = order
                .iter()
                .map(|&worker| WireLane {
                    worker,
                    ..lane.clone()
                })
                .collect();
            let e = fields(&w).expect_err("out of order");
            assert_eq!(
                e.to_string(),
                "the timeline's lanes are not in worker order"
            );
        }
    }
}
