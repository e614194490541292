//! Summaries of timings: the median of repetitions, speedup and parallel efficiency against a
//! serial baseline.

/// How free the page's main thread stayed while workers computed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Responsiveness {
    /// Longest gap between the ticks of a short page timer.
    pub longest_gap_ms: f64,
    /// Longest task the browser's long-task observer reported (`None`: it reported none, or, as
    /// in Firefox, does not report long tasks at all).
    pub longest_task_ms: Option<f64>,
    /// Tasks over 50 ms that the observer reported.
    pub long_tasks: usize,
    /// Animation frames seen, and those that came later than 1.5 frame periods (60 Hz).
    pub frames: usize,
    pub dropped_frames: usize,
}

impl Responsiveness {
    /// Two measurements as one: the worst of each, counts added.
    pub fn merge(self, other: Self) -> Self {
        Self {
            longest_gap_ms: self.longest_gap_ms.max(other.longest_gap_ms),
            longest_task_ms: match (self.longest_task_ms, other.longest_task_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            long_tasks: self.long_tasks + other.long_tasks,
            frames: self.frames + other.frames,
            dropped_frames: self.dropped_frames + other.dropped_frames,
        }
    }

    /// Merges optional measurements.
    pub fn merge_opt(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.merge(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The median of `samples` (the mean of the middle two for an even count); `None` when empty or
/// when any sample is not a finite number.
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() || samples.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// How many times faster than serial: `serial / parallel`. `None` when either time is not positive.
pub fn speedup(serial_ms: f64, parallel_ms: f64) -> Option<f64> {
    (serial_ms > 0.0 && parallel_ms > 0.0).then(|| serial_ms / parallel_ms)
}

/// Speedup per worker: 1.0 means every worker was fully used.
pub fn efficiency(serial_ms: f64, parallel_ms: f64, workers: usize) -> Option<f64> {
    if workers == 0 {
        return None;
    }
    speedup(serial_ms, parallel_ms).map(|s| s / workers as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn responsiveness_merges_to_the_worst_and_the_sum() {
        let a = Responsiveness {
            longest_gap_ms: 9.0,
            longest_task_ms: None,
            long_tasks: 0,
            frames: 60,
            dropped_frames: 1,
        };
        let b = Responsiveness {
            longest_gap_ms: 4.0,
            longest_task_ms: Some(70.0),
            long_tasks: 1,
            frames: 30,
            dropped_frames: 2,
        };
        let m = a.merge(b);
        assert_eq!(
            (
                m.longest_gap_ms,
                m.longest_task_ms,
                m.long_tasks,
                m.frames,
                m.dropped_frames
            ),
            (9.0, Some(70.0), 1, 90, 3)
        );
        assert_eq!(Responsiveness::merge_opt(None, Some(a)), Some(a));
    }

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(1000.0, 250.0), Some(4.0));
        assert_eq!(efficiency(1000.0, 250.0, 8), Some(0.5));
        assert_eq!(speedup(1000.0, 0.0), None);
        assert_eq!(efficiency(1000.0, 250.0, 0), None);
    }
}

/// Amdahl's law fitted to measured speedups: the serial fraction `f` that best explains
/// `speedup(k) = 1 / (f + (1 − f) / k)` over `points` of (workers, speedup), by least squares on
/// the linear form `1/S − 1/k = f (1 − 1/k)`. Points with one worker carry no information and are
/// skipped; `None` when nothing is left. The result is clamped to [0, 1].
pub fn amdahl_serial_fraction(points: &[(usize, f64)]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for &(k, s) in points {
        if k < 2 || !(s.is_finite() && s > 0.0) {
            continue;
        }
        let x = 1.0 - 1.0 / k as f64;
        let y = 1.0 / s - 1.0 / k as f64;
        num += x * y;
        den += x * x;
    }
    (den > 0.0).then(|| (num / den).clamp(0.0, 1.0))
}

#[cfg(test)]
mod amdahl_tests {
    use super::*;

    #[test]
    fn recovers_the_serial_fraction_of_ideal_curves() {
        for f in [0.0, 0.1, 0.5, 1.0] {
            let points: Vec<(usize, f64)> = (1..=8)
                .map(|k| (k, 1.0 / (f + (1.0 - f) / k as f64)))
                .collect();
            let fit = amdahl_serial_fraction(&points).expect("a fit");
            assert!((fit - f).abs() < 1e-9, "f = {f}, fit {fit}");
        }
    }

    #[test]
    fn slower_than_serial_clamps_to_one_and_nothing_to_fit_is_none() {
        assert_eq!(amdahl_serial_fraction(&[(2, 0.5), (4, 0.4)]), Some(1.0));
        assert_eq!(amdahl_serial_fraction(&[(1, 1.0)]), None);
        assert_eq!(amdahl_serial_fraction(&[]), None);
    }
}
