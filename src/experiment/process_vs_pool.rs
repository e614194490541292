//! Process vs Pool for I/O (seed 001): small files written by a worker per file, by a pool
//! created for the call and by a reused pool.

use super::{FRESH_POOL, Outcomes, POOL, Preset, PresetId, Step, StepsContext, per_task};
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
        let why = if process > fresh && fresh > reused {
            format!(
                "Starting a worker ({} here) costs far more than writing a small file ({} each, serially), so the fewer workers started inside the clock, the faster: {tasks} for a worker per file, {cores} for the new pool, none for the reused one.",
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
