//! What one task does. Each workload is a plain function of its inputs with a known answer, so
//! every engine's results can be checked against it before a time is shown.

use serde::{Deserialize, Serialize};
use std::hint::black_box;

/// Iterations of the seed's `for i in range(3000000): pass`.
pub const SEED_LOOP_COUNT: u64 = 3_000_000;

/// Tasks in the seed's list of pairs `(10, 1) … (10, 10)`.
pub const SEED_TASKS: usize = 10;

/// A batch of identical-shaped tasks: task `i` counts to `count`, then adds the pair `(10, i + 1)`,
/// like the seed's `add_compute(xy)` mapped over `xy_pairs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmptyLoopJob {
    pub count: u64,
    pub tasks: usize,
}

impl Default for EmptyLoopJob {
    fn default() -> Self {
        Self {
            count: SEED_LOOP_COUNT,
            tasks: SEED_TASKS,
        }
    }
}

impl EmptyLoopJob {
    /// The seed's pair for task `index`: `(10, index + 1)`.
    pub fn pair(&self, index: usize) -> (i64, i64) {
        (10, index as i64 + 1)
    }

    /// Runs task `index`: the busy loop, then the addition.
    pub fn run_task(&self, index: usize) -> i64 {
        empty_loop_add(self.count, self.pair(index))
    }

    /// The answer every engine must return, in submission order, computed without the loop.
    pub fn expected(&self) -> Vec<i64> {
        (0..self.tasks)
            .map(|i| {
                let (x, y) = self.pair(i);
                x + y
            })
            .collect()
    }
}

/// Counts to `count` one step at a time, then returns `x + y`.
///
/// `black_box` hides the counter from the optimizer on every step: without it the loop has no
/// observable effect and the compiler deletes it, which would time nothing. Never inlined, so
/// there is one function for the browser to optimize, whichever engine calls it.
#[inline(never)]
pub fn empty_loop_add(count: u64, (x, y): (i64, i64)) -> i64 {
    let mut i = 0u64;
    while i < count {
        i = black_box(i) + 1;
    }
    x + y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_job_answers_eleven_to_twenty() {
        let job = EmptyLoopJob::default();
        assert_eq!(job.expected(), (11..=20).collect::<Vec<i64>>());
    }

    #[test]
    fn running_every_task_gives_the_expected_answer() {
        let job = EmptyLoopJob {
            count: 1_000,
            tasks: 10,
        };
        let got: Vec<i64> = (0..job.tasks).map(|i| job.run_task(i)).collect();
        assert_eq!(got, job.expected());
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a native test: std's clock works here"
    )]
    fn the_loop_is_not_optimized_away() {
        // 3 million steps take well over a microsecond even on the fastest machine; an
        // optimized-away loop would return in nanoseconds. Compare with a 1000× shorter loop
        // instead of a wall-clock bound, so the check holds on any machine.
        let time = |count| {
            let t = std::time::Instant::now();
            for _ in 0..5 {
                black_box(empty_loop_add(black_box(count), (10, 1)));
            }
            t.elapsed()
        };
        let short = time(3_000);
        let long = time(3_000_000);
        assert!(
            long > short * 50,
            "3M-step loop took {long:?}, 3k-step loop {short:?}: the loop was optimized away"
        );
    }
}
