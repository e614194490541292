//! Seed 004's `square = partial(pow, 2)`: 2^x, a task far smaller than any overhead.

use std::hint::black_box;

/// 2^x by repeated doubling (exact in f64 up to 2^1023).
pub fn pow2(x: u32) -> f64 {
    (0..black_box(x)).fold(1.0, |acc, _| acc * 2.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn powers_of_two() {
        assert_eq!(super::pow2(0), 1.0);
        assert_eq!(super::pow2(10), 1024.0);
        assert_eq!(super::pow2(999), 2f64.powi(999));
    }
}
