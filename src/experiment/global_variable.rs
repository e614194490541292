//! Global variable (seeds 000, 004): threads add to one shared total; processes each add to
//! their own copy.

use super::{
    FRESH_POOL, GIL, Outcomes, Preset, PresetId, SHARED, Step, StepsContext, arrival_values, list,
};
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::GlobalVariable,
    key: "global",
    title: "Global variable",
    seeds: "000, 004",
    seed_found: "8 threads adding 5 to a global end at 40; Pool(2) processes each count 5, 10, 15, 20 and the parent's total stays 0.",
    steps,
    lesson,
};

/// Eight additions of 5 to a counter, on 8 threads with and without a GIL, and on a Pool(2)
/// created for the call.
fn steps(_: &StepsContext) -> Vec<Step> {
    let job = Job::new(Workload::SharedCounter { amount: 5 }, 8);
    vec![
        Step::new("gil", "8 threads with a GIL", GIL, 8, job.clone()),
        Step::new("shared", "8 threads, shared memory", SHARED, 8, job.clone()),
        Step::new("pool", "Pool(2).map", FRESH_POOL, 2, job),
    ]
}

/// Where the threads' shared total ended, and what each process counted while the page's total
/// stayed as it was.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    say(o.run("shared").map(|r| {
        format!(
            "Threads share one total: it ended at {} after subtotals seen in the order {}.",
            r.run.page_total,
            list(&arrival_values(&r.run))
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
            "Processes each add to their own copy: {}. The page's total is still {}.",
            per.join("; "),
            r.run.page_total
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_of;
    use crate::workloads::Value;

    #[test]
    fn threads_share_one_total_while_each_process_counts_in_its_own_copy() {
        let lesson = lesson_of(PresetId::GlobalVariable, 10.0, |s, run| {
            let r = &mut run.run;
            if s.id == "pool" {
                // Worker 0 ran tasks 0, 2, 4, 6 and worker 1 the others, each from its own 0.
                r.results = [5, 5, 10, 10, 15, 15, 20, 20].map(Value::Int).to_vec();
            } else {
                r.records.swap(0, 1);
                r.page_total = 40;
            }
        });
        assert_eq!(
            lesson,
            "Threads share one total: it ended at 40 after subtotals seen in the order [10, 5, 15, \
             20, 25, 30, 35, 40]. Processes each add to their own copy: worker 0: [5, 10, 15, 20]; \
             worker 1: [5, 10, 15, 20]. The page's total is still 0."
        );
    }
}
