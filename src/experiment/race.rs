//! The race free threads bring: `total = total + 1` on one global from several threads. Without
//! the GIL (free-threaded CPython 3.14t) updates are lost; with the GIL, which changes hands
//! between steps, none are; a lock or an atomic add keeps every update at a cost; isolated
//! workers each count in their own copy.

use super::{GIL, Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, list};
use crate::run::{CheckedRun, Mode};
use crate::workloads::{Job, Workload, grouped};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::FreeThreadRace,
    key: "race",
    title: "The race free threads bring",
    seeds: "000, 004",
    seed_found: "With the GIL, threads adding to one global total ended at the full sum. The seeds predate free-threaded CPython (3.14t, PEP 703), where total = total + 1, a read and then a write, needs a lock.",
    steps,
    lesson,
};

/// Threads, like the seeds' 4, each adding 1 to the global total many times.
const THREADS: usize = 4;

fn steps(cx: &StepsContext) -> Vec<Step> {
    let [unguarded, lock, atomic] = crate::settings::race_workloads(cx.scale);
    let job = |race: &Workload| Job::new(race.clone(), THREADS);
    vec![
        Step::new(
            "serial",
            "serial loop, no lock",
            Mode::MainThread,
            1,
            job(&unguarded),
        ),
        Step::new(
            "free",
            "4 free threads, no lock",
            SHARED,
            THREADS,
            job(&unguarded),
        ),
        Step::new(
            "gil",
            "4 threads with the GIL, no lock",
            GIL,
            THREADS,
            job(&unguarded),
        ),
        Step::new(
            "lock",
            "4 free threads, with a lock",
            SHARED,
            THREADS,
            job(&lock),
        ),
        Step::new(
            "atomic",
            "4 free threads, atomic add",
            SHARED,
            THREADS,
            job(&atomic),
        ),
        Step::new("pool", "Pool(2), no lock", POOL, 2, job(&unguarded)),
    ]
}

/// The updates a run lost: how far its page's total ended short of the serial one.
fn lost(run: &CheckedRun) -> i64 {
    run.total.unwrap_or(0) - run.run.page_total
}

fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    let share = |r: &CheckedRun| {
        let (lost, total) = (lost(r), r.total.unwrap_or(0));
        match lost {
            0 => format!("ended at {}: none lost", grouped(total as u64)),
            _ => format!(
                "ended at {} of {}: {} updates lost ({:.1}%)",
                grouped(r.run.page_total.max(0) as u64),
                grouped(total as u64),
                grouped(lost as u64),
                100.0 * lost as f64 / total as f64
            ),
        }
    };
    say(o.run("free").map(|r| {
        let why = if lost(r) > 0 {
            "each lost update is a thread's write landing between another's read and write, which \
             then writes back the old value plus one. It varies from run to run."
        } else {
            "this time no write fell between another thread's read and write; run it again, and \
             the total usually ends short."
        };
        format!("Free threads, no lock: the total {}; {why}", share(r))
    }));
    say(o.run("gil").map(|r| {
        format!(
            "With the GIL, no lock: the total {}. The GIL changes hands between steps, at check-ins \
             (CPython's every 5 ms between bytecodes), so one thread's read and write are not \
             split at this size of step.",
            share(r)
        )
    }));
    let unguarded = o.run("free").map(|r| r.run.elapsed_ms);
    let cost = |r: &CheckedRun| match unguarded {
        Some(free) if free > 0.0 => format!(
            "{:.1} ms, {:.1}× the unguarded threads' {free:.1} ms",
            r.run.elapsed_ms,
            r.run.elapsed_ms / free
        ),
        _ => format!("{:.1} ms", r.run.elapsed_ms),
    };
    say(o
        .run("lock")
        .map(|r| format!("With a lock: the total {}, in {}.", share(r), cost(r))));
    say(o.run("atomic").map(|r| {
        format!(
            "With an atomic add: the total {}, in {}.",
            share(r),
            cost(r)
        )
    }));
    say(o.run("pool").map(|r| {
        let per: Vec<String> = r
            .run
            .by_worker()
            .iter()
            .map(|(w, v)| format!("worker {w}: {}", list(v)))
            .collect();
        format!(
            "Isolated workers each add to their own copy, so nothing races: {}. The page's total \
             stayed {}.",
            per.join("; "),
            r.run.page_total
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::tests::fake;
    use crate::experiment::{Outcome, lesson};
    use crate::settings::Scale;
    use std::rc::Rc;

    /// The lesson of the quick race, whose every step should end at 200,000, from `runs` by step
    /// id: the time and the total the page ended at (the other steps not run).
    fn race(runs: &[(&str, f64, i64)]) -> String {
        let steps = crate::experiment::steps(
            PresetId::FreeThreadRace,
            Scale::Quick,
            2,
            16,
            &Workload::Square,
        );
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .map(|s| {
                let &(_, ms, page_total) = runs.iter().find(|r| r.0 == s.id)?;
                let mut run = fake(s, ms).expect("a fake run");
                run.run.page_total = page_total;
                Some(Ok(Rc::new(run)))
            })
            .collect();
        let outcomes = Outcomes {
            steps: &steps,
            results: &results,
        };
        lesson(PresetId::FreeThreadRace, 2, &outcomes).join(" ")
    }

    /// What the lesson says of free threads that lost no update.
    const NONE_LOST: &str = "Free threads, no lock: the total ended at 200,000: none lost; this \
                             time no write fell between another thread's read and write; run it \
                             again, and the total usually ends short.";

    #[test]
    fn the_lesson_says_how_many_updates_each_step_lost_and_what_the_lock_cost() {
        let steps = crate::experiment::steps(
            PresetId::FreeThreadRace,
            Scale::Quick,
            2,
            16,
            &Workload::Square,
        );
        assert_eq!(steps.len(), 6);
        assert!(steps.iter().all(|s| s.job.uses_globals()));
        let results: Vec<Option<Outcome>> = steps
            .iter()
            .map(|s| {
                let (ms, page_total) = match s.id.as_str() {
                    "free" => (40.0, 160_000),
                    "lock" => (120.0, 200_000),
                    "atomic" => (60.0, 200_000),
                    "pool" => (10.0, 0),
                    _ => (8.0, 200_000),
                };
                let mut run = fake(s, ms).expect("a fake run");
                run.run.page_total = page_total;
                Some(Ok(Rc::new(run)))
            })
            .collect();
        let outcomes = Outcomes {
            steps: &steps,
            results: &results,
        };
        let text = lesson(PresetId::FreeThreadRace, 2, &outcomes).join(" ");
        for said in [
            "Free threads, no lock: the total ended at 160,000 of 200,000: 40,000 updates lost (20.0%)",
            "With the GIL, no lock: the total ended at 200,000: none lost.",
            "With a lock: the total ended at 200,000: none lost, in 120.0 ms, 3.0× the unguarded \
             threads' 40.0 ms.",
            "With an atomic add: the total ended at 200,000: none lost, in 60.0 ms, 1.5×",
            "The page's total stayed 0.",
        ] {
            assert!(text.contains(said), "{said} — in: {text}");
        }
    }

    #[test]
    fn free_threads_that_lost_updates_are_told_how_and_those_that_lost_none_are_told_to_retry() {
        assert_eq!(
            race(&[("free", 40.0, 160_000)]),
            "Free threads, no lock: the total ended at 160,000 of 200,000: 40,000 updates lost \
             (20.0%); each lost update is a thread's write landing between another's read and \
             write, which then writes back the old value plus one. It varies from run to run."
        );
        assert_eq!(race(&[("free", 40.0, 200_000)]), NONE_LOST);
    }

    #[test]
    fn a_lock_is_not_compared_with_unguarded_threads_that_took_no_measurable_time() {
        assert_eq!(
            race(&[("free", 0.0, 200_000), ("lock", 120.0, 200_000)]),
            format!("{NONE_LOST} With a lock: the total ended at 200,000: none lost, in 120.0 ms.")
        );
    }
}
