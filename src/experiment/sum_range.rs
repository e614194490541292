//! Sum of range, process per number (seed 002): a worker per number, joined after all started or
//! inside the loop, and a clock stopped before joining.

use super::{Outcomes, Preset, PresetId, Step, StepsContext, per_task, times};
use crate::run::{Join, Mode};
use crate::stats::secs;
use crate::workloads::sum_range::SEED_NUMBERS;
use crate::workloads::{Job, Workload};

/// The sum-of-range unit in the full preset: 10× the seed's 10⁶, because compiled code runs
/// the loop much faster than CPython — at the seed's size the whole sum takes less time here
/// than starting one worker.
pub const FULL_SUM_UNIT: u64 = 10_000_000;

pub(super) const PRESET: Preset = Preset {
    id: PresetId::SumRange,
    key: "sum-range",
    title: "Sum of range, process per number",
    seeds: "002",
    seed_found: "sum(range(num × 10⁶)) for [11, 23, 53, 34]: the post's timing stopped the clock before joining (a 'drastic reduction'); its final code joins inside the loop, which runs one process at a time.",
    steps,
    lesson,
};

/// The four sums serially, and with a worker per sum: joined after all started, joined inside the
/// loop, and timed by a clock stopped before joining.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let job = Job::new(
        Workload::SumRange {
            numbers: SEED_NUMBERS.to_vec(),
            unit: cx.scale.pick(FULL_SUM_UNIT, 100_000),
        },
        4,
    );
    vec![
        Step::new(
            "serial",
            "regular execution",
            Mode::MainThread,
            1,
            job.clone(),
        ),
        Step::new(
            "start-then-join",
            "start all, then join all",
            per_task(Join::AfterAll),
            4,
            job.clone(),
        ),
        Step::new(
            "join-in-loop",
            "join inside the loop",
            per_task(Join::InsideLoop),
            4,
            job.clone(),
        ),
        Step::new(
            "clock-before-join",
            "clock stopped before join",
            per_task(Join::ClockStopsBeforeJoin),
            4,
            job,
        ),
    ]
}

/// What each way of joining took, and what the early clock measures instead.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        Some(format!(
            "Serial {}; starting all four workers, then joining, {} ({}).",
            secs(o.ms("serial")?),
            secs(o.ms("start-then-join")?),
            times(o.speedup("serial", "start-then-join")?)
        ))
    })());
    say((|| {
        Some(format!(
            "Joining inside the loop took {} — {} of serial: each worker finishes before the next starts.",
            secs(o.ms("join-in-loop")?),
            times(o.ms("join-in-loop")? / o.ms("serial")?)
        ))
    })());
    say((|| {
        Some(format!(
            "Stopping the clock before joining reports {}: that is only the time to start the workers, not to run them.",
            secs(o.ms("clock-before-join")?)
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    #[test]
    fn each_way_of_joining_is_timed_against_serial_and_the_early_clock_called_startup() {
        let text = lesson_from(
            PresetId::SumRange,
            2,
            &[
                ("serial", 1208.0),
                ("start-then-join", 650.0),
                ("join-in-loop", 1300.0),
                ("clock-before-join", 2.0),
            ],
        );
        assert_eq!(
            text,
            "Serial 1.21 s; starting all four workers, then joining, 650.0 ms (1.86×). Joining \
             inside the loop took 1.30 s — 1.08× of serial: each worker finishes before the next \
             starts. Stopping the clock before joining reports 2.0 ms: that is only the time to \
             start the workers, not to run them."
        );
    }
}
