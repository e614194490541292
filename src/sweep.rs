//! The experiment bench's sweep, as data: which points to measure (every selected mode at every
//! worker count, plus the serial baseline), how many repetitions, and the summaries the chart
//! and table show — median, min and max per point, speedup, efficiency, an Amdahl fit.

use crate::run::Mode;
use crate::stats::{amdahl_serial_fraction, efficiency, median, speedup};
use crate::timeline::Timeline;
use crate::workloads::Job;

/// One point of the sweep: a mode at a worker count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub mode: Mode,
    pub workers: usize,
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
    pub timeline: Option<Timeline>,
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

/// Amdahl's serial fraction fitted to a mode's speedups.
pub fn amdahl(measured: &[PointSummary], mode: Mode) -> Option<f64> {
    amdahl_serial_fraction(&speedups(measured, mode))
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
            m.timeline = timeline.or(m.timeline.take());
        }
        None => measured.push(Measured {
            point,
            samples_ms: vec![elapsed_ms],
            result,
            timeline,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::Workload;

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
        assert!(
            efficiencies(&m, shared)
                .iter()
                .all(|(_, e)| (e - 1.0).abs() < 1e-7)
        );
        assert!(amdahl(&m, shared).expect("a fit") < 1e-6);
        assert!(series(&m, Mode::Pool { reuse: true }).is_empty());
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
}
