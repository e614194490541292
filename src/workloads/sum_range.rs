//! Seed 002's `cpu_bound(num)`: `sum([i for i in range(num * 1000000)])`.

use super::{CHECK_EVERY, Checkpoint};
use std::hint::black_box;

/// The seed's list of numbers.
pub const SEED_NUMBERS: [u64; 4] = [11, 23, 53, 34];

/// The range's end for task `i`: numbers cycle when there are more tasks than numbers.
pub fn limit(numbers: &[u64], unit: u64, i: usize) -> u64 {
    if numbers.is_empty() {
        0
    } else {
        numbers[i % numbers.len()].saturating_mul(unit)
    }
}

/// Sums 0..n one term at a time (`black_box` keeps the compiler from using the closed form).
#[inline(never)]
pub fn sum(n: u64, cp: &mut dyn Checkpoint) -> i64 {
    let mut total = 0i64;
    let mut i = 0u64;
    while i < n {
        let stop = n.min(i + CHECK_EVERY);
        while i < stop {
            total = total.wrapping_add(black_box(i) as i64);
            i += 1;
        }
        if !cp.check() {
            break;
        }
    }
    total
}

/// n(n − 1)/2, the known answer.
pub fn closed_form(n: u64) -> i64 {
    let n = n as i128;
    (n * (n - 1) / 2) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::NoGil;

    #[test]
    fn summing_matches_the_closed_form() {
        for n in [0, 1, 2, 10, 65_537, 1_000_000] {
            assert_eq!(sum(n, &mut NoGil), closed_form(n), "n = {n}");
        }
    }

    #[test]
    fn numbers_cycle_over_tasks() {
        assert_eq!(limit(&SEED_NUMBERS, 10, 0), 110);
        assert_eq!(limit(&SEED_NUMBERS, 10, 2), 530);
        assert_eq!(limit(&SEED_NUMBERS, 10, 5), 230);
        assert_eq!(limit(&[], 10, 3), 0);
    }
}
