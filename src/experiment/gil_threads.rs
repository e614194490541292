//! GIL threads (seed 000): the loop on one thread and on ten, with a GIL and without.

use super::{GIL, Outcomes, Preset, PresetId, SHARED, Step, StepsContext, count, times};
use crate::run::Mode;
use crate::settings::FULL_LOOP_COUNT;
use crate::stats::secs;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::GilThreads,
    key: "gil",
    title: "GIL threads",
    seeds: "000",
    seed_found: "The loop on 1 Python thread 0.116 s; on 10 threads 0.958 s — the GIL lets one run at a time.",
    steps,
    lesson,
};

/// The loop ten times serially, and on 1 and 10 threads with and without a GIL.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let count = cx.scale.pick(FULL_LOOP_COUNT, 3_000_000);
    let one = Job::new(Workload::EmptyLoop { count }, 1);
    let ten = Job::new(Workload::EmptyLoop { count }, 10);
    vec![
        Step::new(
            "serial-10",
            "the loop 10 times, serially",
            Mode::MainThread,
            1,
            ten.clone(),
        ),
        Step::new("gil-1", "1 thread with a GIL", GIL, 1, one.clone()),
        Step::new("gil-10", "10 threads with a GIL", GIL, 10, ten.clone()),
        Step::new("shared-1", "1 thread, no GIL", SHARED, 1, one),
        Step::new("shared-10", "10 threads, no GIL", SHARED, 10, ten),
    ]
}

/// How much longer ten threads took than one, with the GIL and without, and how long the GIL's
/// threads waited for it.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let ratio = o.ms("gil-10")? / o.ms("gil-1")?;
        let why = if ratio >= 7.0 {
            "near ten times the work's length, because only the thread holding the lock may compute"
        } else {
            "well under the ten times that one lock holder at a time would give"
        };
        Some(format!(
            "With a GIL, 10 threads took {} against {} for one: {} as long, {why} (the seed saw 8.3×).",
            secs(o.ms("gil-10")?),
            secs(o.ms("gil-1")?),
            times(ratio)
        ))
    })());
    say((|| {
        let ratio = o.ms("shared-10")? / o.ms("shared-1")?;
        let verdict = if ratio < 8.0 {
            "the cores share the work"
        } else {
            "this machine barely runs them at once"
        };
        Some(format!(
            "Without it, 10 threads took {} against {} for one ({}); {} would make it {}: {verdict}.",
            secs(o.ms("shared-10")?),
            secs(o.ms("shared-1")?),
            times(ratio),
            count(cores, "fully used core"),
            times(10.0 / cores.min(10) as f64)
        ))
    })());
    say((|| {
        let r = o.run("gil-10")?;
        Some(format!(
            "The GIL's 10 threads spent {} waiting for the lock in all.",
            secs(r.run.gil_wait_ms())
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    /// The lesson's sentences on 1 and 10 threads with a GIL taking these times, on 2 cores.
    fn with_gil(one: f64, ten: f64) -> String {
        lesson_from(PresetId::GilThreads, 2, &[("gil-1", one), ("gil-10", ten)])
    }

    /// The lesson's sentence on 1 and 10 threads without a GIL taking these times, on 2 cores.
    fn without(one: f64, ten: f64) -> String {
        lesson_from(
            PresetId::GilThreads,
            2,
            &[("shared-1", one), ("shared-10", ten)],
        )
    }

    #[test]
    fn ten_gil_threads_from_seven_times_one_are_near_ten_times_and_below_it_well_under() {
        assert_eq!(
            with_gil(100.0, 700.0),
            "With a GIL, 10 threads took 700.0 ms against 100.0 ms for one: 7.00× as long, near \
             ten times the work's length, because only the thread holding the lock may compute \
             (the seed saw 8.3×). The GIL's 10 threads spent 0.0 ms waiting for the lock in all."
        );
        assert_eq!(
            with_gil(100.0, 690.0),
            "With a GIL, 10 threads took 690.0 ms against 100.0 ms for one: 6.90× as long, well \
             under the ten times that one lock holder at a time would give (the seed saw 8.3×). \
             The GIL's 10 threads spent 0.0 ms waiting for the lock in all."
        );
    }

    #[test]
    fn ten_free_threads_under_eight_times_one_share_the_cores_and_from_eight_times_do_not() {
        assert_eq!(
            without(100.0, 500.0),
            "Without it, 10 threads took 500.0 ms against 100.0 ms for one (5.00×); 2 fully used \
             cores would make it 5.00×: the cores share the work."
        );
        assert_eq!(
            without(100.0, 800.0),
            "Without it, 10 threads took 800.0 ms against 100.0 ms for one (8.00×); 2 fully used \
             cores would make it 5.00×: this machine barely runs them at once."
        );
    }
}
