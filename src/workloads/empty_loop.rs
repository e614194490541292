//! Seed 000's CPU-bound task: `for i in range(3000000): pass`, then `return x + y`.

use super::{CHECK_EVERY, Checkpoint};

/// Where the generator starts: any state but 0 (which xorshift maps to itself).
const START: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step of Marsaglia's xorshift64 (shifts 13, 7, 17): its states other than 0 form one cycle
/// of 2⁶⁴ − 1 steps, so the state returns to its start only after that many.
fn step(state: u64) -> u64 {
    let state = state ^ (state << 13);
    let state = state ^ (state >> 7);
    state ^ (state << 17)
}

/// Counts to `count` one step at a time, then returns `x + y`.
///
/// Each step advances a generator's state once (three shifts and xors, each depending on the one
/// before): the same 64-bit work in wasm and in native code, which the optimizer can neither
/// delete nor fold into fewer steps, as it does a bare `i += 1` (a closed form) or a multiply-add
/// (several steps' constants folded into one). The state feeds the answer: it is back at its
/// start only if no step ran, so a loop that was skipped answers one more than `x + y` and
/// fails the check. Never inlined, so there is one function for the browser to optimize,
/// whichever engine calls it.
#[inline(never)]
pub fn add(count: u64, (x, y): (i64, i64), cp: &mut dyn Checkpoint) -> i64 {
    let mut state = START;
    let mut i = 0u64;
    while i < count {
        let stop = count.min(i + CHECK_EVERY);
        while i < stop {
            state = step(state);
            i += 1;
        }
        if !cp.check() {
            break;
        }
    }
    let skipped = state == START && count > 0;
    x + y + i64::from(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::{NoGil, tests::CountChecks};
    use std::hint::black_box;

    #[test]
    fn returns_the_sum_of_the_pair() {
        assert_eq!(add(1000, (10, 5), &mut NoGil), 15);
        assert_eq!(add(0, (10, 1), &mut NoGil), 11);
    }

    #[test]
    fn checks_in_regularly() {
        let mut c = CountChecks(0);
        add(3 * CHECK_EVERY, (0, 0), &mut c);
        assert_eq!(c.0, 3);
    }

    #[test]
    fn the_generator_does_not_come_back_to_its_start_soon() {
        let mut state = START;
        for _ in 0..1_000_000 {
            state = step(state);
            assert!(state != START && state != 0);
        }
        // Marsaglia's published triple; 0 is its own fixed point.
        assert_eq!(step(0), 0);
        let (a, b) = (1 ^ (1 << 13), 8193 ^ (8193 >> 7));
        assert_eq!((a, b), (8193, 8257));
        assert_eq!(step(1), b ^ (b << 17));
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

    #[test]
    fn each_step_is_marsaglias_xorshift() {
        // Worked out independently: (s ^= s << 13; s ^= s >> 7; s ^= s << 17) mod 2^64.
        assert_eq!(step(START), 0xDC1B_77AE_0BF3_4DAD);
    }
}
