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

/// How many cores really scale, from a throughput curve measured at 1, 2, … workers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoreEstimate {
    /// Cores' worth of work the machine delivered at its best: peak throughput ÷ one worker's,
    /// rounded, at least 1 and at most the largest worker count measured.
    pub cores: usize,
    /// The same, unrounded.
    pub peak_speedup: f64,
    /// Where throughput stops growing: the fewest workers reaching 95% of the peak.
    pub knee: usize,
}

/// Estimates effective cores from `(workers, throughput)` points (any unit of work per time).
/// Each point is smoothed with its neighbours (median of three; mean of two at the ends) so
/// that one lucky or unlucky measurement neither makes nor hides a core; one worker's
/// throughput is taken as measured. `None` without a positive one-worker point.
pub fn effective_cores(curve: &[(usize, f64)]) -> Option<CoreEstimate> {
    let mut curve: Vec<(usize, f64)> = curve
        .iter()
        .copied()
        .filter(|(k, t)| *k >= 1 && t.is_finite() && *t >= 0.0)
        .collect();
    curve.sort_by_key(|p| p.0);
    curve.dedup_by_key(|p| p.0);
    let one = curve.first().filter(|p| p.0 == 1 && p.1 > 0.0)?.1;
    let smoothed: Vec<(usize, f64)> = (0..curve.len())
        .map(|i| {
            let window: Vec<f64> = curve[i.saturating_sub(1)..(i + 2).min(curve.len())]
                .iter()
                .map(|p| p.1)
                .collect();
            (curve[i].0, median(&window).expect("finite values"))
        })
        .collect();
    let peak = smoothed.iter().map(|p| p.1).fold(one, f64::max);
    let top = curve.last().map_or(1, |p| p.0);
    let knee = smoothed
        .iter()
        .find(|p| p.1 >= 0.95 * peak)
        .map_or(1, |p| p.0);
    let peak_speedup = peak / one;
    Some(CoreEstimate {
        cores: (peak_speedup.round() as usize).clamp(1, top),
        peak_speedup,
        knee,
    })
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

    fn curve(f: impl Fn(usize) -> f64, max: usize) -> Vec<(usize, f64)> {
        (1..=max).map(|k| (k, f(k))).collect()
    }

    #[test]
    fn effective_cores_of_a_flat_curve_is_one() {
        let e = effective_cores(&curve(|_| 10.0, 8)).expect("an estimate");
        assert_eq!((e.cores, e.knee), (1, 1));
    }

    #[test]
    fn effective_cores_of_a_linear_curve_is_the_most_workers_measured() {
        let e = effective_cores(&curve(|k| 3.0 * k as f64, 16)).expect("an estimate");
        assert_eq!(e.cores, 16);
        assert!(e.knee >= 15, "{e:?}");
    }

    #[test]
    fn effective_cores_of_a_plateau_is_where_it_starts() {
        let e = effective_cores(&curve(|k| k.min(4) as f64, 16)).expect("an estimate");
        assert_eq!((e.cores, e.knee), (4, 4));
        // Two vCPUs that barely scale: 1.4× at best.
        let e =
            effective_cores(&curve(|k| if k == 1 { 1.0 } else { 1.4 }, 4)).expect("an estimate");
        assert_eq!((e.cores, e.knee), (1, 2));
        assert!((e.peak_speedup - 1.4).abs() < 1e-9);
    }

    #[test]
    fn effective_cores_shrugs_off_noise_and_a_lucky_outlier() {
        // A plateau at 6 with ±8% noise and one point measured 60% high.
        let noise = [
            1.0, 0.93, 1.06, 0.97, 1.08, 0.94, 1.02, 0.92, 1.07, 0.95, 1.6, 0.96, 1.03, 0.99, 1.05,
            0.93,
        ];
        let e =
            effective_cores(&curve(|k| k.min(6) as f64 * noise[k - 1], 16)).expect("an estimate");
        assert_eq!(e.cores, 6, "{e:?}");
        assert!((5..=8).contains(&e.knee), "{e:?}");
        assert_eq!(effective_cores(&[(2, 1.0)]), None, "no one-worker point");
        assert_eq!(effective_cores(&[]), None);
    }
}
