//! The experiment bench's sweep, as data: which points to measure (every selected mode at every
//! worker count, plus the serial baseline), how many repetitions, and the summaries the chart
//! and table show — median, min and max per point, speedup, efficiency, an Amdahl fit.

use crate::run::Mode;
use crate::stats::{amdahl_serial_fraction, efficiency, median, speedup};
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
}

/// Median, min and max of a point's repetitions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

impl Measured {
    pub fn summary(&self) -> Option<Summary> {
        Some(Summary {
            median_ms: median(&self.samples_ms)?,
            min_ms: self
                .samples_ms
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min),
            max_ms: self
                .samples_ms
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max),
            samples: self.samples_ms.len(),
        })
    }
}

/// The serial baseline's median, if measured.
pub fn serial_ms(measured: &[Measured]) -> Option<f64> {
    measured
        .iter()
        .find(|m| m.point.mode == Mode::MainThread)?
        .summary()
        .map(|s| s.median_ms)
}

/// One mode's points, by worker count: (workers, summary).
pub fn series(measured: &[Measured], mode: Mode) -> Vec<(usize, Summary)> {
    let mut points: Vec<(usize, Summary)> = measured
        .iter()
        .filter(|m| m.point.mode == mode)
        .filter_map(|m| Some((m.point.workers, m.summary()?)))
        .collect();
    points.sort_by_key(|(k, _)| *k);
    points
}

/// A mode's speedups over the serial baseline: (workers, speedup).
pub fn speedups(measured: &[Measured], mode: Mode) -> Vec<(usize, f64)> {
    let Some(serial) = serial_ms(measured) else {
        return Vec::new();
    };
    series(measured, mode)
        .into_iter()
        .filter_map(|(k, s)| Some((k, speedup(serial, s.median_ms)?)))
        .collect()
}

/// A mode's parallel efficiency: (workers, speedup / workers).
pub fn efficiencies(measured: &[Measured], mode: Mode) -> Vec<(usize, f64)> {
    let Some(serial) = serial_ms(measured) else {
        return Vec::new();
    };
    series(measured, mode)
        .into_iter()
        .filter_map(|(k, s)| Some((k, efficiency(serial, s.median_ms, k)?)))
        .collect()
}

/// Amdahl's serial fraction fitted to a mode's speedups.
pub fn amdahl(measured: &[Measured], mode: Mode) -> Option<f64> {
    amdahl_serial_fraction(&speedups(measured, mode))
}

/// Adds a repetition's time to its point, creating the point on its first sample.
pub fn record(measured: &mut Vec<Measured>, point: Point, elapsed_ms: f64, result: String) {
    match measured.iter_mut().find(|m| m.point == point) {
        Some(m) => m.samples_ms.push(elapsed_ms),
        None => measured.push(Measured {
            point,
            samples_ms: vec![elapsed_ms],
            result,
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
            );
        }
        let s = m[0].summary().expect("samples");
        assert_eq!(
            (s.median_ms, s.min_ms, s.max_ms, s.samples),
            (100.0, 90.0, 110.0, 3)
        );
        assert_eq!(serial_ms(&m), Some(100.0));
        assert_eq!(
            speedups(&m, shared),
            vec![(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)]
        );
        assert!(
            efficiencies(&m, shared)
                .iter()
                .all(|(_, e)| (e - 1.0).abs() < 1e-9)
        );
        assert!(amdahl(&m, shared).expect("a fit") < 1e-9);
        assert!(series(&m, Mode::Pool { reuse: true }).is_empty());
    }
}
