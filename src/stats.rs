//! Summaries of timings: the median of repetitions, speedup and parallel efficiency against a
//! serial baseline.

/// How long serial runs on the page's own thread froze it: the lesson of running there.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Freeze {
    /// Serial runs measured.
    pub runs: usize,
    /// The longest stretch the page could not answer (no timer tick, no click, no paint).
    pub longest_ms: f64,
    /// Frozen stretches of 50 ms or more, added up.
    pub total_ms: f64,
}

impl Freeze {
    fn merge(self, other: Self) -> Self {
        Self {
            runs: self.runs + other.runs,
            longest_ms: self.longest_ms.max(other.longest_ms),
            total_ms: self.total_ms + other.total_ms,
        }
    }
}

/// How free the page's main thread stayed while workers computed, and, apart from that, how
/// long the serial runs froze it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Responsiveness {
    /// Worker-engine runs measured; the figures below are theirs.
    pub worker_runs: usize,
    /// Longest gap between the ticks of a short page timer.
    pub longest_gap_ms: f64,
    /// Longest task the browser's long-task observer reported (`None`: it reported none, or, as
    /// in Firefox, does not report long tasks at all).
    pub longest_task_ms: Option<f64>,
    /// Tasks over 50 ms that the observer reported.
    pub long_tasks: usize,
    /// Longest animation frame the browser's long-animation-frame observer reported: a stretch
    /// the page could not paint, whatever held it (`None`: it reported none).
    pub longest_frame_ms: Option<f64>,
    /// Animation frames over 50 ms that observer reported; `None` where the browser has no such
    /// observer (Firefox).
    pub long_frames: Option<usize>,
    /// Animation frames seen, and those that came later than 1.5 frame periods (60 Hz).
    pub frames: usize,
    pub dropped_frames: usize,
    /// The serial runs' freeze, when any ran.
    pub serial: Option<Freeze>,
}

impl Responsiveness {
    /// Two measurements as one: the worst of each, counts added.
    pub fn merge(self, other: Self) -> Self {
        Self {
            worker_runs: self.worker_runs + other.worker_runs,
            longest_gap_ms: self.longest_gap_ms.max(other.longest_gap_ms),
            longest_task_ms: match (self.longest_task_ms, other.longest_task_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            long_tasks: self.long_tasks + other.long_tasks,
            longest_frame_ms: match (self.longest_frame_ms, other.longest_frame_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            long_frames: match (self.long_frames, other.long_frames) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            },
            frames: self.frames + other.frames,
            dropped_frames: self.dropped_frames + other.dropped_frames,
            serial: match (self.serial, other.serial) {
                (Some(a), Some(b)) => Some(a.merge(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// The diagnostics line: how long serial runs froze the page, and, apart from them, what
    /// the main thread went through while workers computed. `long_tasks_reported`: whether the
    /// browser reports long tasks at all (Firefox does not).
    pub fn describe(&self, long_tasks_reported: bool) -> String {
        let plural = |n: usize, noun: &str| match n {
            1 => format!("1 {noun}"),
            _ => format!("{n} {noun}s"),
        };
        let serial = self.serial.map(|f| {
            format!(
                "Serial runs on the page's own thread froze it for {} in all ({}); the longest frozen stretch was {:.0} ms, so a click (Cancel too) waited up to that long. ",
                secs(f.total_ms),
                plural(f.runs, "run"),
                f.longest_ms
            )
        });
        let workers = (self.worker_runs > 0).then(|| {
            let tasks = match self.longest_task_ms {
                Some(ms) => format!("longest task {ms:.0} ms ({} over 50 ms)", self.long_tasks),
                None if long_tasks_reported => "no task over 50 ms".into(),
                None => "long tasks not reported by this browser".into(),
            };
            let long_frames = match (self.long_frames, self.longest_frame_ms) {
                (Some(n), Some(ms)) => {
                    format!("; longest animation frame {ms:.0} ms ({n} over 50 ms)")
                }
                (Some(_), None) => "; no animation frame over 50 ms".into(),
                (None, _) => String::new(),
            };
            format!(
                "Main thread during {}: {tasks}{long_frames}; longest gap between timer ticks {:.1} ms; {} of {} frames late.",
                plural(self.worker_runs, "worker run"),
                self.longest_gap_ms,
                self.dropped_frames,
                self.frames
            )
        });
        format!(
            "{}{}",
            serial.unwrap_or_default(),
            workers.unwrap_or_default()
        )
    }

    /// Merges optional measurements.
    pub fn merge_opt(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.merge(b)),
            (a, b) => a.or(b),
        }
    }
}

/// 1450 → "1.45 s", 145 → "145.0 ms".
pub fn secs(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
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

impl CoreEstimate {
    /// The estimate beside the measured curve it came from and the `hardwareConcurrency` the
    /// browser reports, in words that agree with the numbers shown: the peak and the knee are
    /// the smoothed curve's, and the sentence says so.
    pub fn describe(&self, curve: &[(usize, f64)], hardware_concurrency: usize) -> String {
        let hc = hardware_concurrency;
        let one = curve.first().map_or(1.0, |p| p.1).max(f64::MIN_POSITIVE);
        let points = curve
            .iter()
            .map(|(k, t)| format!("{k}: {:.2}×", t / one))
            .collect::<Vec<_>>()
            .join(", ");
        let best = curve
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(k, t)| format!(" (best single point {:.2}× at {k})", t / one))
            .unwrap_or_default();
        let note = match self.cores.cmp(&hc) {
            std::cmp::Ordering::Less => format!(
                " The browser reports {hc}, but only {} scale here: a virtual machine or a busy host can deliver less than it reports.",
                self.cores
            ),
            std::cmp::Ordering::Greater => format!(
                " More than the {hc} the browser reports: browsers clamp or round hardwareConcurrency."
            ),
            std::cmp::Ordering::Equal => String::new(),
        };
        format!(
            "{} — {:.1} cores' worth at best. Smoothed over neighbouring worker counts (each point the median of itself and its neighbours, so one lucky or unlucky run neither makes nor hides a core), throughput peaks at {:.2}× one worker's and reaches 95% of that at {} worker{}. Measured by workers — {points}{best}.{note} ",
            self.cores,
            self.peak_speedup,
            self.peak_speedup,
            self.knee,
            if self.knee == 1 { "" } else { "s" },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cores_sentence_names_its_smoothing_and_shows_the_raw_points() {
        // The curve a user saw: 2: 1.95×, 3: 1.84×, 4: 1.97×.
        let curve = [(1, 1.0), (2, 1.95), (3, 1.84), (4, 1.97)];
        let e = effective_cores(&curve).expect("an estimate");
        let text = e.describe(&curve, 2);
        assert!(
            text.contains("Smoothed over neighbouring worker counts"),
            "{text}"
        );
        assert!(text.contains("2: 1.95×, 3: 1.84×, 4: 1.97×"), "{text}");
        assert!(text.contains("best single point 1.97× at 4"), "{text}");
        assert!(
            text.contains(&format!("peaks at {:.2}×", e.peak_speedup)),
            "{text}"
        );
        assert!(
            e.peak_speedup <= 1.97,
            "the smoothed peak is no higher than the best point"
        );
    }

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
            worker_runs: 1,
            longest_gap_ms: 9.0,
            longest_task_ms: None,
            long_tasks: 0,
            longest_frame_ms: None,
            long_frames: Some(0),
            frames: 60,
            dropped_frames: 1,
            serial: None,
        };
        let b = Responsiveness {
            worker_runs: 2,
            longest_gap_ms: 4.0,
            longest_task_ms: Some(70.0),
            long_tasks: 1,
            longest_frame_ms: Some(110.0),
            long_frames: Some(2),
            frames: 30,
            dropped_frames: 2,
            serial: Some(Freeze {
                runs: 1,
                longest_ms: 146.0,
                total_ms: 1450.0,
            }),
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
        assert_eq!(m.worker_runs, 3);
        assert_eq!((m.longest_frame_ms, m.long_frames), (Some(110.0), Some(2)));
        let twice = m.merge(b).serial.expect("serial runs");
        assert_eq!(
            (twice.runs, twice.longest_ms, twice.total_ms),
            (2, 146.0, 2900.0)
        );
        assert_eq!(Responsiveness::merge_opt(None, Some(a)), Some(a));
    }

    #[test]
    fn the_diagnostics_show_the_serial_freeze_apart_from_the_worker_runs() {
        let serial = Responsiveness {
            serial: Some(Freeze {
                runs: 1,
                longest_ms: 146.0,
                total_ms: 1450.0,
            }),
            ..Responsiveness::default()
        };
        let workers = Responsiveness {
            worker_runs: 9,
            longest_gap_ms: 7.0,
            frames: 300,
            ..Responsiveness::default()
        };
        let text = serial.merge(workers).describe(true);
        assert_eq!(
            text,
            "Serial runs on the page's own thread froze it for 1.45 s in all (1 run); the longest \
             frozen stretch was 146 ms, so a click (Cancel too) waited up to that long. Main thread \
             during 9 worker runs: no task over 50 ms; longest gap between timer ticks 7.0 ms; 0 of \
             300 frames late."
        );
        assert!(!workers.describe(false).contains("Serial"));
        let frames = |long_frames, longest_frame_ms| {
            Responsiveness {
                long_frames,
                longest_frame_ms,
                ..workers
            }
            .describe(true)
        };
        assert!(
            !frames(None, None).contains("animation frame"),
            "not reported"
        );
        assert!(
            frames(Some(0), None).contains("no task over 50 ms; no animation frame over 50 ms;")
        );
        assert!(
            frames(Some(3), Some(112.4))
                .contains("; longest animation frame 112 ms (3 over 50 ms);")
        );
        assert!(workers.describe(false).contains("long tasks not reported"));
        assert_eq!(serial.describe(true).matches("Main thread").count(), 0);
    }

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(1000.0, 250.0), Some(4.0));
        assert_eq!(efficiency(1000.0, 250.0, 8), Some(0.5));
        assert_eq!(speedup(1000.0, 0.0), None);
        assert_eq!(speedup(0.0, 250.0), None, "a serial time of 0 ms");
        assert_eq!(efficiency(0.0, 250.0, 2), None);
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

    #[test]
    fn effective_cores_drop_what_a_coarse_timer_makes() {
        // A run timed at 0 ms has an infinite throughput: it says nothing and is dropped.
        for bad in [f64::INFINITY, f64::NAN, -1.0] {
            let e = effective_cores(&[(1, 10.0), (2, bad), (3, 30.0)]).expect("an estimate");
            assert_eq!(e.cores, 2, "{bad}: {e:?}");
            assert!((e.peak_speedup - 2.0).abs() < 1e-9, "{bad}: {e:?}");
        }
        assert_eq!(
            effective_cores(&[(1, 0.0), (2, 5.0)]),
            None,
            "no speedup over nothing"
        );
    }

    #[test]
    fn a_speedup_of_nothing_is_no_fit() {
        // A 0 ms point (a link can carry one) is skipped, not read as an infinite slowdown.
        let fit = amdahl_serial_fraction(&[(2, 0.0), (4, 2.0)]).expect("a fit");
        assert!((fit - 1.0 / 3.0).abs() < 1e-9, "{fit}");
        assert_eq!(amdahl_serial_fraction(&[(2, 0.0)]), None);
    }
}
