//! asyncio (seed 002's promised next step, seed 000's sleep-add and add_compute): coroutines on
//! one thread's event loop overlap their waits, since a task that awaits a timer hands the loop
//! to the next, but not their computing, which holds the one thread; free threads compute on
//! the cores.

use super::{ASYNCIO, Outcomes, Preset, PresetId, SHARED, Step, StepsContext, times};
use crate::run::Mode;
use crate::settings::FULL_LOOP_COUNT;
use crate::stats::secs;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::AsyncioWaits,
    key: "asyncio",
    title: "asyncio: one thread, many waits",
    seeds: "000, 002",
    seed_found: "Seed 002 ends: \"Next, we look at asyncio\". Seed 000's add waits 0.1 s ten times (1.004 s serially); its add_compute loops 3,000,000 times instead.",
    steps,
    lesson,
};

/// Tasks gathered at once, as seed 000's ten pairs.
const TASKS: usize = 10;

/// Ten waits and ten loops, each serially and gathered on one event loop; the loops also on
/// free threads.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let waits = Job::new(
        Workload::SleepAdd {
            ms: cx.scale.pick(100, 60),
        },
        TASKS,
    );
    let loops = Job::new(
        Workload::EmptyLoop {
            count: cx.scale.pick(FULL_LOOP_COUNT, 300_000),
        },
        TASKS,
    );
    let threads = cx.cores.clamp(2, TASKS);
    vec![
        Step::new(
            "serial-waits",
            "10 waits, serial loop",
            Mode::MainThread,
            1,
            waits.clone(),
        ),
        Step::new(
            "asyncio-waits",
            "10 waits, asyncio.gather",
            ASYNCIO,
            TASKS,
            waits,
        ),
        Step::new(
            "serial-loops",
            "10 loops, serial loop",
            Mode::MainThread,
            1,
            loops.clone(),
        ),
        Step::new(
            "asyncio-loops",
            "10 loops, asyncio.gather",
            ASYNCIO,
            TASKS,
            loops.clone(),
        ),
        Step::new(
            "free-loops",
            format!("10 loops, {threads} free threads"),
            SHARED,
            threads,
            loops,
        ),
    ]
}

/// Whether the waits overlapped and the loops did not, on the one thread; what free threads
/// made of the loops.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let (serial, gathered) = (o.ms("serial-waits")?, o.ms("asyncio-waits")?);
        let verdict = if gathered < serial / 2.0 {
            "the waits overlapped on one thread: a task that awaits a timer hands the loop to the next"
        } else {
            "the waits did not overlap here"
        };
        Some(format!(
            "10 waits: serial {}, gathered on one event loop {} ({} as fast): {verdict}.",
            secs(serial),
            secs(gathered),
            times(serial / gathered)
        ))
    })());
    say((|| {
        let (serial, gathered) = (o.ms("serial-loops")?, o.ms("asyncio-loops")?);
        let verdict = if gathered > 0.8 * serial {
            "the loops ran one after another: a task that computes never awaits, so it holds the \
             loop's one thread, and the page could not repaint meanwhile"
        } else {
            "faster than one thread computes them one after another, which the event loop cannot \
             explain: the serial run paid for something this one did not"
        };
        Some(format!(
            "10 loops: serial {}, gathered {} ({} as fast): {verdict}.",
            secs(serial),
            secs(gathered),
            times(serial / gathered)
        ))
    })());
    say((|| {
        let (gathered, free) = (o.ms("asyncio-loops")?, o.ms("free-loops")?);
        let step = o.steps.iter().find(|s| s.id == "free-loops")?;
        Some(format!(
            "On {} free threads the loops took {} ({} as fast as gathered) on a machine that reports {cores} cores: computing needs threads (or processes); asyncio is for waiting.",
            step.workers,
            secs(free),
            times(gathered / free)
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    /// The lesson's sentence on ten waits, serial and gathered, taking these times.
    fn waits(serial: f64, gathered: f64) -> String {
        lesson_from(
            PresetId::AsyncioWaits,
            2,
            &[("serial-waits", serial), ("asyncio-waits", gathered)],
        )
    }

    /// The lesson's sentence on ten loops, serial and gathered, taking these times.
    fn loops(serial: f64, gathered: f64) -> String {
        lesson_from(
            PresetId::AsyncioWaits,
            2,
            &[("serial-loops", serial), ("asyncio-loops", gathered)],
        )
    }

    #[test]
    fn the_lesson_says_waits_overlap_and_loops_do_not_from_the_numbers() {
        let text = lesson_from(
            PresetId::AsyncioWaits,
            2,
            &[
                ("serial-waits", 1004.0),
                ("asyncio-waits", 101.0),
                ("serial-loops", 800.0),
                ("asyncio-loops", 810.0),
                ("free-loops", 420.0),
            ],
        );
        assert!(
            text.contains("10 waits: serial 1.00 s, gathered on one event loop 101.0 ms (9.94× as fast): the waits overlapped"),
            "{text}"
        );
        assert!(
            text.contains("(0.99× as fast): the loops ran one after another"),
            "{text}"
        );
        assert!(
            text.contains("On 2 free threads the loops took 420.0 ms (1.93× as fast as gathered)"),
            "{text}"
        );
    }

    #[test]
    fn waits_that_did_not_overlap_and_loops_that_did_are_not_called_otherwise() {
        let text = lesson_from(
            PresetId::AsyncioWaits,
            2,
            &[
                ("serial-waits", 1004.0),
                ("asyncio-waits", 900.0),
                ("serial-loops", 800.0),
                ("asyncio-loops", 400.0),
            ],
        );
        assert!(text.contains("the waits did not overlap here"), "{text}");
        assert!(text.contains("the serial run paid for something"), "{text}");
        assert!(!text.contains("free threads"), "{text}");
    }

    #[test]
    fn waits_gathered_in_exactly_half_the_serial_time_are_not_said_to_overlap() {
        assert_eq!(
            waits(1000.0, 500.0),
            "10 waits: serial 1.00 s, gathered on one event loop 500.0 ms (2.00× as fast): the \
             waits did not overlap here."
        );
    }

    #[test]
    fn loops_gathered_in_over_four_fifths_of_serial_ran_one_after_another_and_at_it_did_not() {
        assert_eq!(
            loops(1000.0, 900.0),
            "10 loops: serial 1.00 s, gathered 900.0 ms (1.11× as fast): the loops ran one after \
             another: a task that computes never awaits, so it holds the loop's one thread, and \
             the page could not repaint meanwhile."
        );
        assert_eq!(
            loops(1000.0, 800.0),
            "10 loops: serial 1.00 s, gathered 800.0 ms (1.25× as fast): faster than one thread \
             computes them one after another, which the event loop cannot explain: the serial \
             run paid for something this one did not."
        );
    }
}
