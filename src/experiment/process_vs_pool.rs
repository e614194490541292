//! Process vs Pool for I/O (seed 001): small files written by a worker per file, by a pool
//! created for the call and by a reused pool.

use super::{FRESH_POOL, Outcomes, POOL, Preset, PresetId, Step, StepsContext, per_task, times};
use crate::run::{Join, Mode};
use crate::stats::secs;
use crate::workloads::{Job, Workload, file_write};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::ProcessVsPool,
    key: "process-vs-pool",
    title: "Process vs Pool for I/O",
    seeds: "001",
    seed_found: "Writing a small file: Process 0.100 s, Pool 0.196 s — the author prefers Process for I/O-bound work.",
    steps,
    lesson,
};

/// The small files written serially, by a worker per file, by a pool created for the call and by
/// the reused pool.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let cores = cx.cores;
    let job = Job::new(Workload::FileWrite { bytes: 5 }, cx.scale.pick(10, 4));
    vec![
        Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
        Step::new(
            "process",
            "a Process per file",
            per_task(Join::AfterAll),
            job.tasks,
            job.clone(),
        ),
        Step::new(
            "pool",
            format!("Pool({cores}) created for the call"),
            FRESH_POOL,
            cores,
            job.clone(),
        ),
        Step::new(
            "pool-reused",
            format!("Pool({cores}) reused"),
            POOL,
            cores,
            job,
        ),
    ]
}

/// Which way was fastest, and how that follows the number of workers each started inside the
/// clock.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let (process, fresh, reused) = (o.ms("process")?, o.ms("pool")?, o.ms("pool-reused")?);
        let tasks = o.run("process")?.run.results.len();
        let startup = o.run("process")?.run.startup_ms?;
        let write = o.ms("serial")? / tasks.max(1) as f64;
        let started = format!(
            "{tasks} for a worker per file, {cores} for the new pool, none for the reused one"
        );
        let why = if process > fresh && fresh > reused && startup > write {
            let cost = if write > 0.0 {
                format!("{} as much as", times(startup / write))
            } else {
                "more than".to_string()
            };
            format!(
                "Starting a worker ({} here) costs {cost} writing a small file ({} each, serially), so the fewer workers started inside the clock, the faster: {started}.",
                secs(startup),
                secs(write)
            )
        } else if process > fresh && fresh > reused {
            format!(
                "The fewer workers started inside the clock, the faster ({started}), though starting one took {} and writing a file {} serially.",
                secs(startup),
                secs(write)
            )
        } else {
            format!(
                "Starting a worker took {} and writing a file {} serially; this time the order did not follow the number of workers started.",
                secs(startup),
                secs(write)
            )
        };
        Some(format!(
            "A worker per file took {}; a pool created for the call {}; a reused pool {}. {why}",
            secs(process),
            secs(fresh),
            secs(reused)
        ))
    })());
    say(Some(format!(
        "The file here is an {}.",
        file_write::STAND_IN
    )));
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_of;

    /// The lesson for ten files written in 5.0 ms serially, and by a worker per file, a new pool
    /// and a reused pool in these times, on 2 cores, with workers that took 30.0 ms to start.
    fn lesson_for(process: f64, fresh: f64, reused: f64) -> String {
        lesson_started(30.0, process, fresh, reused)
    }

    /// As [`lesson_for`], with workers that took `startup` ms to start.
    fn lesson_started(startup: f64, process: f64, fresh: f64, reused: f64) -> String {
        lesson_timed(5.0, startup, process, fresh, reused)
    }

    /// As [`lesson_started`], with the ten files written serially in `serial` ms.
    fn lesson_timed(serial: f64, startup: f64, process: f64, fresh: f64, reused: f64) -> String {
        lesson_of(PresetId::ProcessVsPool, 0.0, |s, run| {
            run.run.elapsed_ms = match s.id.as_str() {
                "serial" => serial,
                "process" => process,
                "pool" => fresh,
                _ => reused,
            };
            run.run.startup_ms = Some(startup);
        })
    }

    #[test]
    fn fewer_workers_started_inside_the_clock_finishing_sooner_is_put_down_to_startup() {
        assert_eq!(
            lesson_for(300.0, 200.0, 100.0),
            "A worker per file took 300.0 ms; a pool created for the call 200.0 ms; a reused pool \
             100.0 ms. Starting a worker (30.0 ms here) costs 60.00× as much as writing a small file \
             (0.5 ms each, serially), so the fewer workers started inside the clock, the faster: \
             10 for a worker per file, 2 for the new pool, none for the reused one. The file here \
             is an in-memory file (a stand-in for disk I/O)."
        );
    }

    #[test]
    fn writes_too_quick_to_time_leave_start_up_costing_more_not_infinitely_more() {
        let lesson = lesson_timed(0.0, 30.0, 300.0, 200.0, 100.0);
        assert!(
            lesson
                .contains("Starting a worker (30.0 ms here) costs more than writing a small file"),
            "{lesson}"
        );
    }

    #[test]
    fn a_start_up_no_longer_than_a_write_is_not_said_to_cost_more() {
        let lesson = lesson_started(0.5, 300.0, 200.0, 100.0);
        assert!(
            lesson.contains(
                "a reused pool 100.0 ms. The fewer workers started inside the clock, the faster \
                 (10 for a worker per file, 2 for the new pool, none for the reused one), though \
                 starting one took 0.5 ms and writing a file 0.5 ms serially."
            ),
            "{lesson}"
        );
    }

    #[test]
    fn a_tie_in_the_order_is_not_said_to_follow_the_workers_started() {
        let not_followed = "Starting a worker took 30.0 ms and writing a file 0.5 ms serially; \
                            this time the order did not follow the number of workers started. \
                            The file here is an in-memory file (a stand-in for disk I/O).";
        assert_eq!(
            lesson_for(200.0, 200.0, 100.0),
            format!(
                "A worker per file took 200.0 ms; a pool created for the call 200.0 ms; a reused \
                 pool 100.0 ms. {not_followed}"
            )
        );
        assert_eq!(
            lesson_for(300.0, 200.0, 200.0),
            format!(
                "A worker per file took 300.0 ms; a pool created for the call 200.0 ms; a reused \
                 pool 200.0 ms. {not_followed}"
            )
        );
    }
}
