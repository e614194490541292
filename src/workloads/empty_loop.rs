//! Seed 000's CPU-bound task: `for i in range(3000000): pass`, then `return x + y`.

use super::{CHECK_EVERY, Checkpoint};
use std::hint::black_box;

/// Counts to `count` one step at a time, then returns `x + y`.
///
/// `black_box` hides the counter from the optimizer on every step: without it the loop has no
/// observable effect and the compiler deletes it, which would time nothing. Never inlined, so
/// there is one function for the browser to optimize, whichever engine calls it.
#[inline(never)]
pub fn add(count: u64, (x, y): (i64, i64), cp: &mut dyn Checkpoint) -> i64 {
    let mut i = 0u64;
    while i < count {
        let stop = count.min(i + CHECK_EVERY);
        while i < stop {
            i = black_box(i) + 1;
        }
        if !cp.check() {
            break;
        }
    }
    x + y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::NoGil;

    #[test]
    fn returns_the_sum_of_the_pair() {
        assert_eq!(add(1000, (10, 5), &mut NoGil), 15);
        assert_eq!(add(0, (10, 1), &mut NoGil), 11);
    }

    #[test]
    fn checks_in_regularly() {
        struct Count(u32);
        impl Checkpoint for Count {
            fn check(&mut self) -> bool {
                self.0 += 1;
                true
            }
        }
        let mut c = Count(0);
        add(3 * CHECK_EVERY, (0, 0), &mut c);
        assert_eq!(c.0, 3);
    }

    #[test]
    fn the_loop_is_not_optimized_away() {
        // A 1000× longer loop must take far longer; an optimized-away loop takes nanoseconds
        // whatever its count. A ratio, so the check holds on any machine.
        let time = |count| {
            let t = web_time::Instant::now();
            for _ in 0..5 {
                black_box(add(black_box(count), (10, 1), &mut NoGil));
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
