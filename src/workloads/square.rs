//! Seed 004's `square = partial(pow, 2)`: 2^x, a task far smaller than any overhead.

use std::hint::black_box;

/// 2^x by repeated squaring, in about log2(x) multiplications as a `pow` takes (the seed's is
/// one libm call); exact in f64 up to 2^1023, infinite beyond. A task's cost is then as small as
/// the seed's and the references' (Python's and plain JavaScript's `2 ** i`), so that what a
/// pool's tiny tasks measure is the pool.
pub fn pow2(x: u32) -> f64 {
    let (mut result, mut power, mut rest) = (1.0, 2.0, black_box(x));
    while rest > 0 {
        if rest & 1 == 1 {
            result *= power;
        }
        power *= power;
        rest >>= 1;
    }
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn powers_of_two() {
        for x in 0..1100 {
            assert_eq!(super::pow2(x), 2f64.powi(x as i32), "2^{x}");
        }
        assert_eq!(super::pow2(10), 1024.0);
        assert_eq!(super::pow2(1023), f64::MAX / (2.0 - f64::EPSILON));
        assert_eq!(super::pow2(1024), f64::INFINITY);
    }
}
