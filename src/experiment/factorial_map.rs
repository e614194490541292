//! Factorial map (seed 004): the same factorials from a pool of processes and from threads.

use super::{Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, list};
use crate::run::Mode;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::FactorialMap,
    key: "factorial",
    title: "Factorial map",
    seeds: "004",
    seed_found: "Pool.map(factorial, range(10)) on processes and on threads: both [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880].",
    steps,
    lesson,
};

/// Ten factorials on the main thread, on a pool of processes and on threads, one worker per core.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let cores = cx.cores;
    let job = Job::new(Workload::Factorial { offset: 0 }, 10);
    vec![
        Step::new(
            "serial",
            "map on the main thread",
            Mode::MainThread,
            1,
            job.clone(),
        ),
        Step::new(
            "processes",
            format!("Pool({cores}).map — processes"),
            POOL,
            cores,
            job.clone(),
        ),
        Step::new(
            "threads",
            format!("ThreadPool({cores}).map — threads"),
            SHARED,
            cores,
            job,
        ),
    ]
}

/// Whether the processes and the threads returned the same list.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let (p, t) = (o.run("processes")?, o.run("threads")?);
        Some(format!(
            "Processes returned {} and threads {} — {}.",
            list(&p.run.results),
            list(&t.run.results),
            if p.run.results == t.run.results {
                "the same list"
            } else {
                "different lists"
            }
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    #[test]
    fn processes_and_threads_returning_the_same_factorials_are_said_to_agree() {
        assert_eq!(
            lesson_from(
                PresetId::FactorialMap,
                2,
                &[("processes", 5.0), ("threads", 3.0)],
            ),
            "Processes returned [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880] and threads \
             [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880] — the same list."
        );
    }
}
