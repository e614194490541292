//! Seeds 000 and 004's global `total`: each task adds to it and reports the subtotal it saw.
//!
//! The total is a static of this module's memory. Threads that share the page's memory share it;
//! an isolated worker, with a memory of its own, has its own copy — like a process.

use super::{CHECK_EVERY, Checkpoint};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

static TOTAL: AtomicI64 = AtomicI64::new(0);
/// The lock a guarded `total = total + 1` takes: a spin lock, which a page's thread may take too
/// (it may not block on a futex).
static LOCK: AtomicBool = AtomicBool::new(false);

/// How a race task's `total = total + 1` is kept whole, or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Guard {
    /// Python's `total = total + 1` with no lock: a read, then a write of what was read plus
    /// one. A thread that writes between another's read and write has its update lost.
    Unguarded,
    /// The same read and write inside `with lock:`.
    Lock,
    /// One atomic add (what `itertools.count` or a C extension's atomic gives).
    Atomic,
}

impl Guard {
    pub const ALL: [Guard; 3] = [Guard::Unguarded, Guard::Lock, Guard::Atomic];

    pub fn describe(self) -> &'static str {
        match self {
            Guard::Unguarded => "total = total + 1, no lock",
            Guard::Lock => "with lock: total = total + 1",
            Guard::Atomic => "an atomic add",
        }
    }
}

/// `total += amount`, returning the new subtotal.
pub fn add(amount: i64) -> i64 {
    TOTAL.fetch_add(amount, Ordering::SeqCst) + amount
}

/// `total = value`: a whole store, but between a thread's read and this store another thread's
/// may land and be overwritten (a script's `set_total(total() + x)` races so).
pub fn set(value: i64) {
    TOTAL.store(value, Ordering::SeqCst);
}

/// The total as this memory sees it.
pub fn total() -> i64 {
    TOTAL.load(Ordering::SeqCst)
}

/// Adds 1 to the total `adds` times under `guard`, checking in every [`CHECK_EVERY`] adds and
/// never inside one; returns the total as this task last saw it.
///
/// The unguarded step is a load and then a store of the atomic total: each is whole, so there
/// is no data race in Rust's sense, but another thread's store may fall between them and be
/// overwritten — the lost update a free-threaded `total = total + 1` suffers. Where a GIL
/// switches only at check-ins, no two steps interleave, so none is lost.
#[inline(never)]
pub fn race(adds: u32, guard: Guard, cp: &mut dyn Checkpoint) -> i64 {
    let mut seen = total();
    let mut done = 0u32;
    while done < adds {
        let stop = adds.min(done.saturating_add(CHECK_EVERY as u32));
        while done < stop {
            seen = match guard {
                Guard::Unguarded => {
                    let read = TOTAL.load(Ordering::SeqCst);
                    TOTAL.store(read + 1, Ordering::SeqCst);
                    read + 1
                }
                Guard::Lock => {
                    while LOCK
                        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                        .is_err()
                    {
                        std::hint::spin_loop();
                    }
                    let read = TOTAL.load(Ordering::SeqCst);
                    TOTAL.store(read + 1, Ordering::SeqCst);
                    LOCK.store(false, Ordering::Release);
                    read + 1
                }
                Guard::Atomic => add(1),
            };
            done += 1;
        }
        if !cp.check() {
            break;
        }
    }
    seen
}

/// Back to 0 before a run, like a fresh interpreter.
pub fn reset() {
    TOTAL.store(0, Ordering::SeqCst);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Held by each test that counts on the one total, so that they do not run at once.
    pub(crate) static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn threads_sharing_memory_see_one_total() {
        let _alone = ALONE.lock();
        reset();
        let subtotals: Vec<i64> = std::thread::scope(|s| {
            (0..8)
                .map(|_| s.spawn(|| add(5)))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        });
        let mut sorted = subtotals.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=8).map(|k| 5 * k).collect::<Vec<_>>());
        assert_eq!(total(), 40);
        reset();
        assert_eq!(total(), 0);
    }

    /// Runs `threads` threads of `adds` guarded adds from 0; the total they leave.
    fn raced(threads: usize, adds: u32, guard: Guard) -> i64 {
        reset();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| race(adds, guard, &mut crate::workloads::NoGil));
            }
        });
        let left = total();
        reset();
        left
    }

    #[test]
    fn one_thread_alone_loses_nothing_whatever_the_guard() {
        let _alone = ALONE.lock();
        for guard in Guard::ALL {
            reset();
            assert_eq!(race(10_000, guard, &mut crate::workloads::NoGil), 10_000);
            assert_eq!(race(5, guard, &mut crate::workloads::NoGil), 10_005);
        }
        reset();
    }

    #[test]
    fn unguarded_threads_lose_updates_and_guarded_ones_do_not() {
        let _alone = ALONE.lock();
        let (threads, adds) = (4, 200_000);
        let full = threads as i64 * i64::from(adds);
        assert_eq!(raced(threads, adds, Guard::Lock), full);
        assert_eq!(raced(threads, adds, Guard::Atomic), full);
        // Never more than the full sum; on a machine with two cores or more, short in some run
        // (on a busy machine the threads may take turns for many runs: up to 200, until one).
        let mut runs: Vec<i64> = Vec::new();
        while runs.len() < 200 && !runs.iter().any(|&t| t < full) {
            runs.push(raced(threads, adds, Guard::Unguarded));
        }
        assert!(runs.iter().all(|&t| 0 < t && t <= full), "{runs:?}");
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert!(runs.iter().any(|&t| t < full), "no update lost in {runs:?}");
        }
    }

    #[test]
    fn a_set_total_is_what_the_next_read_sees_and_each_guard_says_what_it_is() {
        let _alone = ALONE.lock();
        set(41);
        assert_eq!(total(), 41);
        assert_eq!(add(1), 42);
        reset();
        let said: Vec<&str> = Guard::ALL.iter().map(|g| g.describe()).collect();
        assert_eq!(
            said,
            [
                "total = total + 1, no lock",
                "with lock: total = total + 1",
                "an atomic add"
            ]
        );
    }
}
