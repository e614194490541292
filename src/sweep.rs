//! The experiment bench's sweep, as data: which points to measure (every selected mode at every
//! worker count, plus the serial baseline), how many repetitions, and the summaries the chart
//! and table show — median, min and max per point, speedup, efficiency, an Amdahl fit.

use crate::predict::{self, Costs};
use crate::run::Mode;
use crate::stats::{amdahl_serial_fraction, efficiency, median, speedup};
use crate::timeline::Timeline;
use crate::workloads::Job;
use std::rc::Rc;

/// One point of the sweep: a mode at a worker count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub mode: Mode,
    pub workers: usize,
}

impl Point {
    /// The point in words: its engine and worker count.
    pub fn describe(self) -> String {
        format!(
            "{}, {}",
            self.mode.label(),
            crate::words::count(self.workers, "worker")
        )
    }

    /// The sweep's progress while run `rep` (from 0) of `reps` of this point runs.
    pub fn describe_run(self, rep: usize, reps: usize) -> String {
        format!("{} (run {} of {reps})", self.describe(), rep + 1)
    }
}

/// What to sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub job: Job,
    pub modes: Vec<Mode>,
    pub max_workers: usize,
    /// Runs per point; the point shows their median.
    pub repetitions: usize,
}

impl Plan {
    /// The serial baseline first, then every mode at 1…max workers, counts ascending.
    pub fn points(&self) -> Vec<Point> {
        let mut points = vec![Point {
            mode: Mode::MainThread,
            workers: 1,
        }];
        for workers in 1..=self.max_workers {
            for &mode in &self.modes {
                if mode != Mode::MainThread {
                    points.push(Point { mode, workers });
                }
            }
        }
        points
    }

    /// Runs in all, for the progress bar.
    pub fn total_runs(&self) -> usize {
        self.points().len() * self.repetitions.max(1)
    }
}

/// A point's timings so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub point: Point,
    /// Elapsed ms of each checked repetition.
    pub samples_ms: Vec<f64>,
    /// The checked result, shown beside the numbers (the same for every repetition).
    pub result: String,
    /// The last repetition's timeline.
    pub timeline: Option<Rc<Timeline>>,
}

/// Median, min and max of a point's repetitions, each rounded to a whole nanosecond: the
/// precision a share link carries, so the sender's table and the receiver's show the same digits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

/// Milliseconds rounded to a whole nanosecond.
pub fn whole_ns(ms: f64) -> f64 {
    (ms * 1e6).round() / 1e6
}

impl Measured {
    pub fn summary(&self) -> Option<Summary> {
        let s = &self.samples_ms;
        Some(Summary {
            median_ms: whole_ns(median(s)?),
            min_ms: whole_ns(s.iter().copied().fold(f64::INFINITY, f64::min)),
            max_ms: whole_ns(s.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
            samples: s.len(),
        })
    }
}

/// A point and its summary: what the chart, the table, the exports and share links read, for
/// this page's sweep and for one received in a link alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointSummary {
    pub point: Point,
    pub summary: Summary,
}

/// What a sweep's chart shows, in words, for readers who cannot see it: for each engine its
/// time at the fewest workers measured and its fastest point, beside the serial time.
pub fn chart_summary(points: &[PointSummary], modes: &[Mode]) -> String {
    let ms = |x: f64| match x >= 1000.0 {
        true => format!("{:.2} s", x / 1000.0),
        false => format!("{x:.1} ms"),
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(serial) = serial_ms(points) {
        parts.push(format!("serial {}", ms(serial)));
    }
    for &mode in modes {
        let s = series(points, mode);
        let (Some((k0, first)), Some((kb, best))) = (
            s.first(),
            s.iter()
                .min_by(|a, b| a.1.median_ms.total_cmp(&b.1.median_ms)),
        ) else {
            continue;
        };
        let at = |k: usize| crate::words::count(k, "worker");
        parts.push(match k0 == kb {
            true => format!("{}: {} at {}", mode.label(), ms(first.median_ms), at(*k0)),
            false => format!(
                "{}: {} at {}, fastest {} at {}",
                mode.label(),
                ms(first.median_ms),
                at(*k0),
                ms(best.median_ms),
                at(*kb)
            ),
        });
    }
    match parts.is_empty() {
        true => "No points measured yet.".into(),
        false => format!("Median times: {}.", parts.join("; ")),
    }
}

/// The summaries of every measured point, in measuring order.
pub fn summaries(measured: &[Measured]) -> Vec<PointSummary> {
    measured
        .iter()
        .filter_map(|m| {
            Some(PointSummary {
                point: m.point,
                summary: m.summary()?,
            })
        })
        .collect()
}

/// The serial baseline's median, if measured.
pub fn serial_ms(points: &[PointSummary]) -> Option<f64> {
    points
        .iter()
        .find(|p| p.point.mode == Mode::MainThread)
        .map(|p| p.summary.median_ms)
}

/// One mode's points, by worker count: (workers, summary).
pub fn series(points: &[PointSummary], mode: Mode) -> Vec<(usize, Summary)> {
    let mut series: Vec<(usize, Summary)> = points
        .iter()
        .filter(|p| p.point.mode == mode)
        .map(|p| (p.point.workers, p.summary))
        .collect();
    series.sort_by_key(|(k, _)| *k);
    series
}

/// A mode's speedups over the serial baseline: (workers, speedup).
pub fn speedups(measured: &[PointSummary], mode: Mode) -> Vec<(usize, f64)> {
    let Some(serial) = serial_ms(measured) else {
        return Vec::new();
    };
    series(measured, mode)
        .into_iter()
        .filter_map(|(k, s)| Some((k, speedup(serial, s.median_ms)?)))
        .collect()
}

/// A mode's parallel efficiency: (workers, speedup / workers).
pub fn efficiencies(measured: &[PointSummary], mode: Mode) -> Vec<(usize, f64)> {
    let Some(serial) = serial_ms(measured) else {
        return Vec::new();
    };
    series(measured, mode)
        .into_iter()
        .filter_map(|(k, s)| Some((k, efficiency(serial, s.median_ms, k)?)))
        .collect()
}

/// Amdahl's law fitted where it applies: a serial fraction, and the worker counts it was
/// fitted over (1 to the cores, where every worker has a core of its own).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AmdahlFit {
    pub serial_fraction: f64,
    /// The largest worker count fitted: `min(cores, largest measured)`.
    pub up_to: usize,
}

impl AmdahlFit {
    /// The fitted speedup at `workers` (fractional for drawing the curve): `1 / (f + (1 − f) / k)`.
    pub fn speedup(&self, workers: f64) -> f64 {
        let (f, k) = (self.serial_fraction, workers.max(1.0));
        1.0 / (f + (1.0 - f) / k)
    }
}

/// Amdahl's serial fraction fitted to a mode's speedups at 2…`cores` workers only. Past the
/// cores, workers take turns on the same cores, and a slower tail there says nothing about a
/// serial part of the work: fitting it would report the core limit as a serial fraction.
/// `None` with fewer than two cores or no measured point in the range.
pub fn amdahl(measured: &[PointSummary], mode: Mode, cores: usize) -> Option<AmdahlFit> {
    let within: Vec<(usize, f64)> = speedups(measured, mode)
        .into_iter()
        .filter(|&(k, _)| k <= cores)
        .collect();
    let up_to = within.iter().map(|p| p.0).max()?;
    Some(AmdahlFit {
        serial_fraction: amdahl_serial_fraction(&within)?,
        up_to,
    })
}

/// How a mode's speedup past the cores compares with its speedup at the cores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tail {
    /// Kept growing (by over 25%): its tasks wait more than they compute, and waiting needs
    /// no core.
    Grows,
    /// Within ±25% of the speedup at the cores: extra workers take turns on the same cores.
    Flat,
    /// Fell by over 25%: oversubscription costs more than it brings (switching, memory).
    Falls,
}

/// What happened past the cores: the tail's kind, the speedup at the cores, and the range of
/// speedups measured past them as (lowest, highest). `None` without points on both sides.
pub fn past_the_cores(
    measured: &[PointSummary],
    mode: Mode,
    cores: usize,
) -> Option<(Tail, f64, (f64, f64))> {
    let ups = speedups(measured, mode);
    let at = ups.iter().rev().find(|p| p.0 <= cores)?.1;
    let tail: Vec<f64> = ups.iter().filter(|p| p.0 > cores).map(|p| p.1).collect();
    let last = *tail.last()?;
    let low = tail.iter().copied().fold(f64::INFINITY, f64::min);
    let high = tail.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let kind = if last > at * 1.25 {
        Tail::Grows
    } else if last < at / 1.25 {
        Tail::Falls
    } else {
        Tail::Flat
    };
    Some((kind, at, (low, high)))
}

/// Adds a repetition's time to its point, creating the point on its first sample.
pub fn record(
    measured: &mut Vec<Measured>,
    point: Point,
    elapsed_ms: f64,
    result: String,
    timeline: Option<Timeline>,
) {
    match measured.iter_mut().find(|m| m.point == point) {
        Some(m) => {
            m.samples_ms.push(elapsed_ms);
            m.timeline = timeline.map(Rc::new).or(m.timeline.take());
        }
        None => measured.push(Measured {
            point,
            samples_ms: vec![elapsed_ms],
            result,
            timeline: timeline.map(Rc::new),
        }),
    }
}

/// Each swept engine's predicted time at 1…`max_workers` workers, once the serial baseline
/// has run: the schedule simulated from its tasks, `cores`, and the start-up and messaging
/// measured so far ([`predict`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Predictions {
    pub costs: Costs,
    pub series: Vec<(Mode, Vec<(usize, f64)>)>,
}

impl Predictions {
    /// The predictions for `modes` up to `max_workers` workers (see [`Self::from_costs`]), made
    /// from `measured` once it has its serial baseline.
    pub fn of(
        measured: &[Measured],
        modes: &[Mode],
        max_workers: usize,
        cores: f64,
    ) -> Option<Self> {
        Some(Self::from_costs(
            Self::costs(measured, cores)?,
            modes,
            max_workers,
            measured.iter().map(|m| m.point),
        ))
    }

    /// What predictions are made from: the serial baseline's tasks, `cores`, and the start-up
    /// and messaging of every run in `measured`. `None` before the serial run, and for a
    /// script, whose serial run cannot tell its sleeps from its computing.
    pub fn costs(measured: &[Measured], cores: f64) -> Option<Costs> {
        let serial = measured
            .iter()
            .find(|m| m.point.mode == Mode::MainThread)?
            .timeline
            .as_ref()
            .filter(|t| !t.script)?;
        Some(
            Costs::from_serial(serial, cores)
                .with_overheads(measured.iter().filter_map(|m| m.timeline.as_deref())),
        )
    }

    /// The predictions for `modes` from `costs` at each engine's own `measured` worker counts
    /// and at the counts its line is drawn through up to `max_workers` ([`drawn_counts`]); how
    /// a page also redraws those of a sweep that a link carries. A count that runs the same
    /// schedule as a smaller one ([`predict::same_schedule_as`]) is not simulated again, and the
    /// drawn counts are thinned so that every engine together schedules at most
    /// [`MOST_SIMULATED`] tasks: a link of a thousand tasks on up to 1,024 workers takes a few
    /// hundred simulations, not five thousand. Measured counts are always predicted.
    pub fn from_costs(
        costs: Costs,
        modes: &[Mode],
        max_workers: usize,
        measured: impl IntoIterator<Item = Point>,
    ) -> Self {
        Predicting::new(costs, modes, max_workers, measured).finish()
    }

    /// The prediction for `mode` at `workers`.
    pub fn at(&self, mode: Mode, workers: usize) -> Option<f64> {
        self.series
            .iter()
            .find(|(m, _)| *m == mode)?
            .1
            .iter()
            .find(|(k, _)| *k == workers)
            .map(|(_, ms)| *ms)
    }

    /// What the prediction was made from, and where it missed most, in sentences; `whose`
    /// (`theirs`) names the sweep when the chart shows two.
    pub fn notes(&self, points: &[PointSummary], whose: Option<&str>) -> Vec<String> {
        let c = &self.costs;
        let measured_or = |ms: f64, digits: usize| match (ms > 0.0, whose) {
            (true, _) => format!("{ms:.digits$} ms"),
            (false, Some("theirs")) => "nothing (their sweep measured none)".into(),
            (false, _) => "nothing (not measured yet)".into(),
        };
        let (of, among) = whose.map_or_else(Default::default, |w| {
            (format!(" for {w}"), format!(" in {w}"))
        });
        let mut notes = vec![format!(
            "Predicted{of} (thin dotted lines): each engine's schedule simulated from the serial \
             run's {} (computing {:.0} ms, waiting {:.0} ms in all), {} cores' worth of \
             computing, {} per fresh worker's start-up and {} per batch's messages.",
            crate::words::count(c.tasks.len(), "task"),
            c.tasks.iter().map(|t| t.1).sum::<f64>(),
            c.tasks.iter().map(|t| t.0).sum::<f64>(),
            c.cores,
            measured_or(c.startup_ms, 1),
            measured_or(c.message_ms, 2),
        )];
        let compared: Vec<predict::Compared> = points
            .iter()
            .filter_map(|p| {
                let predicted = self.at(p.point.mode, p.point.workers)?;
                Some((
                    p.point.mode,
                    p.point.workers,
                    c.tasks.len(),
                    predicted,
                    p.summary.median_ms,
                ))
            })
            .collect();
        let single_runs = points.iter().all(|p| p.summary.samples <= 1);
        match predict::largest_gap(&compared, c.cores, single_runs) {
            Some(gap) => notes.push(format!("Largest gap{among}: {gap}.")),
            None if !compared.is_empty() => notes.push(format!(
                "Every point measured{among} is within 10% or {} ms of its prediction ({}).",
                predict::SMALLEST_GAP_MS,
                crate::words::count(compared.len(), "point")
            )),
            None => {}
        }
        notes
    }
}

/// Predictions being made: the counts each engine is predicted at, chosen up front (see
/// [`Predictions::from_costs`]), simulated a few at a time by [`Predicting::step`] so that a
/// page making them can answer its visitor in between.
#[derive(Clone, Debug)]
pub struct Predicting {
    costs: Costs,
    /// Each engine and its counts, with the predictions made so far.
    series: Vec<(Mode, Vec<(usize, f64)>)>,
    /// The counts still to predict: (engine's place in `series`, count), in order.
    todo: std::vec::IntoIter<(usize, usize)>,
    /// The schedules simulated, by engine and fewest workers that run them.
    simulated: std::collections::HashMap<(Mode, usize), f64>,
}

impl Predicting {
    /// Chooses the counts to predict; simulates nothing yet.
    pub fn new(
        costs: Costs,
        modes: &[Mode],
        max_workers: usize,
        measured: impl IntoIterator<Item = Point>,
    ) -> Self {
        let n = costs.tasks.len();
        let measured: Vec<Point> = measured.into_iter().collect();
        let engines: Vec<Mode> = (modes.iter().copied())
            .filter(|&m| m != Mode::MainThread)
            .collect();
        let each = MOST_SIMULATED / n.max(1) / engines.len().max(1);
        let drawn: Vec<usize> = drawn_counts(max_workers, n).into_iter().collect();
        let mut todo = Vec::new();
        let series = (engines.into_iter().enumerate())
            .map(|(e, mode)| {
                let mut counts: std::collections::BTreeSet<usize> = (measured.iter())
                    .filter(|p| p.mode == mode && p.workers >= 1)
                    .map(|p| p.workers)
                    .collect();
                counts.extend(evenly(&drawn, each.saturating_sub(counts.len())));
                todo.extend(counts.into_iter().map(|k| (e, k)));
                (mode, Vec::new())
            })
            .collect();
        Predicting {
            costs,
            series,
            todo: todo.into_iter(),
            simulated: std::collections::HashMap::new(),
        }
    }

    /// Predicts the next counts, up to `schedules` new simulations (a count whose schedule was
    /// simulated already costs none); whether every count is predicted.
    pub fn step(&mut self, schedules: usize) -> bool {
        let n = self.costs.tasks.len();
        let mut left = schedules;
        while left > 0 {
            let Some((e, k)) = self.todo.next() else {
                return true;
            };
            let mode = self.series[e].0;
            let fewest = predict::same_schedule_as(mode, k, n);
            let ms = *(self.simulated.entry((mode, fewest))).or_insert_with(|| {
                left -= 1;
                predict::predict(mode, fewest, &self.costs)
            });
            self.series[e].1.push((k, ms));
        }
        self.todo.len() == 0
    }

    /// Every prediction, made now where `step` has not made them yet.
    pub fn finish(mut self) -> Predictions {
        while !self.step(usize::MAX) {}
        Predictions {
            costs: self.costs,
            series: self.series,
        }
    }
}

/// The most tasks a sweep's predictions schedule, over every engine and worker count: three
/// hundred schedules of a thousand tasks, about 50 ms of one core where workers share cores.
pub const MOST_SIMULATED: usize = 300_000;

/// At most `most` of `counts`, spread evenly by position, the first and last among them.
fn evenly(counts: &[usize], most: usize) -> Vec<usize> {
    match (counts.len(), most) {
        (len, _) if len <= most => counts.to_vec(),
        (_, 0) => Vec::new(),
        (_, 1) => counts[..1].to_vec(),
        (len, most) => (0..most)
            .map(|i| counts[(i * (len - 1) + (most - 1) / 2) / (most - 1)])
            .collect(),
    }
}

/// The worker counts a predicted line is drawn through, 1 to `max_workers`, for `tasks` tasks:
/// every count to 32, then one every 6% or so (a chart a thousand workers wide has no room for
/// more), and both sides of each count past which the tasks take a round fewer (⌈tasks ÷ r⌉
/// for up to 16 rounds), where an even split's line drops.
pub fn drawn_counts(max_workers: usize, tasks: usize) -> std::collections::BTreeSet<usize> {
    let max = max_workers.max(1);
    let mut counts: std::collections::BTreeSet<usize> = (1..=max.min(32)).collect();
    let mut k = 32;
    while k < max {
        k = (k + k.div_ceil(16)).min(max);
        counts.insert(k);
    }
    for rounds in 1..=16 {
        let fewest = tasks.max(1).div_ceil(rounds);
        counts.extend(
            [fewest - 1, fewest]
                .into_iter()
                .filter(|k| (1..=max).contains(k)),
        );
    }
    counts
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn predictions_follow_the_serial_run_and_name_the_largest_gap() {
        use crate::run::{RawRun, TaskRecord};
        use crate::workloads::{Job, Workload};
        let job = Job::new(Workload::EmptyLoop { count: 1 }, 4);
        let records = (0..4)
            .map(|i| TaskRecord::new(i, 0, 25.0 * i as f64, 25.0 * (i + 1) as f64))
            .collect();
        let serial = RawRun {
            records,
            elapsed_ms: 100.0,
            ..RawRun::default()
        };
        let timeline = crate::timeline::Timeline::of(Mode::MainThread, &job, &serial);
        let mut measured = Vec::new();
        let (shared, gil) = (Mode::Shared { gil: false }, Mode::Shared { gil: true });
        record(
            &mut measured,
            Point {
                mode: Mode::MainThread,
                workers: 1,
            },
            100.0,
            String::new(),
            Some(timeline),
        );
        assert_eq!(
            Predictions::of(&[], &[shared], 4, 2.0),
            None,
            "nothing before the serial run"
        );
        let p = Predictions::of(&measured, &[shared, gil], 4, 2.0).expect("predictions");
        assert_eq!(p.at(shared, 1), Some(100.0));
        assert_eq!(p.at(shared, 2), Some(50.0));
        assert_eq!(p.at(shared, 4), Some(50.0), "two cores");
        assert_eq!(p.at(gil, 4), Some(100.0));
        record(
            &mut measured,
            Point {
                mode: gil,
                workers: 4,
            },
            180.0,
            String::new(),
            None,
        );
        let notes = p.notes(&summaries(&measured), None);
        assert!(notes[0].starts_with("Predicted (thin dotted lines): each engine's schedule simulated from the serial run's 4 tasks (computing 100 ms"), "{notes:?}");
        assert!(notes[1].starts_with("Largest gap: shared memory + GIL, 4 workers: predicted 100 ms, measured 180 ms (+80%)"), "{notes:?}");
        // A link's sweep redraws them from what it carries, and its notes say whose they are.
        let theirs = Predictions::from_costs(p.costs.clone(), &[gil], 4, []);
        let ks = (1..=4).map(|k| (k, 100.0)).collect();
        assert_eq!(
            theirs.series,
            vec![(gil, ks)],
            "the GIL's alone, 1 to 4 workers"
        );
        let notes = theirs.notes(&summaries(&measured), Some("theirs"));
        assert!(notes[0].ends_with("nothing (their sweep measured none) per fresh worker's start-up and nothing (their sweep measured none) per batch's messages."), "{notes:?}");
        assert!(
            notes[0].starts_with("Predicted for theirs (thin dotted lines): "),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("Largest gap in theirs: shared memory + GIL, 4 workers"),
            "{notes:?}"
        );
    }

    #[test]
    fn prediction_notes_name_measured_costs_and_say_when_every_point_is_close() {
        let shared = Mode::Shared { gil: false };
        let costs = |startup_ms, message_ms| Costs {
            tasks: vec![(0.0, 25.0); 4],
            cores: 2.0,
            startup_ms,
            message_ms,
        };
        let p = Predictions::from_costs(costs(1.5, 0.25), &[shared], 2, []);
        assert_eq!(p.at(shared, 2), Some(50.0));
        let notes = p.notes(&[], None);
        assert_eq!(
            notes,
            [
                "Predicted (thin dotted lines): each engine's schedule simulated from the serial \
              run's 4 tasks (computing 100 ms, waiting 0 ms in all), 2 cores' worth of computing, \
              1.5 ms per fresh worker's start-up and 0.25 ms per batch's messages."
            ],
            "no point measured: nothing to compare"
        );
        let unmeasured =
            Predictions::from_costs(costs(0.0, 0.0), &[shared], 2, []).notes(&[], None);
        assert!(
            unmeasured[0].ends_with(
                "nothing (not measured yet) per fresh worker's start-up and nothing (not \
                 measured yet) per batch's messages."
            ),
            "{unmeasured:?}"
        );
        // Within 10% of their predictions: no gap, and the sentence that says so.
        let close = [at(shared, 1, 104.0), at(shared, 2, 48.0)];
        let notes = p.notes(&close, Some("theirs"));
        assert_eq!(
            notes[1],
            "Every point measured in theirs is within 10% or 2 ms of its prediction (2 points)."
        );
        // A gap from points measured more than once is not put down to noise.
        let mut repeated = at(shared, 2, 80.0);
        repeated.summary.samples = 3;
        let notes = p.notes(&[at(shared, 1, 100.0), repeated], None);
        assert!(notes[1].starts_with("Largest gap: "), "{notes:?}");
        assert!(!notes[1].contains("noise"), "{notes:?}");
        let notes = p.notes(&[at(shared, 2, 80.0)], None);
        assert!(
            notes[1].contains("(or noise: the point is a single run"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_runs_progress_names_its_engine_workers_and_repetition() {
        let point = |workers| Point {
            mode: Mode::Pool { reuse: true },
            workers,
        };
        assert_eq!(
            point(1).describe_run(0, 3),
            format!(
                "{}, 1 worker (run 1 of 3)",
                Mode::Pool { reuse: true }.label()
            )
        );
        assert!(
            point(4)
                .describe_run(2, 3)
                .ends_with(", 4 workers (run 3 of 3)")
        );
    }
    use crate::workloads::Workload;

    /// A point measured once, at `ms`: for tests of what reads sweeps.
    pub(crate) fn at(mode: Mode, workers: usize, ms: f64) -> PointSummary {
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

    #[test]
    fn the_chart_in_words_gives_each_engine_its_first_and_fastest_point() {
        let shared = Mode::Shared { gil: false };
        let gil = Mode::Shared { gil: true };
        let points = [
            at(Mode::MainThread, 1, 1320.0),
            at(shared, 1, 1330.0),
            at(shared, 2, 655.0),
            at(gil, 1, 1340.0),
        ];
        assert_eq!(
            chart_summary(&points, &[shared, gil, Mode::Pool { reuse: true }]),
            format!(
                "Median times: serial 1.32 s; {}: 1.33 s at 1 worker, fastest 655.0 ms at 2 \
                 workers; {}: 1.34 s at 1 worker.",
                shared.label(),
                gil.label()
            )
        );
        assert_eq!(chart_summary(&[], &[shared]), "No points measured yet.");
    }

    fn plan() -> Plan {
        Plan {
            job: Job::new(Workload::Square, 10),
            modes: vec![Mode::Shared { gil: false }, Mode::Pool { reuse: true }],
            max_workers: 3,
            repetitions: 2,
        }
    }

    #[test]
    fn points_start_with_serial_then_every_mode_at_every_count() {
        let points = plan().points();
        assert_eq!(
            points[0],
            Point {
                mode: Mode::MainThread,
                workers: 1
            }
        );
        assert_eq!(points.len(), 1 + 2 * 3);
        assert_eq!(plan().total_runs(), 14);
        let pool: Vec<usize> = points
            .iter()
            .filter(|p| p.mode == Mode::Pool { reuse: true })
            .map(|p| p.workers)
            .collect();
        assert_eq!(pool, [1, 2, 3]);
    }

    #[test]
    fn summaries_speedups_and_amdahl() {
        let mut m = Vec::new();
        let shared = Mode::Shared { gil: false };
        for t in [100.0, 110.0, 90.0] {
            record(
                &mut m,
                Point {
                    mode: Mode::MainThread,
                    workers: 1,
                },
                t,
                "ok".into(),
                None,
            );
        }
        // A perfectly parallel mode: serial / k.
        for k in 1..=4 {
            record(
                &mut m,
                Point {
                    mode: shared,
                    workers: k,
                },
                100.0 / k as f64,
                "ok".into(),
                None,
            );
        }
        let s = m[0].summary().expect("samples");
        let m = summaries(&m);
        assert_eq!(
            (s.median_ms, s.min_ms, s.max_ms, s.samples),
            (100.0, 90.0, 110.0, 3)
        );
        assert_eq!(serial_ms(&m), Some(100.0));
        // 100 / 3 ms is kept to the nanosecond, so its speedup is 3 within 1e-7.
        let ups = speedups(&m, shared);
        assert_eq!(ups.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(
            ups.iter().all(|&(k, x)| (x - k as f64).abs() < 1e-7),
            "{ups:?}"
        );
        let effs = efficiencies(&m, shared);
        assert_eq!(effs.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(effs.iter().all(|(_, e)| (e - 1.0).abs() < 1e-7), "{effs:?}");
        // Half as fast as perfect at 4 workers: efficiency 0.5.
        let mut half = m.clone();
        half.last_mut().expect("4 workers").summary.median_ms = 50.0;
        assert_eq!(efficiencies(&half, shared)[3], (4, 0.5));
        assert!(efficiencies(&m, Mode::Pool { reuse: true }).is_empty());
        assert!(
            efficiencies(&m[1..], shared).is_empty(),
            "no serial baseline"
        );
        let fit = amdahl(&m, shared, 4).expect("a fit");
        assert!(fit.serial_fraction < 1e-6 && fit.up_to == 4, "{fit:?}");
        assert!(series(&m, Mode::Pool { reuse: true }).is_empty());
    }

    /// A sweep's summaries from a serial time and one mode's times by worker count.
    fn swept(serial_ms: f64, mode: Mode, times: &[(usize, f64)]) -> Vec<PointSummary> {
        let mut m = Vec::new();
        let point = |mode, workers| Point { mode, workers };
        record(
            &mut m,
            point(Mode::MainThread, 1),
            serial_ms,
            String::new(),
            None,
        );
        for &(k, ms) in times {
            record(&mut m, point(mode, k), ms, String::new(), None);
        }
        summaries(&m)
    }

    const SHARED: Mode = Mode::Shared { gil: false };

    #[test]
    fn pure_sleeping_fits_a_serial_fraction_near_zero() {
        // 10 tasks of 100 ms: k workers take ceil(10 / k) rounds, plus a little start-up.
        let times: Vec<(usize, f64)> = (1..=16)
            .map(|k| (k, 100.0 * 10usize.div_ceil(k) as f64 + 2.0))
            .collect();
        let points = swept(1000.0, SHARED, &times);
        let fit = amdahl(&points, SHARED, 2).expect("a fit");
        assert!(fit.serial_fraction < 0.05, "{fit:?}");
        assert_eq!(fit.up_to, 2);
        let (tail, ..) = past_the_cores(&points, SHARED, 2).expect("a tail");
        assert_eq!(tail, Tail::Grows);
    }

    #[test]
    fn an_amdahl_curve_is_recovered_over_the_cores_and_a_flat_tail_does_not_inflate_it() {
        let s = 0.3;
        let amdahl_ms = |k: usize| 1000.0 * (s + (1.0 - s) / k as f64);
        // 4 cores, then 12 more workers taking turns: the time stays where it was at 4.
        let times: Vec<(usize, f64)> = (1..=16).map(|k| (k, amdahl_ms(k.min(4)))).collect();
        let points = swept(1000.0, SHARED, &times);
        let fit = amdahl(&points, SHARED, 4).expect("a fit");
        assert!((fit.serial_fraction - s).abs() < 0.05, "{fit:?}");
        assert!((fit.speedup(4.0) - 1000.0 / amdahl_ms(4)).abs() < 0.05);
        let (tail, at, (low, high)) = past_the_cores(&points, SHARED, 4).expect("a tail");
        assert_eq!(tail, Tail::Flat);
        assert!((at - low).abs() < 1e-6 && (at - high).abs() < 1e-6);
        // Fitting every count would have read the core limit as a serial part.
        let everything = amdahl_serial_fraction(&speedups(&points, SHARED)).expect("a fit");
        assert!(everything > s + 0.05, "{everything}");
    }

    #[test]
    fn a_perfect_scaler_on_two_cores_fits_zero_and_one_core_fits_nothing() {
        let times: Vec<(usize, f64)> = (1..=8).map(|k| (k, 1000.0 / k.min(2) as f64)).collect();
        let points = swept(1000.0, SHARED, &times);
        let fit = amdahl(&points, SHARED, 2).expect("a fit");
        assert!(fit.serial_fraction < 1e-6, "{fit:?}");
        assert_eq!(amdahl(&points, SHARED, 1), None, "one core: nothing to fit");
        // A tail that falls: 8 workers at half the speed of 2.
        let mut falling = times.clone();
        falling[7].1 = 1000.0;
        let (tail, ..) =
            past_the_cores(&swept(1000.0, SHARED, &falling), SHARED, 2).expect("a tail");
        assert_eq!(tail, Tail::Falls);
    }

    #[test]
    fn a_tail_within_a_quarter_of_the_speedup_at_the_cores_is_flat() {
        // At 2 cores the speedup is 2; past them, exactly 1.25× higher or lower is still flat.
        for (tail_ms, kind) in [
            (400.0, Tail::Flat),
            (399.0, Tail::Grows),
            (625.0, Tail::Flat),
            (626.0, Tail::Falls),
        ] {
            let points = swept(1000.0, SHARED, &[(1, 1000.0), (2, 500.0), (4, tail_ms)]);
            let (tail, at, _) = past_the_cores(&points, SHARED, 2).expect("a tail");
            assert_eq!((tail, at), (kind, 2.0), "{tail_ms} ms");
        }
    }

    #[test]
    fn summaries_keep_whole_nanoseconds() {
        let m = Measured {
            point: Point {
                mode: Mode::MainThread,
                workers: 1,
            },
            samples_ms: vec![1.000_000_4, 2.000_000_6, 3.0],
            result: String::new(),
            timeline: None,
        };
        let s = m.summary().expect("samples");
        assert_eq!((s.min_ms, s.max_ms, s.median_ms), (1.0, 3.0, 2.000_001));
    }

    #[test]
    fn a_predicted_line_goes_through_every_small_count_each_jump_and_enough_between() {
        let counts: Vec<usize> = drawn_counts(1024, 1000).into_iter().collect();
        assert_eq!(counts[..32], (1..=32).collect::<Vec<_>>()[..]);
        assert_eq!(counts.last(), Some(&1024));
        for pair in counts.windows(2) {
            assert!(pair[1] - pair[0] <= pair[0].div_ceil(16), "{pair:?}");
        }
        // A thousand tasks take 2 rounds on 500 to 999 workers, 3 on 334 to 499, ... 16 on
        // 63 to 66: the line is drawn on both sides of each drop.
        for k in [999, 1000, 499, 500, 333, 334, 62, 63] {
            assert!(counts.contains(&k), "{k}");
        }
        assert!(counts.len() < 150, "{} counts", counts.len());
        assert_eq!(drawn_counts(4, 1000), (1..=4).collect());
        assert_eq!(drawn_counts(0, 0), [1].into());
        assert_eq!(drawn_counts(40, 3).into_iter().max(), Some(40));
    }

    #[test]
    fn predictions_are_the_schedules_at_every_measured_count_and_drawn_one() {
        let costs = Costs {
            tasks: (0..100)
                .map(|i| (f64::from(i % 7), 1.0 + f64::from(i % 5)))
                .collect(),
            cores: 3.0,
            startup_ms: 4.0,
            message_ms: 0.5,
        };
        let shared = Mode::Shared { gil: false };
        let measured = [77, 150, 0].map(|workers| Point {
            mode: shared,
            workers,
        });
        let p = Predictions::from_costs(costs.clone(), &Mode::ALL, 200, measured);
        assert_eq!(
            p.series.len(),
            Mode::ALL.len() - 1,
            "every engine but serial"
        );
        for (mode, ks) in &p.series {
            let counts: Vec<usize> = ks.iter().map(|&(k, _)| k).collect();
            let mut expected = drawn_counts(200, 100);
            if *mode == shared {
                // Its own measured counts; other engines' are not its to compare with.
                expected.extend([77, 150]);
            }
            assert_eq!(counts, expected.into_iter().collect::<Vec<_>>(), "{mode:?}");
            for &(k, ms) in ks {
                let schedule = predict::predict(*mode, k, &costs);
                assert!(
                    (ms - schedule).abs() <= 1e-9 * schedule,
                    "{mode:?} {k}: {ms}"
                );
            }
        }
    }

    #[test]
    fn predictions_made_a_schedule_at_a_time_are_those_made_at_once() {
        let costs = Costs {
            tasks: (0..40)
                .map(|i| (f64::from(i % 3), 1.0 + f64::from(i % 4)))
                .collect(),
            cores: 2.0,
            startup_ms: 3.0,
            message_ms: 0.5,
        };
        let modes = crate::settings::BENCH_MODES;
        let measured = [5, 64, 90].map(|workers| Point {
            mode: Mode::Pool { reuse: false },
            workers,
        });
        let at_once = Predictions::from_costs(costs.clone(), &modes, 64, measured);
        let schedules: usize = (at_once.series.iter())
            .map(|(mode, ks)| {
                (ks.iter())
                    .map(|&(k, _)| predict::same_schedule_as(*mode, k, 40))
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            })
            .sum();
        let mut predicting = Predicting::new(costs, &modes, 64, measured);
        assert!(!predicting.step(0), "nothing predicted yet");
        let mut steps = 1;
        while !predicting.step(1) {
            steps += 1;
        }
        // One schedule a step; the last may find only counts already simulated.
        assert!(
            steps == schedules || steps == schedules + 1,
            "{steps} steps for {schedules} schedules"
        );
        assert!(predicting.step(1), "and then nothing is left");
        assert_eq!(predicting.finish(), at_once);
    }

    #[test]
    fn the_drawn_counts_are_thinned_to_what_all_engines_may_schedule_and_measured_ones_kept() {
        let n = crate::settings::MAX_TASKS;
        let costs = Costs {
            tasks: vec![(100.0, 2.0); n],
            cores: 1.0,
            startup_ms: 1.0,
            message_ms: 0.5,
        };
        let modes = crate::settings::BENCH_MODES;
        let gil = Mode::Shared { gil: true };
        let measured = (1..=300).map(|k| Point {
            mode: gil,
            workers: 3 * k,
        });
        let p = Predictions::from_costs(costs, &modes, 1024, measured);
        let each = MOST_SIMULATED / n / modes.len();
        for (mode, ks) in &p.series {
            let counts: Vec<usize> = ks.iter().map(|&(k, _)| k).collect();
            if *mode == gil {
                assert_eq!(counts, (1..=300).map(|k| 3 * k).collect::<Vec<_>>());
            } else {
                assert_eq!(counts.len(), each, "{mode:?}");
                assert_eq!((counts[0], counts[each - 1]), (1, 1024), "{mode:?}");
            }
        }
        assert_eq!(evenly(&[1, 2, 3, 4, 5], 3), [1, 3, 5]);
        assert_eq!(evenly(&[1, 2, 3, 4, 5], 2), [1, 5]);
        assert_eq!(evenly(&[1, 2, 3, 4, 5], 1), [1]);
        assert_eq!(evenly(&[1, 2, 3, 4, 5], 0), Vec::<usize>::new());
        assert_eq!(evenly(&[1, 2, 3], 7), [1, 2, 3]);
    }
}
