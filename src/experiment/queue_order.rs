//! Queue order (seed 003): squares put on one queue by a worker each arrive in any order;
//! Pool.map keeps the order.

use super::{Outcomes, POOL, Preset, PresetId, Step, StepsContext, arrival_values, list, per_task};
use crate::run::Join;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::QueueOrder,
    key: "queue",
    title: "Queue order",
    seeds: "003",
    seed_found: "Processes putting x*x on one Queue can come back out of order; tag with the index and sort, or use Pool.map.",
    steps,
    lesson,
};

/// Five workers putting x*x on a queue, with equal tasks and with earlier tasks slower, and
/// Pool(5).map of the slower ones.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let even = Job::new(Workload::QueueSquare { stagger_ms: 0 }, 5);
    let uneven = Job::new(
        Workload::QueueSquare {
            stagger_ms: cx.scale.pick(40, 30),
        },
        5,
    );
    vec![
        Step::new(
            "queue",
            "5 processes put x*x on a queue",
            per_task(Join::AfterAll),
            5,
            even,
        ),
        Step::new(
            "queue-uneven",
            "the same, earlier tasks slower",
            per_task(Join::AfterAll),
            5,
            uneven.clone(),
        ),
        Step::new(
            "pool-map",
            "Pool(5).map, earlier tasks slower",
            POOL,
            5,
            uneven,
        ),
    ]
}

/// The order the squares arrived in, and the order sorting by index and Pool.map give back.
fn lesson(_: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    for (id, what) in [("queue", "Equal tasks"), ("queue-uneven", "Uneven tasks")] {
        say(o.run(id).map(|r| {
            let arrived = arrival_values(&r.run);
            let in_order = r.run.arrival().windows(2).all(|w| w[0] < w[1]);
            format!(
                "{what} arrived as {}{}; sorting by the task index restores {}.",
                list(&arrived),
                if in_order {
                    " — in order this time"
                } else {
                    " — out of order"
                },
                list(&r.run.results)
            )
        }));
    }
    say(o.run("pool-map").map(|r| {
        format!(
            "Pool.map returned {} in submission order although results arrived as {}.",
            list(&r.run.results),
            list(&arrival_values(&r.run))
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_of;

    #[test]
    fn squares_that_arrived_in_reverse_are_called_out_of_order_and_pool_map_restores_them() {
        let lesson = lesson_of(PresetId::QueueOrder, 50.0, |s, run| {
            if s.id != "queue" {
                run.run.records.reverse();
            }
        });
        assert_eq!(
            lesson,
            "Equal tasks arrived as [0, 1, 4, 9, 16] — in order this time; sorting by the task \
             index restores [0, 1, 4, 9, 16]. Uneven tasks arrived as [16, 9, 4, 1, 0] — out of \
             order; sorting by the task index restores [0, 1, 4, 9, 16]. Pool.map returned [0, \
             1, 4, 9, 16] in submission order although results arrived as [16, 9, 4, 1, 0]."
        );
    }
}
