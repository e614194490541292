//! Seed 004's `factorial(n)`, exact, with a maintained big-integer crate (num-bigint).

use super::Checkpoint;
use num_bigint::BigUint;

/// n! by repeated multiplication, in decimal.
pub fn factorial(n: u32, cp: &mut dyn Checkpoint) -> String {
    let mut acc = BigUint::from(1u32);
    for k in 2..=n {
        acc *= k;
        if k % 64 == 0 && !cp.check() {
            break;
        }
    }
    acc.to_str_radix(10)
}

/// n! from its prime factorization (Legendre's formula): an independent route to the answer.
pub fn by_primes(n: u32) -> String {
    let n = n as usize;
    let mut composite = vec![false; n + 1];
    let mut acc = BigUint::from(1u32);
    for p in 2..=n {
        if composite[p] {
            continue;
        }
        (p * p..=n).step_by(p).for_each(|m| composite[m] = true);
        let (mut power, mut q) = (0u32, p);
        while q <= n {
            power += (n / q) as u32;
            q = q.saturating_mul(p);
        }
        acc *= BigUint::from(p).pow(power);
    }
    acc.to_str_radix(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::{NoGil, tests::CountChecks};

    #[test]
    fn both_routes_agree() {
        for n in [0, 1, 2, 9, 20, 25, 100, 300] {
            assert_eq!(factorial(n, &mut NoGil), by_primes(n), "{n}!");
        }
        assert_eq!(by_primes(25), "15511210043330985984000000");
    }

    #[test]
    fn checks_in_every_64_factors() {
        let mut c = CountChecks(0);
        assert_eq!(factorial(256, &mut c), by_primes(256));
        assert_eq!(c.0, 4, "at 64, 128, 192 and 256");
    }
}
