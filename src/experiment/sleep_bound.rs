//! Sleep-bound add (seeds 000, 004): ten additions, each after a wait, run serially, on threads
//! with and without a GIL, and on a pool.

use super::{GIL, Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, times};
use crate::run::Mode;
use crate::stats::secs;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::SleepBound,
    key: "sleep",
    title: "Sleep-bound add",
    seeds: "000, 004",
    seed_found: "10 × add with sleep(0.1): serial 1.004 s; Pool(10).map 0.110 s.",
    steps,
    lesson,
};

/// Ten additions, each after a wait: serially, on 10 threads with and without a GIL, and on
/// Pool(10).
fn steps(cx: &StepsContext) -> Vec<Step> {
    let job = Job::new(
        Workload::SleepAdd {
            ms: cx.scale.pick(100, 60),
        },
        10,
    );
    vec![
        Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
        Step::new("gil", "10 threads with a GIL", GIL, 10, job.clone()),
        Step::new(
            "shared",
            "10 threads, shared memory",
            SHARED,
            10,
            job.clone(),
        ),
        Step::new("pool", "Pool(10).map", POOL, 10, job),
    ]
}

/// Whether the pool and the threads overlapped their waits, against what the cores alone could
/// give.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let up = o.speedup("serial", "pool")?;
        let why = if up > 1.25 * cores as f64 {
            format!(
                "more than the {cores} cores could give: a waiting task needs no core, so waits overlap however few cores there are"
            )
        } else {
            format!("no more than {cores} cores could give: the waits did not overlap here")
        };
        Some(format!(
            "Serial: {} for 10 waits of {}. Pool(10): {} — {} as fast as serial on a machine that reports {cores} cores, {why}.",
            secs(o.ms("serial")?),
            secs(o.ms("serial")? / 10.0),
            secs(o.ms("pool")?),
            times(up)
        ))
    })());
    say((|| {
        let (serial, gil, shared) = (o.ms("serial")?, o.ms("gil")?, o.ms("shared")?);
        let overlap = |ms: f64| ms < serial / 2.0;
        let verdict = match (overlap(gil), overlap(shared)) {
            (true, true) => {
                "threads overlap their waits with or without a GIL: CPython releases the GIL while a thread sleeps"
            }
            (false, true) => {
                "with the GIL the waits did not overlap here, although CPython releases the GIL while a thread sleeps"
            }
            (true, false) => "the threads without a GIL did not overlap their waits here",
            (false, false) => "neither overlapped its waits here",
        };
        Some(format!(
            "10 threads: {} with a GIL, {} without ({} and {} as fast as serial): {verdict}.",
            secs(gil),
            secs(shared),
            times(serial / gil),
            times(serial / shared)
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::tests::{lesson_from, outcome};
    use crate::experiment::{Outcome, Outcomes, PresetId, Scale, lesson, steps};
    use crate::workloads::Workload;

    /// The lesson's sentence on Pool(10) against serial taking these times, on 2 cores.
    fn pool(serial: f64, pool: f64) -> String {
        lesson_from(
            PresetId::SleepBound,
            2,
            &[("serial", serial), ("pool", pool)],
        )
    }

    #[test]
    fn lessons_are_written_from_the_numbers() {
        let steps = steps(PresetId::SleepBound, Scale::Full, 2, 16, &Workload::Square);
        let times = [1004.0, 105.0, 104.0, 110.0];
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .zip(times)
            .map(|(s, t)| Some(outcome(s, t)))
            .collect();
        let text = lesson(
            PresetId::SleepBound,
            2,
            &Outcomes {
                steps: &steps,
                results: &results,
            },
        )
        .join(" ");
        assert!(text.contains("Serial: 1.00 s"), "{text}");
        assert!(
            text.contains("Pool(10): 110.0 ms — 9.13× as fast as serial"),
            "{text}"
        );
    }

    #[test]
    fn sleeps_that_did_not_overlap_are_not_called_overlapped() {
        let text = lesson_from(
            PresetId::SleepBound,
            2,
            &[
                ("serial", 1004.0),
                ("pool", 700.0),
                ("gil", 1000.0),
                ("shared", 110.0),
            ],
        );
        assert!(
            text.contains("no more than 2 cores could give: the waits did not overlap here"),
            "{text}"
        );
        assert!(
            text.contains("with the GIL the waits did not overlap here"),
            "{text}"
        );
        let usual = lesson_from(
            PresetId::SleepBound,
            2,
            &[("serial", 1004.0), ("pool", 110.0)],
        );
        assert!(usual.contains("a waiting task needs no core"), "{usual}");
    }

    #[test]
    fn a_pool_is_said_to_overlap_its_waits_only_past_a_quarter_over_the_cores() {
        assert_eq!(
            pool(1000.0, 400.0),
            "Serial: 1.00 s for 10 waits of 100.0 ms. Pool(10): 400.0 ms — 2.50× as fast as serial \
             on a machine that reports 2 cores, no more than 2 cores could give: the waits did \
             not overlap here."
        );
        assert_eq!(
            pool(900.0, 300.0),
            "Serial: 900.0 ms for 10 waits of 90.0 ms. Pool(10): 300.0 ms — 3.00× as fast as \
             serial on a machine that reports 2 cores, more than the 2 cores could give: a \
             waiting task needs no core, so waits overlap however few cores there are."
        );
    }

    #[test]
    fn threads_in_exactly_half_the_serial_time_are_not_said_to_overlap_their_waits() {
        let text = lesson_from(
            PresetId::SleepBound,
            2,
            &[("serial", 1000.0), ("gil", 500.0), ("shared", 100.0)],
        );
        assert_eq!(
            text,
            "10 threads: 500.0 ms with a GIL, 100.0 ms without (2.00× and 10.00× as fast as \
             serial): with the GIL the waits did not overlap here, although CPython releases the \
             GIL while a thread sleeps."
        );
    }
}
