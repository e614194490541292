//! The sleep-bound seeds: the wait itself is done by the engine; what remains is the addition.

/// Seed 000's `add(xy)` after its `sleep(0.1)`.
pub fn add((x, y): (i64, i64)) -> i64 {
    x + y
}
