//! Seeds 000 and 004's global `total`: each task adds to it and reports the subtotal it saw.
//!
//! The total is a static of this module's memory. Threads that share the page's memory share it;
//! an isolated worker, with a memory of its own, has its own copy — like a process.

use std::sync::atomic::{AtomicI64, Ordering};

static TOTAL: AtomicI64 = AtomicI64::new(0);

/// `total += amount`, returning the new subtotal.
pub fn add(amount: i64) -> i64 {
    TOTAL.fetch_add(amount, Ordering::SeqCst) + amount
}

/// The total as this memory sees it.
pub fn total() -> i64 {
    TOTAL.load(Ordering::SeqCst)
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
}
