//! Scaling sweep (all seeds): one workload on one worker up to the most, in each kind of worker.

use super::{GIL, Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, count, times};
use crate::run::Mode;
use crate::stats::speedup;
use crate::workloads::Job;

pub(super) const PRESET: Preset = Preset {
    id: PresetId::ScalingSweep,
    key: "sweep",
    title: "Scaling sweep",
    seeds: "all",
    seed_found: "Every seed ends with the same question: how far does this machine scale?",
    steps,
    lesson,
};

/// The sweep's workload serially, then on 1 up to `max_workers` (at most 4 at the quick scale)
/// shared-memory threads, GIL threads and pool workers.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let job = Job::new(cx.sweep_workload.clone(), 10);
    let top = cx.scale.pick(cx.max_workers, cx.max_workers.min(4));
    let mut steps = vec![Step::new(
        "serial",
        "serial",
        Mode::MainThread,
        1,
        job.clone(),
    )];
    for k in 1..=top {
        for mode in [SHARED, GIL, POOL] {
            steps.push(Step::new(
                format!("{}-{k}", mode.key()),
                format!("{}, {k}", mode.label()),
                mode,
                k,
                job.clone(),
            ));
        }
    }
    steps
}

/// Each kind of worker's best speedup over serial, and at how many workers.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    for mode in [SHARED, GIL, POOL] {
        say((|| {
            let serial = o.ms("serial")?;
            let best = o
                .steps
                .iter()
                .filter(|s| s.mode == mode)
                .filter_map(|s| Some((s.workers, speedup(serial, o.ms(&s.id)?)?)))
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            Some(format!(
                "{}: best {} over serial, at {}.",
                mode.label(),
                times(best.1),
                count(best.0, "worker")
            ))
        })());
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::tests::lesson_from;
    use crate::experiment::{PresetId, Scale, steps};
    use crate::workloads::Workload;

    #[test]
    fn the_sweep_covers_every_worker_count() {
        let steps = steps(PresetId::ScalingSweep, Scale::Full, 4, 8, &Workload::Square);
        assert_eq!(steps.len(), 1 + 3 * 8);
        assert_eq!(steps.iter().map(|s| s.workers).max(), Some(8));
    }

    #[test]
    fn each_kind_of_worker_is_credited_with_its_own_best_speedup() {
        let text = lesson_from(
            PresetId::ScalingSweep,
            2,
            &[
                ("serial", 1000.0),
                ("shared-1", 1000.0),
                ("shared-2", 520.0),
                ("gil-1", 1000.0),
                ("gil-2", 1900.0),
                ("pool-1", 1100.0),
                ("pool-2", 600.0),
            ],
        );
        assert_eq!(
            text,
            "shared memory: best 1.92× over serial, at 2 workers. shared memory + GIL: best 1.00× \
             over serial, at 1 worker. isolated pool (reused): best 1.67× over serial, at 2 \
             workers."
        );
    }
}
