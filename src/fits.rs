//! The bench's fits in words, shown under its chart: per engine, Amdahl's serial fraction fitted
//! over the worker counts up to the cores, and what the speedup did past the cores. Every clause
//! is chosen and filled in from the numbers, so no sentence can say more than they show.

use crate::run::Mode;
use crate::sweep::{self, AmdahlFit, PointSummary, Tail};
use crate::words::count;

/// What the chart's legend says of a fitted curve, e.g. `Amdahl fit over 1–2 workers: serial 4%`.
pub fn legend_text(fit: &AmdahlFit) -> String {
    format!(
        "Amdahl fit over 1–{} workers: serial {}",
        fit.up_to,
        percent(fit.serial_fraction)
    )
}

/// One sentence per mode that has a speedup (a point and the serial baseline), in `modes`'
/// order. `cores` is the `hardwareConcurrency` of the machine that measured `points`, `tasks`
/// the sweep's task count; `whose` (`mine` or `theirs`) follows the engine's name when two
/// sweeps are shown.
pub fn notes(
    points: &[PointSummary],
    modes: &[Mode],
    cores: usize,
    tasks: usize,
    whose: Option<&str>,
) -> Vec<String> {
    modes
        .iter()
        .filter_map(|&mode| {
            let name = match whose {
                Some(whose) => format!("{} ({whose})", mode.label()),
                None => mode.label().to_string(),
            };
            note(points, mode, cores, tasks).map(|text| format!("{name}: {text}."))
        })
        .collect()
}

/// The sentence's body for one mode, or `None` without a speedup to speak of.
fn note(points: &[PointSummary], mode: Mode, cores: usize, tasks: usize) -> Option<String> {
    let ups = sweep::speedups(points, mode);
    if ups.is_empty() {
        return None;
    }
    let within: Vec<(usize, f64)> = ups.iter().copied().filter(|p| p.0 <= cores).collect();
    let tail = sweep::past_the_cores(points, mode, cores).zip(within.last());
    let mut text = match (sweep::amdahl(points, mode, cores), within.last()) {
        (Some(fit), Some(&last)) => fit_clause(&fit, &within, last, tail.is_none()),
        _ if cores < 2 => "no Amdahl fit: the machine reports 1 core, so no worker count has a \
                           core of its own beyond the first"
            .to_string(),
        _ => format!(
            "no Amdahl fit: it needs a point measured at {} workers, where each worker can have \
             a core of its own",
            span(2, cores, "or")
        ),
    };
    if let Some(((tail, at, (low, high)), &(k, _))) = tail {
        let beyond: Vec<usize> = ups.iter().map(|p| p.0).filter(|&w| w > cores).collect();
        let counts = span(beyond[0], beyond[beyond.len() - 1], "and");
        text += &format!("; at {counts} workers, past the {}, ", count(cores, "core"));
        text += &tail_clause(tail, (at, k), (low, high), cores, tasks);
    }
    Some(text)
}

/// The fit: its serial fraction, and, when `measured`, the speedup it was fitted to at the top
/// of its range, `(k, at)` (the tail's clause names it otherwise).
fn fit_clause(
    fit: &AmdahlFit,
    within: &[(usize, f64)],
    (k, at): (usize, f64),
    measured: bool,
) -> String {
    let fitted = format!(
        "Amdahl's law fitted over 1–{} workers puts the serial fraction at {}",
        fit.up_to,
        percent(fit.serial_fraction)
    );
    let fitted_to = || within.iter().filter(|p| p.0 >= 2);
    let best = fitted_to().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let beyond_ideal = fitted_to().find(|&&(w, s)| s > w as f64);
    if let (Some(&(w, s)), true) = (beyond_ideal, fit.serial_fraction == 0.0) {
        format!(
            "{fitted}, its limit: the speedup at {w} workers was {}, more than the {w}× Amdahl's \
             law allows",
            times(s)
        )
    } else if best <= 1.0 {
        format!(
            "{fitted}, its limit: no run there beat serial ({} at {k}), and Amdahl's law has no \
             slower-than-serial",
            times(at)
        )
    } else if measured {
        format!("{fitted} ({} measured at {k})", times(at))
    } else {
        fitted
    }
}

/// What the speedup did past the cores, against `at` (the speedup at `k`, the last count within
/// them), and what that means for a sweep of `tasks` tasks on `cores` cores.
fn tail_clause(
    tail: Tail,
    (at, k): (f64, usize),
    (low, high): (f64, f64),
    cores: usize,
    tasks: usize,
) -> String {
    let one = (high - low).abs() < 0.005;
    let at = format!("{} at {k}", times(at));
    let measured = match tail {
        Tail::Flat if one => format!("the speedup was {} ({at})", times(low)),
        Tail::Flat => format!(
            "the speedup stayed between {} and {} ({at})",
            times(low),
            times(high)
        ),
        Tail::Grows | Tail::Falls => {
            let side = if tail == Tail::Grows {
                "above"
            } else {
                "below"
            };
            if one {
                format!("the speedup was {}, over 25% {side} its {at}", times(low))
            } else {
                format!(
                    "the speedup ranged from {} to {} and ended over 25% {side} its {at}",
                    times(low),
                    times(high)
                )
            }
        }
    };
    let why = match tail {
        _ if tasks <= cores => format!(
            "with {}, no more than {tasks} worker{} ever had work, so the workers past the cores \
             had none",
            count(tasks, "task"),
            if tasks == 1 { "" } else { "s" }
        ),
        Tail::Flat => "more workers than cores take turns on the same cores".to_string(),
        Tail::Grows if high > cores as f64 => format!(
            "beyond the {cores}× that {} give tasks that only compute: waiting tasks need no \
             core, the machine has more cores than its hardwareConcurrency says, or the serial \
             baseline ran slow",
            count(cores, "core")
        ),
        Tail::Grows => format!(
            "still within the {cores}× that {} can give: the cores were better used, not \
             outgrown",
            count(cores, "core")
        ),
        Tail::Falls => "oversubscription cost more than it brought (switching between workers, \
                        starting them, their memory)"
            .to_string(),
    };
    format!("{measured}: {why}")
}

/// `a`, `a–b`, or for two neighbouring counts `a and b` / `a or b` (the word `two`).
fn span(a: usize, b: usize, two: &str) -> String {
    match b.saturating_sub(a) {
        0 => a.to_string(),
        1 => format!("{a} {two} {b}"),
        _ => format!("{a}–{b}"),
    }
}

fn percent(fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

fn times(x: f64) -> String {
    format!("{x:.2}×")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARED: Mode = Mode::Shared { gil: false };
    const GIL: Mode = Mode::Shared { gil: true };
    const POOL: Mode = Mode::Pool { reuse: true };

    /// A serial baseline of 100 ms and each mode's speedups at 1, 2, 3… workers.
    fn sweep(curves: &[(Mode, &[f64])]) -> Vec<PointSummary> {
        use crate::sweep::tests::at;
        let mut points = vec![at(Mode::MainThread, 1, 100.0)];
        for &(mode, speedups) in curves {
            for (i, s) in speedups.iter().enumerate() {
                points.push(at(mode, i + 1, 100.0 / s));
            }
        }
        points
    }

    #[test]
    fn a_flat_tail_is_fitted_only_up_to_the_cores_and_described_as_taking_turns() {
        let points = sweep(&[(SHARED, &[1.0, 1.85, 1.78, 1.93, 1.80])]);
        let notes = notes(&points, &[SHARED], 2, 10, None);
        assert_eq!(
            notes,
            // 1.85× at 2 workers: 1/1.85 = f + (1 − f)/2, f = 2/1.85 − 1 ≈ 8%.
            [
                "shared memory: Amdahl's law fitted over 1–2 workers puts the serial fraction at 8%; \
              at 3–5 workers, past the 2 cores, the speedup stayed between 1.78× and 1.93× \
              (1.85× at 2): more workers than cores take turns on the same cores."
            ]
        );
    }

    #[test]
    fn a_tail_that_grows_past_what_the_cores_give_is_not_called_a_core_limit() {
        // Sleeping tasks: a speedup of nearly k, far past 2 cores.
        let points = sweep(&[(SHARED, &[1.0, 1.98, 2.9, 3.9, 4.8, 5.9])]);
        let n = &notes(&points, &[SHARED], 2, 10, Some("theirs"))[0];
        assert!(n.starts_with("shared memory (theirs): "), "{n}");
        assert!(n.contains("serial fraction at 1%"), "{n}");
        assert!(
            n.contains(
                "the speedup ranged from 2.90× to 5.90× and ended over 25% above its 1.98× at 2: \
                 beyond the 2× that 2 cores give tasks that only compute: waiting tasks need no core"
            ),
            "{n}"
        );
        assert!(!n.contains("take turns"), "{n}");
    }

    #[test]
    fn a_tail_that_grows_within_what_the_cores_give_is_not_called_waiting() {
        // A slow start at the cores, made up by more workers, never past 2×.
        let points = sweep(&[(SHARED, &[1.0, 1.1, 1.5, 1.9])]);
        let n = &notes(&points, &[SHARED], 2, 10, None)[0];
        assert!(
            n.contains(
                "ended over 25% above its 1.10× at 2: still within the 2× that 2 cores can give"
            ),
            "{n}"
        );
        assert!(!n.contains("waiting"), "{n}");
    }

    #[test]
    fn a_tail_that_falls_says_oversubscription_costs_more() {
        let points = sweep(&[(POOL, &[0.9, 1.7, 1.9, 1.2])]);
        let n = &notes(&points, &[POOL], 2, 10, None)[0];
        assert!(
            n.contains(
                "at 3 and 4 workers, past the 2 cores, the speedup ranged from 1.20× to 1.90× and \
                 ended over 25% below its 1.70× at 2: oversubscription cost more"
            ),
            "{n}"
        );
    }

    #[test]
    fn with_no_more_tasks_than_cores_the_workers_past_them_had_nothing_to_do() {
        let points = sweep(&[(POOL, &[0.9, 0.88, 1.2, 1.87]), (SHARED, &[1.0, 1.9, 1.9])]);
        let notes = notes(&points, &[SHARED, POOL], 2, 2, None);
        for n in &notes {
            assert!(
                n.ends_with(
                    "with 2 tasks, no more than 2 workers ever had work, so the workers past the \
                     cores had none."
                ),
                "{n}"
            );
        }
        assert!(
            notes[1].contains("ended over 25% above its 0.88× at 2"),
            "{}",
            notes[1]
        );
    }

    #[test]
    fn slower_than_serial_is_named_as_the_limit_of_the_fit() {
        // The GIL: no faster than serial at any count.
        let points = sweep(&[(GIL, &[0.97, 0.93, 0.95])]);
        assert_eq!(
            notes(&points, &[GIL], 2, 10, None),
            [
                "shared memory + GIL: Amdahl's law fitted over 1–2 workers puts the serial fraction \
              at 100%, its limit: no run there beat serial (0.93× at 2), and Amdahl's law has no \
              slower-than-serial; at 3 workers, past the 2 cores, the speedup was 0.95× (0.93× at \
              2): more workers than cores take turns on the same cores."
            ]
        );
    }

    #[test]
    fn more_than_ideal_is_named_as_the_limit_of_the_fit() {
        // A slow serial baseline: 2.47× on 2 workers.
        let points = sweep(&[(SHARED, &[2.5, 2.47, 2.0])]);
        let n = &notes(&points, &[SHARED], 2, 10, None)[0];
        assert!(
            n.contains(
                "puts the serial fraction at 0%, its limit: the speedup at 2 workers was 2.47×, \
                 more than the 2× Amdahl's law allows; at 3 workers"
            ),
            "{n}"
        );
    }

    #[test]
    fn without_points_in_the_fitted_range_there_is_no_fit_and_no_fraction() {
        // One core: every count past the first shares it.
        let points = sweep(&[(SHARED, &[1.0, 1.0, 0.99])]);
        let n = &notes(&points, &[SHARED], 1, 10, None)[0];
        assert!(
            n.contains("no Amdahl fit: the machine reports 1 core"),
            "{n}"
        );
        assert!(!n.contains('%'), "{n}");
        assert!(n.contains("at 2 and 3 workers, past the 1 core, "), "{n}");
        // Two cores and only 1 worker measured: the machine has a second core to fit at.
        let points = sweep(&[(SHARED, &[1.0])]);
        assert_eq!(
            notes(&points, &[SHARED], 2, 10, None),
            [
                "shared memory: no Amdahl fit: it needs a point measured at 2 workers, where each \
              worker can have a core of its own."
            ]
        );
        // Four cores, but only 1 worker measured: nothing to fit, nothing past the cores.
        let points = sweep(&[(SHARED, &[1.0])]);
        assert_eq!(
            notes(&points, &[SHARED], 4, 10, None),
            [
                "shared memory: no Amdahl fit: it needs a point measured at 2–4 workers, where each \
              worker can have a core of its own."
            ]
        );
    }

    #[test]
    fn a_tails_boundaries_fall_on_the_side_they_name() {
        // A spread of exactly half a hundredth (0.01 − 0.005 is exact) is a range, not one value.
        let said = tail_clause(Tail::Flat, (0.01, 2), (0.005, 0.01), 2, 10);
        assert!(
            said.starts_with("the speedup stayed between 0.01× and 0.01×"),
            "{said}"
        );
        // Reaching exactly what the cores give is still within it.
        let said = tail_clause(Tail::Grows, (1.5, 2), (2.0, 2.0), 2, 10);
        assert!(said.ends_with("still within the 2× that 2 cores can give: the cores were better used, not outgrown"), "{said}");
        let said = tail_clause(Tail::Grows, (1.5, 2), (2.0, 2.01), 2, 10);
        assert!(said.contains("beyond the 2× that 2 cores give"), "{said}");
    }

    #[test]
    fn modes_without_a_speedup_get_no_sentence() {
        let points = sweep(&[(SHARED, &[1.0, 2.0])]);
        assert_eq!(
            notes(&points, &[GIL, SHARED, POOL], 2, 10, None),
            [
                "shared memory: Amdahl's law fitted over 1–2 workers puts the serial fraction at 0% \
              (2.00× measured at 2)."
            ]
        );
        assert!(
            notes(&points[1..], &[SHARED], 2, 10, None).is_empty(),
            "no serial baseline"
        );
    }

    #[test]
    fn the_legend_names_the_range_and_the_fraction() {
        let fit = AmdahlFit {
            serial_fraction: 0.042,
            up_to: 2,
        };
        assert_eq!(legend_text(&fit), "Amdahl fit over 1–2 workers: serial 4%");
    }
}
