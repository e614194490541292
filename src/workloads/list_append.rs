//! Seed 001's `list_append(count, id, out_list)`: append `count` random numbers to a list. The
//! numbers come from a seeded generator (SplitMix64), one stream per task, so every engine
//! builds the same lists.

use super::{CHECK_EVERY, Checkpoint};

/// Task `i`'s share of `total` numbers split over `tasks` (the first tasks take the remainder).
pub fn share(total: u64, tasks: usize, i: usize) -> u64 {
    let tasks = tasks.max(1) as u64;
    total / tasks + u64::from((i as u64) < total % tasks)
}

/// Task `i`'s generator seed.
pub fn stream_seed(seed: u64, i: usize) -> u64 {
    seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A random float in [0, 1), like Python's `random.random()`.
pub(crate) fn next_unit(state: &mut u64) -> f64 {
    (splitmix64(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// Folds a number into a running checksum (FNV-1a over its bits).
fn fold(checksum: u32, x: f64) -> u32 {
    x.to_bits().to_le_bytes().iter().fold(checksum, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

const FNV_OFFSET: u32 = 0x811C_9DC5;

/// Appends `count` random numbers to a new list, one `push` at a time, and summarizes the list.
///
/// The list's room is reserved once. CPython grows a list by `realloc`, which for a list this
/// large moves the pages (Linux's `mremap`) rather than copying them, so growing costs the seed
/// little time and no second list. A wasm memory cannot remap pages and never shrinks: grown by
/// copying, a 10,000,000-number list would hold 2–3 lists' worth at once and keep that memory
/// for the life of the page.
#[inline(never)]
pub fn append(count: u64, seed: u64, cp: &mut dyn Checkpoint) -> (u64, u32) {
    let mut state = seed;
    let mut list: Vec<f64> = Vec::with_capacity(usize::try_from(count).unwrap_or(usize::MAX));
    let mut done = 0u64;
    while done < count {
        let stop = count.min(done + CHECK_EVERY);
        while done < stop {
            list.push(next_unit(&mut state));
            done += 1;
        }
        if !cp.check() {
            break;
        }
    }
    (
        list.len() as u64,
        list.iter().fold(FNV_OFFSET, |h, &x| fold(h, x)),
    )
}

/// The same summary without building the list: the known answer.
pub fn checksum_only(count: u64, seed: u64) -> (u64, u32) {
    let mut sum = Checksum::new(count, seed);
    loop {
        if let Some(done) = sum.advance(u64::MAX) {
            return done;
        }
    }
}

/// [`checksum_only`] worked out a slice at a time, so a page can stay responsive between slices.
#[derive(Clone, Debug, PartialEq)]
pub struct Checksum {
    count: u64,
    state: u64,
    folded: u64,
    hash: u32,
}

impl Checksum {
    pub fn new(count: u64, seed: u64) -> Self {
        Self {
            count,
            state: seed,
            folded: 0,
            hash: FNV_OFFSET,
        }
    }

    /// Numbers still to fold in.
    pub fn left(&self) -> u64 {
        self.count - self.folded
    }

    /// Folds up to `steps` more numbers in; the list's length and checksum once all are.
    pub fn advance(&mut self, steps: u64) -> Option<(u64, u32)> {
        let stop = self.count.min(self.folded.saturating_add(steps));
        while self.folded < stop {
            self.hash = fold(self.hash, next_unit(&mut self.state));
            self.folded += 1;
        }
        (self.folded == self.count).then_some((self.count, self.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::NoGil;

    #[test]
    fn a_checksum_in_slices_is_the_checksum_of_the_list() {
        let whole = append(1000, 7, &mut NoGil);
        assert_eq!(checksum_only(1000, 7), whole);
        let mut sum = Checksum::new(1000, 7);
        let slices: Vec<_> = (0..4).map(|_| sum.advance(333)).collect();
        assert_eq!(slices, [None, None, None, Some(whole)]);
        assert_eq!(Checksum::new(0, 7).advance(0), Some((0, FNV_OFFSET)));
    }

    #[test]
    fn shares_add_up_to_the_total() {
        for (total, tasks) in [(10, 3), (10_000_000, 4), (5, 8), (0, 2)] {
            let sum: u64 = (0..tasks).map(|i| share(total, tasks, i)).sum();
            assert_eq!(sum, total, "{total} over {tasks}");
        }
    }

    #[test]
    fn numbers_are_uniform_in_the_unit_interval() {
        let mut state = 1;
        let xs: Vec<f64> = (0..10_000).map(|_| next_unit(&mut state)).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }

    #[test]
    fn appending_matches_the_checksum_and_streams_differ() {
        assert_eq!(append(1000, 42, &mut NoGil), checksum_only(1000, 42));
        assert_ne!(
            checksum_only(1000, stream_seed(42, 0)),
            checksum_only(1000, stream_seed(42, 1))
        );
    }

    #[test]
    fn the_numbers_are_splitmix64s_and_the_checksum_fnv_1a() {
        // SplitMix64's published outputs from a state of 0.
        let mut state = 0;
        assert_eq!(splitmix64(&mut state), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut state), 0x6E78_9E6A_A1B9_65F4);
        // FNV-1a (32-bit) over an f64's little-endian bytes, worked out independently.
        assert_eq!(fold(FNV_OFFSET, 1.0), 0x8C6A_9878);
        assert_eq!(fold(FNV_OFFSET, 0.5), 0x0C92_7168);
        // Task i's stream starts at the seed xor (i + 1) × the golden ratio's 64 bits.
        assert_eq!(stream_seed(7, 0), 0x9E37_79B9_7F4A_7C12);
        assert_eq!(stream_seed(7, 2), 0xDAA6_6D2C_7DDF_7438);
        assert_eq!(append(3, stream_seed(7, 2), &mut NoGil), (3, 0x7F82_B8B7));
    }

    #[test]
    fn a_list_longer_than_a_check_is_appended_whole_and_counted_down() {
        let count = 2 * CHECK_EVERY + 5;
        let (len, checksum) = append(count, 7, &mut NoGil);
        assert_eq!((len, checksum), checksum_only(count, 7));
        let mut sum = Checksum::new(10, 7);
        assert_eq!(sum.left(), 10);
        sum.advance(4);
        assert_eq!(sum.left(), 6);
        sum.advance(99);
        assert_eq!(sum.left(), 0);
    }
}
