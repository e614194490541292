//! Pool overhead (seed 004): what creating a pool per call costs, against five sleeps and a
//! thousand tiny squares.

use super::{FRESH_POOL, Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, times};
use crate::run::Mode;
use crate::stats::secs;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::PoolOverhead,
    key: "pool-overhead",
    title: "Pool overhead",
    seeds: "004",
    seed_found: "map(sleep, range(5)): serial 10.0 s, processes 4.04 s, threads 4.02 s. 1000 × pow(2, x): serial 0.0005 s, processes 0.129 s, threads 0.106 s — creating a pool per call costs more than tiny tasks gain.",
    steps,
    lesson,
};

/// Five sleeps and a thousand squares, each serially, on a pool created per call, on the reused
/// pool and on threads.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let cores = cx.cores;
    let sleeps = Job::new(
        Workload::SleepRamp {
            unit_ms: cx.scale.pick(100, 40),
        },
        5,
    );
    let squares = Job::new(Workload::Square, 1000);
    let mut steps = Vec::new();
    // The sleeps get a worker each, as the seed's pool had: sleeping needs no core, and
    // the seed's point is that the pool then takes as long as its longest sleep. The
    // squares get one worker per core.
    for (what, job, k) in [("sleep", sleeps, 5), ("square", squares, cores)] {
        steps.push(Step::new(
            format!("{what}-serial"),
            format!("{what}: serial"),
            Mode::MainThread,
            1,
            job.clone(),
        ));
        steps.push(Step::new(
            format!("{what}-fresh"),
            format!("{what}: Pool({k}) created per call"),
            FRESH_POOL,
            k,
            job.clone(),
        ));
        steps.push(Step::new(
            format!("{what}-reused"),
            format!("{what}: Pool({k}) reused"),
            POOL,
            k,
            job.clone(),
        ));
        steps.push(Step::new(
            format!("{what}-threads"),
            format!("{what}: {k} threads"),
            SHARED,
            k,
            job,
        ));
    }
    steps
}

/// Each way's times, whether the sleeps' pool took as long as its longest sleep, and what a new
/// pool costs tiny tasks.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    for what in ["sleep", "square"] {
        say((|| {
            Some(format!(
                "{what}: serial {}, pool created per call {}, reused pool {}, threads {}.",
                secs(o.ms(&format!("{what}-serial"))?),
                secs(o.ms(&format!("{what}-fresh"))?),
                secs(o.ms(&format!("{what}-reused"))?),
                secs(o.ms(&format!("{what}-threads"))?)
            ))
        })());
    }
    say((|| {
        let (serial, fresh, reused) = (
            o.ms("sleep-serial")?,
            o.ms("sleep-fresh")?,
            o.ms("sleep-reused")?,
        );
        let step = o.steps.iter().find(|s| s.id == "sleep-serial")?;
        let longest = f64::from(step.job.wait_ms(step.job.tasks.max(1) - 1));
        let bound = if reused <= 1.25 * longest {
            "each sleep had a worker of its own, so the pool took as long as its longest sleep"
        } else {
            "more than its longest sleep: some sleeps had to wait for a worker"
        };
        Some(format!(
            "The sleeps took {} serially (their sum); a reused pool of {} took {} against a longest sleep of {}: {bound}. A pool created per call took {}, its start-up on top.",
            secs(serial),
            step.job.tasks,
            secs(reused),
            secs(longest),
            secs(fresh)
        ))
    })());
    say((|| {
        let (serial, fresh, reused) = (
            o.ms("square-serial")?,
            o.ms("square-fresh")?,
            o.ms("square-reused")?,
        );
        let slower = fresh / serial.max(1e-3);
        let new_pool = if times(slower) == times(1.0) {
            "took as long in a new pool as serially".to_string()
        } else if slower > 1.0 {
            format!("ran {} slower in a new pool than serially", times(slower))
        } else {
            format!(
                "ran {} faster in a new pool than serially",
                times(serial / fresh.max(1e-3))
            )
        };
        let reuse = if reused < fresh {
            format!(
                "reusing the pool saved {} of start-up",
                secs(fresh - reused)
            )
        } else {
            "reusing the pool saved nothing this time".to_string()
        };
        Some(format!("1000 tiny squares {new_pool}; {reuse}."))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    /// The lesson's sentence on 1000 tiny squares taking these times serially, in a pool created
    /// per call and in the reused pool.
    fn squares(serial: f64, fresh: f64, reused: f64) -> String {
        lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("square-serial", serial),
                ("square-fresh", fresh),
                ("square-reused", reused),
            ],
        )
    }

    #[test]
    fn a_pool_of_five_sleeps_is_bound_by_its_longest_sleep_or_says_it_was_not() {
        let bound = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("sleep-serial", 1000.0),
                ("sleep-fresh", 470.0),
                ("sleep-reused", 404.0),
            ],
        );
        assert!(bound.contains("a reused pool of 5 took 404.0 ms against a longest sleep of 400.0 ms: each sleep had a worker"), "{bound}");
        let not = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("sleep-serial", 1000.0),
                ("sleep-fresh", 700.0),
                ("sleep-reused", 600.0),
            ],
        );
        assert!(
            not.contains("some sleeps had to wait for a worker"),
            "{not}"
        );
        let squares = lesson_from(
            PresetId::PoolOverhead,
            2,
            &[
                ("square-serial", 5.0),
                ("square-fresh", 2.0),
                ("square-reused", 3.0),
            ],
        );
        assert!(
            squares.contains("faster in a new pool") && squares.contains("saved nothing"),
            "{squares}"
        );
    }

    #[test]
    fn a_new_pool_slower_than_serial_says_how_much_and_what_reusing_it_saved() {
        assert_eq!(
            squares(0.5, 129.0, 4.0),
            "1000 tiny squares ran 258.00× slower in a new pool than serially; reusing the pool \
             saved 125.0 ms of start-up."
        );
    }

    #[test]
    fn a_new_pool_as_fast_as_serial_is_not_called_slower_nor_an_as_fast_reuse_a_saving() {
        assert_eq!(
            squares(3.0, 3.0, 3.0),
            "1000 tiny squares took as long in a new pool as serially; reusing the pool saved \
             nothing this time."
        );
    }
}
