//! CPU-bound loop (seed 000): ten empty loops on pools and on shared-memory threads, up to more
//! workers than cores.

use super::{Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, times};
use crate::run::Mode;
use crate::settings::FULL_LOOP_COUNT;
use crate::stats::secs;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::CpuBound,
    key: "cpu-loop",
    title: "CPU-bound loop",
    seeds: "000",
    seed_found: "10 × a 3,000,000-step loop: Pool(1) 0.857 s, Pool(10) 0.908 s on a 2-vCPU t3.large — no speedup past the cores.",
    steps,
    lesson,
};

/// The ten loops serially, on Pool(1) and Pool(10), and on 1, the cores' count and 10
/// shared-memory threads.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let cores = cx.cores;
    let job = Job::new(
        Workload::EmptyLoop {
            count: cx.scale.pick(FULL_LOOP_COUNT, 300_000),
        },
        10,
    );
    vec![
        Step::new("serial", "serial loop", Mode::MainThread, 1, job.clone()),
        Step::new("pool-1", "Pool(1).map", POOL, 1, job.clone()),
        Step::new("pool-10", "Pool(10).map", POOL, 10, job.clone()),
        Step::new(
            "shared-1",
            "1 thread, shared memory",
            SHARED,
            1,
            job.clone(),
        ),
        Step::new(
            "shared-cores",
            format!("{cores} threads (= cores), shared memory"),
            SHARED,
            cores,
            job.clone(),
        ),
        Step::new("shared-10", "10 threads, shared memory", SHARED, 10, job),
    ]
}

/// How much more workers gained over one, against what the cores can give.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say((|| {
        let up = o.speedup("pool-1", "pool-10")?;
        let why = if up <= 1.05 * cores as f64 {
            format!("no more than the {cores} cores that run them can give")
        } else {
            format!(
                "more than {cores} cores can give: more cores took part than the browser reports, or the one-worker run was slowed by a busy machine"
            )
        };
        Some(format!(
            "Pool(1) took {}, Pool(10) {}: ten workers ran {} as fast as one, {why}.",
            secs(o.ms("pool-1")?),
            secs(o.ms("pool-10")?),
            times(up)
        ))
    })());
    say((|| {
        let at_cores = o.speedup("shared-1", "shared-cores")?;
        let at_ten = o.speedup("shared-1", "shared-10")?;
        let past = if cores >= 10 {
            String::new()
        } else if at_ten <= 1.1 * at_cores {
            " Past the cores, more workers only took turns: 10 threads gained nothing over the cores' count.".to_string()
        } else if at_ten > 1.05 * cores as f64 {
            format!(
                " 10 threads gained {} over {cores}, more than {cores} cores can give: more cores took part than the browser reports, or the one-thread run was slowed by a busy machine.",
                times(at_ten / at_cores)
            )
        } else {
            format!(
                " 10 threads gained {} over {cores}, still within what {cores} cores can give: this time {cores} threads left some of the cores' time unused.",
                times(at_ten / at_cores)
            )
        };
        Some(format!(
            "Shared memory: 1 thread {}, {cores} threads {} ({} as fast as 1), 10 threads {} ({}).{past}",
            secs(o.ms("shared-1")?),
            secs(o.ms("shared-cores")?),
            times(at_cores),
            secs(o.ms("shared-10")?),
            times(at_ten)
        ))
    })());
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    /// The lesson's sentence on Pool(1) and Pool(10) taking these times, on 2 cores.
    fn pools(one: f64, ten: f64) -> String {
        lesson_from(PresetId::CpuBound, 2, &[("pool-1", one), ("pool-10", ten)])
    }

    /// The lesson's sentence on 1, 2 (the cores) and 10 shared-memory threads taking these times.
    fn threads(one: f64, at_cores: f64, ten: f64) -> String {
        lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", one),
                ("shared-cores", at_cores),
                ("shared-10", ten),
            ],
        )
    }

    #[test]
    fn the_pool_ratio_is_named_by_what_it_compares_and_its_clause_follows_it() {
        let usual = lesson_from(
            PresetId::CpuBound,
            2,
            &[("pool-1", 1470.0), ("pool-10", 782.2)],
        );
        assert!(
            usual.contains("ten workers ran 1.88× as fast as one, no more than the 2 cores"),
            "{usual}"
        );
        assert!(!usual.contains("serial speed"), "{usual}");
        let more = lesson_from(
            PresetId::CpuBound,
            2,
            &[("pool-1", 1500.0), ("pool-10", 300.0)],
        );
        assert!(
            more.contains("5.00× as fast as one, more than 2 cores can give"),
            "{more}"
        );
        let tail = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1000.0),
                ("shared-cores", 550.0),
                ("shared-10", 250.0),
            ],
        );
        assert!(
            tail.contains("10 threads gained 2.20× over 2, more than 2 cores can give"),
            "{tail}"
        );
        assert!(!tail.contains("only took turns"), "{tail}");
        // A run seen here: 1 thread 1.63 s, 2 threads 913 ms (1.79×), 10 threads 754 ms (2.17×).
        let noisy = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1634.0),
                ("shared-cores", 913.3),
                ("shared-10", 753.7),
            ],
        );
        assert!(
            noisy.contains("or the one-thread run was slowed by a busy machine"),
            "{noisy}"
        );
        let within = lesson_from(
            PresetId::CpuBound,
            2,
            &[
                ("shared-1", 1600.0),
                ("shared-cores", 1000.0),
                ("shared-10", 850.0),
            ],
        );
        assert!(
            within.contains("still within what 2 cores can give"),
            "{within}"
        );
    }

    #[test]
    fn ten_workers_up_to_a_twentieth_over_the_cores_are_within_them_and_past_it_are_not() {
        assert_eq!(
            pools(2100.0, 1000.0),
            "Pool(1) took 2.10 s, Pool(10) 1.00 s: ten workers ran 2.10× as fast as one, no more \
             than the 2 cores that run them can give."
        );
        assert_eq!(
            pools(2000.0, 800.0),
            "Pool(1) took 2.00 s, Pool(10) 800.0 ms: ten workers ran 2.50× as fast as one, more \
             than 2 cores can give: more cores took part than the browser reports, or the \
             one-worker run was slowed by a busy machine."
        );
    }

    #[test]
    fn ten_threads_within_a_tenth_of_the_cores_count_are_said_to_take_turns() {
        assert_eq!(
            threads(1000.0, 500.0, 480.0),
            "Shared memory: 1 thread 1.00 s, 2 threads 500.0 ms (2.00× as fast as 1), 10 threads \
             480.0 ms (2.08×). Past the cores, more workers only took turns: 10 threads gained \
             nothing over the cores' count."
        );
    }

    #[test]
    fn ten_threads_at_exactly_a_twentieth_over_the_cores_are_still_within_them() {
        assert_eq!(
            threads(2100.0, 1500.0, 1000.0),
            "Shared memory: 1 thread 2.10 s, 2 threads 1.50 s (1.40× as fast as 1), 10 threads \
             1.00 s (2.10×). 10 threads gained 1.50× over 2, still within what 2 cores can give: \
             this time 2 threads left some of the cores' time unused."
        );
    }
}
