//! A global interpreter lock like CPython's: a task holds it while it computes, releases it
//! around blocking waits, and hands it over every switch interval (5 ms, CPython's
//! `sys.getswitchinterval()`) when another thread is waiting.
//!
//! A plain `Mutex` does not do this: a thread that drops and re-locks it nearly always gets it
//! straight back, so tasks would finish one after another instead of taking turns. This is a
//! fair ticket lock — threads are served in the order they asked — so the lock goes round.

use crate::cancel::Cancel;
use crate::workloads::{Checkpoint, Job, NoGil, Stoppable};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use web_time::Instant;

/// CPython's default switch interval.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

#[derive(Default)]
struct Tickets {
    /// The next ticket to hand out.
    next: u64,
    /// The ticket now allowed to run.
    serving: u64,
}

#[derive(Default)]
pub struct Gil {
    tickets: Mutex<Tickets>,
    turn: Condvar,
    /// Threads waiting for the lock, readable without taking `tickets`: the holder checks it at
    /// every checkpoint and reads the clock only when someone waits.
    waiting: AtomicUsize,
}

impl Gil {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Tickets> {
        // A poisoned lock means a task panicked; the tickets themselves are still consistent.
        self.tickets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the lock; returns how long the wait took.
    fn take(&self) -> Duration {
        let asked = Instant::now();
        let mut t = self.lock();
        let ticket = t.next;
        t.next += 1;
        if t.serving != ticket {
            self.waiting.fetch_add(1, Ordering::SeqCst);
            while t.serving != ticket {
                t = self.turn.wait(t).unwrap_or_else(|e| e.into_inner());
            }
            self.waiting.fetch_sub(1, Ordering::SeqCst);
        }
        asked.elapsed()
    }

    fn give(&self) {
        self.lock().serving += 1;
        self.turn.notify_all();
    }

    fn others_waiting(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) > 0
    }

    /// Takes the lock for one task. It is released when the guard drops.
    pub fn acquire(&self) -> GilGuard<'_> {
        let waited = self.take();
        GilGuard {
            gil: self,
            held_since: Instant::now(),
            waited,
            held: true,
            holds: Vec::new(),
        }
    }
}

/// Runs task 0 of `job` with every checkpoint the engines' runs use — none, the GIL, and each
/// wrapped to stop on a cancel — a warm-up call. The browser's optimizer speculates on which
/// checkpoint a loop calls; warmed up without one kind, the first run with it fell back to
/// baseline code for its whole length (measured here: the first GIL run 4× slower than the
/// next).
pub fn warm_call(job: &Job) {
    let never = Cancel::new();
    std::hint::black_box(job.compute(0, &mut NoGil));
    std::hint::black_box(job.compute(
        0,
        &mut Stoppable {
            inner: &mut NoGil,
            cancel: &never,
        },
    ));
    let gil = Gil::new();
    std::hint::black_box(job.compute(0, &mut gil.acquire()));
    std::hint::black_box(job.compute(
        0,
        &mut Stoppable {
            inner: &mut gil.acquire(),
            cancel: &never,
        },
    ));
}

/// The lock, held by one task.
pub struct GilGuard<'a> {
    gil: &'a Gil,
    held_since: Instant,
    waited: Duration,
    held: bool,
    /// The spans this task held the lock, up to [`MAX_HOLDS`]: what the timeline draws.
    holds: Vec<(Instant, Instant)>,
}

/// Spans kept per task; a long task on a busy lock changes hands every 5 ms, and the timeline
/// cannot show more than this anyway.
pub const MAX_HOLDS: usize = 2_000;

impl GilGuard<'_> {
    /// Total time this task spent waiting for the lock so far.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// Releases the lock for another thread, noting the span it was held.
    fn give(&mut self) {
        if self.holds.len() < MAX_HOLDS {
            self.holds.push((self.held_since, Instant::now()));
        }
        self.gil.give();
        self.held = false;
    }

    /// Releases the lock for good; returns the wait and every span the task held it.
    pub fn finish(mut self) -> (Duration, Vec<(Instant, Instant)>) {
        self.give();
        (self.waited, std::mem::take(&mut self.holds))
    }

    fn reacquire(&mut self) {
        self.waited += self.gil.take();
        self.held_since = Instant::now();
        self.held = true;
    }

    /// Runs `f` (a blocking wait) with the lock released, then takes it back, as CPython does
    /// around `time.sleep` and I/O.
    pub fn released<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.give();
        let r = f();
        self.reacquire();
        r
    }
}

impl Checkpoint for GilGuard<'_> {
    /// Once another thread waits and the holder has had its switch interval, lets every waiting
    /// thread have its turn before continuing. Without waiters it costs one atomic load.
    fn check(&mut self) -> bool {
        if self.gil.others_waiting() && self.held_since.elapsed() >= SWITCH_INTERVAL {
            self.give();
            self.reacquire();
        }
        true
    }

    /// A task's blocking wait (a script's `sleep`) lets the other threads have the lock.
    fn blocking(&mut self, wait: &mut dyn FnMut()) {
        self.released(wait);
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        if self.held {
            self.gil.give();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::CHECK_EVERY;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[cfg(feature = "script")]
    #[test]
    fn a_sleeping_script_lets_the_other_threads_have_the_gil() {
        use crate::workloads::script;
        let gil = Gil::new();
        let started = web_time::Instant::now();
        std::thread::scope(|s| {
            for i in 0..2 {
                let gil = &gil;
                s.spawn(move || {
                    let mut held = gil.acquire();
                    assert_eq!(
                        script::run_task(script::EXAMPLES[0].1, i, &mut held, false),
                        Ok(format!("{}", 11 + i))
                    );
                });
            }
        });
        let took = started.elapsed().as_millis();
        assert!(took < 190, "two 100 ms sleeps under one GIL took {took} ms");
    }

    /// Busy work that checks in like the workloads do, recording whether two threads ever
    /// compute at once: `steps` of it (see `steps_for`), once every thread is ready to start.
    fn busy(
        gil: &Gil,
        inside: &AtomicUsize,
        overlaps: &AtomicUsize,
        steps: u64,
        ready: &Barrier,
    ) -> Duration {
        ready.wait();
        let mut guard = gil.acquire();
        for _ in 0..steps {
            if inside.fetch_add(1, Ordering::SeqCst) > 0 {
                overlaps.fetch_add(1, Ordering::SeqCst);
            }
            step();
            inside.fetch_sub(1, Ordering::SeqCst);
            guard.check();
        }
        guard.waited()
    }

    #[test]
    fn no_two_threads_compute_at_once_and_the_lock_goes_round() {
        let gil = Gil::new();
        let (inside, overlaps) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let (steps, ready) = (steps_for(60), Barrier::new(4));
        let waits: Vec<Duration> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| busy(&gil, &inside, &overlaps, steps, &ready)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        });
        assert_eq!(
            overlaps.load(Ordering::SeqCst),
            0,
            "two threads computed while one held the GIL"
        );
        // Round-robin: every thread waited for others mid-task, not only the last one at the start.
        let waited_a_lot = waits
            .iter()
            .filter(|w| **w > Duration::from_millis(20))
            .count();
        assert!(
            waited_a_lot >= 3,
            "waits {waits:?}: the lock did not go round"
        );
    }

    fn step() {
        std::hint::black_box((0..CHECK_EVERY / 64).sum::<u64>());
    }

    /// Steps of busy work that take about `millis` here and now. Work counted in steps, not
    /// time, is stretched by a busy machine but never cut short. The fastest of three tenths
    /// counts, so that a tenth spent descheduled does not shrink the work.
    fn steps_for(millis: u64) -> u64 {
        let tenth = || {
            let start = Instant::now();
            let mut steps = 0u64;
            while start.elapsed() < Duration::from_millis(millis) / 10 {
                step();
                steps += 1;
            }
            steps
        };
        10 * (0..3).map(|_| tenth()).max().unwrap_or(0)
    }

    /// `threads` tasks on one lock, each doing about `millis` of busy work, started together:
    /// the spans each held the lock.
    fn turns(threads: usize, millis: u64) -> Vec<Vec<(Instant, Instant)>> {
        let (steps, ready) = (steps_for(millis), Barrier::new(threads));
        let gil = Gil::new();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        ready.wait();
                        let mut guard = gil.acquire();
                        for _ in 0..steps {
                            step();
                            guard.check();
                        }
                        guard.finish().1
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        })
    }

    #[test]
    fn the_lock_goes_round_in_turns_of_the_switch_interval() {
        let spans = turns(4, 60);
        for (thread, held) in spans.iter().enumerate() {
            assert!(
                held.len() >= 2,
                "thread {thread} held the lock {} times: it was not handed round",
                held.len()
            );
            // Every turn but a task's last ends by handing over, which waits for the interval.
            for (from, to) in &held[..held.len() - 1] {
                assert!(
                    *to - *from >= SWITCH_INTERVAL,
                    "thread {thread} handed over after {:?}",
                    *to - *from
                );
            }
        }
    }

    /// Spins until `n` threads wait for the lock.
    fn until_waiting(gil: &Gil, n: usize) {
        while gil.waiting.load(Ordering::SeqCst) != n {
            std::thread::yield_now();
        }
    }

    #[test]
    fn waiting_threads_are_served_in_the_order_they_asked_before_the_holder_again() {
        let gil = Gil::new();
        let served = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            let mut a = gil.acquire();
            for (name, waiting) in [("b", 1), ("c", 2)] {
                let (gil, served) = (&gil, &served);
                s.spawn(move || {
                    let _held = gil.acquire();
                    served.lock().expect("log").push(name);
                });
                until_waiting(gil, waiting);
            }
            std::thread::sleep(SWITCH_INTERVAL);
            a.check();
            served.lock().expect("log").push("a");
        });
        assert_eq!(*served.lock().expect("log"), ["b", "c", "a"]);
    }

    #[test]
    fn the_holder_keeps_the_lock_until_its_switch_interval_is_up() {
        let gil = Gil::new();
        let served = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let mut a = gil.acquire();
            s.spawn(|| {
                let _held = gil.acquire();
                served.fetch_add(1, Ordering::SeqCst);
            });
            until_waiting(&gil, 1);
            a.held_since = Instant::now();
            a.check();
            assert_eq!(
                served.load(Ordering::SeqCst),
                0,
                "handed over before the interval"
            );
            std::thread::sleep(SWITCH_INTERVAL);
            a.check();
            assert_eq!(
                served.load(Ordering::SeqCst),
                1,
                "kept it past the interval"
            );
        });
    }

    #[test]
    fn alone_a_task_holds_the_lock_in_one_span() {
        let spans = turns(1, 30);
        assert_eq!(spans[0].len(), 1, "nobody waited, yet it handed over");
    }

    #[test]
    fn a_task_keeps_at_most_max_holds_spans() {
        let gil = Gil::new();
        let mut guard = gil.acquire();
        for _ in 0..MAX_HOLDS + 10 {
            guard.give();
            guard.reacquire();
        }
        assert_eq!(guard.finish().1.len(), MAX_HOLDS);
    }

    #[test]
    fn the_spans_each_task_held_the_lock_never_overlap() {
        let mut spans: Vec<(Instant, Instant)> = turns(3, 40).into_iter().flatten().collect();
        spans.sort();
        assert!(
            spans.len() > 3,
            "the lock changed hands: {} spans",
            spans.len()
        );
        for pair in spans.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "two tasks held the lock at once: {pair:?}"
            );
        }
    }

    #[test]
    fn sleeps_overlap_because_the_lock_is_released() {
        let gil = Gil::new();
        let start = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let mut guard = gil.acquire();
                    guard.released(|| std::thread::sleep(Duration::from_millis(100)));
                });
            }
        });
        let took = start.elapsed();
        assert!(
            took < Duration::from_millis(300),
            "4 × 100 ms sleeps took {took:?}: they did not overlap"
        );
    }
}
