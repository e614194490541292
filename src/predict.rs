//! What theory predicts a run takes, from what was already measured: the serial run's tasks
//! (each one's blocking wait and its computing), the cores that really scale, a fresh isolated
//! worker's start-up and a batch's messaging. The run's schedule is simulated as the engine
//! runs it — shared-memory threads each taking the next task, a pool handing out CPython's
//! chunks, a process per task with its start-up, one task joined before the next starts — with
//! the computing tasks sharing the cores (so workers past the cores take turns) and, under a
//! GIL, sharing one core's worth.

use crate::run::{Join, Mode, chunk_size};
use crate::timeline::{Kind, Timeline};

/// What a prediction is made from.
#[derive(Clone, Debug, PartialEq)]
pub struct Costs {
    /// Each task's blocking wait and its computing, in ms, from the serial run.
    pub tasks: Vec<(f64, f64)>,
    /// Cores' worth of computing the machine delivers at once.
    pub cores: f64,
    /// A fresh isolated worker's spawn to ready, in ms of one core's work (0 until one was
    /// measured): starting a worker instantiates the module, which computes.
    pub startup_ms: f64,
    /// A batch of tasks' messages there and back, in ms (0 until measured).
    pub message_ms: f64,
}

impl Costs {
    /// The serial run's tasks, read from its timeline (sleeping, then computing, per task).
    pub fn from_serial(serial: &Timeline, cores: f64) -> Costs {
        let mut tasks: Vec<(f64, f64)> = Vec::new();
        for bar in serial.bars() {
            let Some(i) = bar.task else { continue };
            if tasks.len() <= i {
                tasks.resize(i + 1, (0.0, 0.0));
            }
            let len = (bar.end_ms - bar.start_ms).max(0.0);
            match bar.kind {
                Kind::Sleeping | Kind::WithoutGil => tasks[i].0 += len,
                _ => tasks[i].1 += len,
            }
        }
        Costs {
            tasks,
            cores: cores.max(1.0),
            startup_ms: 0.0,
            message_ms: 0.0,
        }
    }

    /// The same costs with start-up and messaging read from runs already measured: the
    /// shortest start-up bar (workers started together share the cores, and the simulation
    /// shares them again), and the median of each batch's messaging bars.
    pub fn with_overheads<'a>(mut self, measured: impl Iterator<Item = &'a Timeline>) -> Costs {
        let mut startups = Vec::new();
        let mut messages = Vec::new();
        for t in measured {
            for lane in &t.lanes {
                for bar in &lane.bars {
                    let len = bar.end_ms - bar.start_ms;
                    match bar.kind {
                        Kind::Startup => startups.push(len),
                        Kind::Messaging => messages.push(len),
                        _ => {}
                    }
                }
            }
        }
        let median = |mut xs: Vec<f64>| {
            xs.sort_by(f64::total_cmp);
            xs.get(xs.len() / 2).copied()
        };
        // A batch's messaging is two bars: there and back.
        self.startup_ms = startups.into_iter().reduce(f64::min).unwrap_or(0.0);
        self.message_ms = median(messages).map_or(0.0, |m| 2.0 * m);
        self
    }

    /// The same costs in whole microseconds, none negative (and none not a number), as a share
    /// link carries them.
    pub fn quantized(&self) -> Costs {
        let us = |ms: f64| crate::timeline::whole_us(ms).max(0.0);
        Costs {
            tasks: self.tasks.iter().map(|&(w, c)| (us(w), us(c))).collect(),
            cores: self.cores,
            startup_ms: us(self.startup_ms),
            message_ms: us(self.message_ms),
        }
    }
}

/// A length as the schedule uses it: finite and not negative (anything else counts as 0).
fn clean(ms: f64) -> f64 {
    if ms.is_finite() { ms.max(0.0) } else { 0.0 }
}

/// A worker's work: a batch of tasks after its messages, once the worker is ready.
struct Unit {
    tasks: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Time passes without a core: a sleep, a message, a start-up.
    Wait(f64),
    /// Computing: ms of one core's work.
    Cpu(f64),
}

/// The predicted elapsed ms of `mode` with `workers` workers.
pub fn predict(mode: Mode, workers: usize, c: &Costs) -> f64 {
    let n = c.tasks.len();
    if n == 0 {
        return 0.0;
    }
    let workers = workers.max(1);
    match mode {
        Mode::MainThread => c.tasks.iter().map(|(w, cpu)| w + cpu).sum(),
        Mode::Shared { gil } => {
            let units = (0..n).map(|i| Unit { tasks: vec![i] }).collect();
            simulate(units, workers, 0.0, 0.0, if gil { 1.0 } else { c.cores }, c)
        }
        Mode::Pool { reuse } => {
            let chunk = chunk_size(n, workers);
            let units = (0..n)
                .step_by(chunk)
                .map(|s| Unit {
                    tasks: (s..(s + chunk).min(n)).collect(),
                })
                .collect();
            let startup = if reuse { 0.0 } else { c.startup_ms };
            simulate(units, workers, startup, c.message_ms, c.cores, c)
        }
        Mode::PerTask {
            join: Join::AfterAll,
        } => {
            let units = (0..n).map(|i| Unit { tasks: vec![i] }).collect();
            simulate(units, n, c.startup_ms, c.message_ms, c.cores, c)
        }
        Mode::PerTask {
            join: Join::InsideLoop,
        } => c
            .tasks
            .iter()
            .map(|(w, cpu)| c.startup_ms + c.message_ms + w + cpu)
            .sum(),
        // The clock stops once the workers are asked to start, before any task: nothing the
        // model knows of is inside it.
        Mode::PerTask {
            join: Join::ClockStopsBeforeJoin,
        } => 0.0,
        Mode::Asyncio => event_loop(workers, c),
    }
}

/// The fewest workers that run `mode`'s schedule for `workers` workers on `tasks` tasks, so
/// that a prediction made for it holds for both: past a worker per task, more threads,
/// coroutines or reused pool workers only stand idle (a pool's chunks are single tasks by
/// then), and a process per task takes no worker count at all. A fresh pool's extra workers
/// still start up, sharing the cores, so each count is its own.
pub fn same_schedule_as(mode: Mode, workers: usize, tasks: usize) -> usize {
    match mode {
        Mode::MainThread | Mode::PerTask { .. } => 1,
        Mode::Pool { reuse: false } => workers.max(1),
        Mode::Shared { .. } | Mode::Asyncio | Mode::Pool { reuse: true } => {
            workers.clamp(1, tasks.max(1))
        }
    }
}

/// `workers` coroutines on one event loop, each taking the next task: its wait runs as a timer
/// while others compute, and once due it waits for the loop, which computes one task at a time,
/// the earliest due first. Returns when the last task is done.
fn event_loop(workers: usize, c: &Costs) -> f64 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = c.tasks.len();
    // Tasks waiting for their timer or for the loop: (when due, in which order taken, task).
    let mut due = BinaryHeap::new();
    let take = |due: &mut BinaryHeap<_>, i: usize, now: f64| {
        due.push(Reverse((Ms(now + clean(c.tasks[i].0)), i)));
    };
    let first = workers.min(n);
    for i in 0..first {
        take(&mut due, i, 0.0);
    }
    let (mut next, mut free) = (first, 0.0f64);
    while let Some(Reverse((Ms(at), i))) = due.pop() {
        free = free.max(at) + clean(c.tasks[i].1);
        // The coroutine that computed it takes the next task.
        if next < n {
            take(&mut due, next, free);
            next += 1;
        }
    }
    free
}

/// Milliseconds ordered by `total_cmp`, for a heap.
#[derive(Clone, Copy, PartialEq)]
struct Ms(f64);

impl Eq for Ms {}

impl PartialOrd for Ms {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ms {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Runs `units` on `workers` workers that are ready after `startup` ms, each taking the next
/// unit as it comes free; computing phases share `capacity` cores evenly. Returns when the last
/// unit is done.
///
/// Every computing phase runs at the same rate, so each is scheduled on one "virtual" clock,
/// the work a computing phase has done since the start, and a wait on the real one: the next
/// phase to end is the top of one of two heaps: O(log workers) a phase. Where every worker has
/// a core of its own, [`uncontended`] schedules a unit at a time instead.
fn simulate(
    units: Vec<Unit>,
    workers: usize,
    startup: f64,
    message: f64,
    capacity: f64,
    c: &Costs,
) -> f64 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // Every length `clean`, and some capacity, so that every step ends a phase.
    let (startup, message) = (clean(startup), clean(message));
    let capacity = if capacity.is_finite() {
        capacity.max(0.01)
    } else {
        1.0
    };
    if workers as f64 <= capacity {
        return uncontended(units, workers, startup, message, c);
    }
    let mut queue = units.into_iter();
    // Each worker's phases still to run, the next one last; a worker still starting up has its
    // start-up (computing) to run first.
    let mut work: Vec<Vec<Phase>> = vec![Vec::new(); workers];
    // When each running phase ends: a wait on the clock, a computing phase on the virtual one.
    let mut waits: BinaryHeap<Reverse<(Ms, usize)>> = BinaryHeap::new();
    let mut cpus: BinaryHeap<Reverse<(Ms, usize)>> = BinaryHeap::new();
    let (mut now, mut virt) = (0.0f64, 0.0f64);
    let begin = |phase: Phase,
                 w: usize,
                 now: f64,
                 virt: f64,
                 waits: &mut BinaryHeap<_>,
                 cpus: &mut BinaryHeap<_>| match phase {
        Phase::Wait(ms) => waits.push(Reverse((Ms(now + ms), w))),
        Phase::Cpu(ms) => cpus.push(Reverse((Ms(virt + ms), w))),
    };
    // Ready workers with nothing to do, and the workers whose phase just ended.
    let (mut idle, mut ended): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (w, phases) in work.iter_mut().enumerate() {
        if startup > 0.0 {
            phases.push(Phase::Cpu(startup));
            begin(Phase::Cpu(startup), w, now, virt, &mut waits, &mut cpus);
        } else {
            idle.push(w);
        }
    }
    loop {
        // Ready workers with nothing to do take the next units.
        while let Some(&w) = idle.last() {
            let Some(unit) = queue.next() else { break };
            idle.pop();
            // Stored in reverse: the next phase is the last.
            let todo = &mut work[w];
            todo.clear();
            if message > 0.0 {
                todo.push(Phase::Wait(message));
            }
            for &i in &unit.tasks {
                let (wait, cpu) = (clean(c.tasks[i].0), clean(c.tasks[i].1));
                if wait > 0.0 {
                    todo.push(Phase::Wait(wait));
                }
                todo.push(Phase::Cpu(cpu));
            }
            todo.reverse();
            match todo.last() {
                Some(&next) => begin(next, w, now, virt, &mut waits, &mut cpus),
                None => idle.push(w),
            }
        }
        if waits.is_empty() && cpus.is_empty() {
            return now;
        }
        let rate = match cpus.len() {
            0 => 1.0,
            computing => (capacity / computing as f64).min(1.0),
        };
        // The next moment a phase ends.
        let next_wait = waits.peek().map(|Reverse((Ms(end), _))| *end);
        let next_cpu = cpus
            .peek()
            .map(|Reverse((Ms(end), _))| now + (end - virt).max(0.0) / rate);
        let at = [next_wait, next_cpu]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, f64::min)
            .max(now);
        virt += (at - now) * rate;
        now = at;
        ended.clear();
        while let Some(&Reverse((Ms(end), w))) = waits.peek()
            && end - now <= 1e-9
        {
            waits.pop();
            ended.push(w);
        }
        while let Some(&Reverse((Ms(end), w))) = cpus.peek()
            && end - virt <= 1e-9
        {
            cpus.pop();
            ended.push(w);
        }
        for &w in &ended {
            work[w].pop();
            match work[w].last() {
                Some(&next) => begin(next, w, now, virt, &mut waits, &mut cpus),
                None => idle.push(w),
            }
        }
    }
}

/// [`simulate`] where every worker has a core of its own, so no computing is ever slowed: each
/// unit goes to the worker free first and takes its messages, waits and computing end to end.
/// One heap operation a unit instead of one a phase.
fn uncontended(units: Vec<Unit>, workers: usize, startup: f64, message: f64, c: &Costs) -> f64 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut free: BinaryHeap<Reverse<Ms>> = (0..workers).map(|_| Reverse(Ms(startup))).collect();
    for unit in units {
        let Some(Reverse(Ms(at))) = free.pop() else {
            break;
        };
        let work: f64 = (unit.tasks.iter())
            .map(|&i| clean(c.tasks[i].0) + clean(c.tasks[i].1))
            .sum();
        free.push(Reverse(Ms(at + message + work)));
    }
    let last = free.into_iter().map(|Reverse(Ms(at))| at);
    last.fold(0.0, f64::max)
}

/// A gap the model does not try to explain: a run's own fixed costs (about half a millisecond
/// on a shared pool) and the clock's resolution.
pub const SMALLEST_GAP_MS: f64 = 2.0;

/// A point beside its prediction: its engine, workers and tasks, predicted ms and measured ms.
pub type Compared = (Mode, usize, usize, f64, f64);

/// The largest gap between predicted and measured among `points`, in ms, with its likely cause
/// in words ("shared memory + GIL, 10 workers: predicted 780 ms, measured 1.54 s (+97%) — …",
/// for the caller to introduce); `None` when every point is within 10% or [`SMALLEST_GAP_MS`] of its prediction.
/// With `single_runs`, each point is one run, which noise alone can move.
pub fn largest_gap(points: &[Compared], cores: f64, single_runs: bool) -> Option<String> {
    let (mode, workers, tasks, predicted, measured) = points
        .iter()
        .filter(|p| p.3 > 0.0 && p.4 > 0.0)
        .filter(|p| (p.4 / p.3 - 1.0).abs() >= 0.1 && (p.4 - p.3).abs() >= SMALLEST_GAP_MS)
        .max_by(|a, b| (a.4 - a.3).abs().total_cmp(&(b.4 - b.3).abs()))
        .copied()?;
    let off = measured / predicted - 1.0;
    let cause = if off < 0.0 {
        "faster than the serial run's tasks suggest (the serial run paid for something the workers did not)"
    } else if workers.min(tasks) as f64 > cores
        && !matches!(mode, Mode::Shared { gil: true } | Mode::Asyncio)
    {
        "more workers than cores: past the cores, the model's even sharing is optimistic"
    } else {
        match mode {
            Mode::Shared { gil: true } => "handing the GIL over, which the model counts as free",
            Mode::Pool { reuse: false } | Mode::PerTask { .. } => {
                "starting workers and sending them the job, beyond the start-up measured"
            }
            Mode::Pool { reuse: true } => "messages and scheduling beyond the measured round trip",
            Mode::Asyncio => {
                "the event loop's own work: timers that fire late, the browser's turns between tasks"
            }
            _ => {
                "what the threads share besides the cores (memory bandwidth, the allocator, scheduling)"
            }
        }
    };
    let noise = if single_runs {
        " (or noise: the point is a single run; more repetitions tell them apart)"
    } else {
        ""
    };
    Some(format!(
        "{}, {}: predicted {}, measured {} ({:+.0}%) — {cause}{noise}",
        mode.label(),
        crate::words::count(workers, "worker"),
        ms_text(predicted),
        ms_text(measured),
        off * 100.0
    ))
}

/// A time as the page writes it: seconds from 1 s, whole ms from 10 ms, tenths below.
pub fn ms_text(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    /// The heap schedule against the step-by-step one it replaced (proptest is not built for
    /// wasm32, where these tests also compile).
    #[cfg(not(target_arch = "wasm32"))]
    mod against_the_reference {
        use super::*;

        /// The schedule as first written, step by step over every worker: what [`super::simulate`]
        /// must agree with.
        fn reference(
            units: Vec<Unit>,
            workers: usize,
            startup: f64,
            message: f64,
            capacity: f64,
            c: &Costs,
        ) -> f64 {
            let clean = |ms: f64| if ms.is_finite() { ms.max(0.0) } else { 0.0 };
            let (startup, message) = (clean(startup), clean(message));
            let capacity = if capacity.is_finite() {
                capacity.max(0.01)
            } else {
                1.0
            };
            let mut queue = units.into_iter();
            let mut work: Vec<Vec<Phase>> = (0..workers)
                .map(|_| {
                    if startup > 0.0 {
                        vec![Phase::Cpu(startup)]
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let mut started = vec![startup <= 0.0; workers];
            let mut now = 0.0;
            loop {
                for (w, phases) in work.iter_mut().enumerate() {
                    if phases.is_empty()
                        && started[w]
                        && let Some(unit) = queue.next()
                    {
                        let mut todo = Vec::new();
                        if message > 0.0 {
                            todo.push(Phase::Wait(message));
                        }
                        for &i in &unit.tasks {
                            let (wait, cpu) = (clean(c.tasks[i].0), clean(c.tasks[i].1));
                            if wait > 0.0 {
                                todo.push(Phase::Wait(wait));
                            }
                            todo.push(Phase::Cpu(cpu));
                        }
                        todo.reverse();
                        *phases = todo;
                    }
                }
                if work.iter().all(Vec::is_empty) {
                    return now;
                }
                let computing = work
                    .iter()
                    .filter(|p| matches!(p.last(), Some(Phase::Cpu(_))))
                    .count();
                let rate = if computing == 0 {
                    1.0
                } else {
                    (capacity / computing as f64).min(1.0)
                };
                let dt = work
                    .iter()
                    .filter_map(|p| match p.last()? {
                        Phase::Wait(ms) => Some(*ms),
                        Phase::Cpu(ms) => Some(ms / rate),
                    })
                    .fold(f64::INFINITY, f64::min)
                    .max(0.0);
                now += dt;
                for (w, phases) in work.iter_mut().enumerate() {
                    let done = match phases.last_mut() {
                        Some(Phase::Wait(ms)) => {
                            *ms -= dt;
                            *ms <= 1e-9
                        }
                        Some(Phase::Cpu(ms)) => {
                            *ms -= dt * rate;
                            *ms <= 1e-9
                        }
                        None => false,
                    };
                    if done {
                        phases.pop();
                        started[w] = true;
                    }
                }
            }
        }

        proptest::proptest! {
            // Their own count, whatever PROPTEST_CASES says (a mutation run sets it).
            #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

            #[test]
            fn the_heap_schedule_ends_when_the_step_by_step_one_does(
                tasks in proptest::collection::vec((0u32..50, 0u32..50), 1..40),
                workers in 1usize..24,
                chunk in 1usize..6,
                startup in 0u32..20,
                message in 0u32..5,
                capacity in 1u32..8,
            ) {
                let c = costs(tasks.iter().map(|&(w, cpu)| (f64::from(w) / 4.0, f64::from(cpu) / 4.0)).collect(), f64::from(capacity));
                let n = c.tasks.len();
                let units = || (0..n).step_by(chunk).map(|s| Unit { tasks: (s..(s + chunk).min(n)).collect() }).collect::<Vec<_>>();
                let (startup, message, capacity) = (f64::from(startup) / 2.0, f64::from(message) / 2.0, f64::from(capacity) / 2.0);
                let fast = simulate(units(), workers, startup, message, capacity, &c);
                let slow = reference(units(), workers, startup, message, capacity, &c);
                proptest::prop_assert!((fast - slow).abs() <= 1e-6 * slow.max(1.0), "{fast} against {slow}");
            }

            /// Predicting the fewest workers that run the same schedule gives the same time,
            /// and a fresh pool's count is always its own (its extra workers start up).
            #[test]
            fn the_fewest_workers_with_the_same_schedule_take_the_same_time(
                tasks in proptest::collection::vec((0u32..50, 0u32..50), 1..30),
                workers in 1usize..60,
                startup in 0u32..20,
                message in 0u32..5,
                capacity in 1u32..8,
                mode in proptest::sample::select(Mode::ALL.to_vec()),
            ) {
                let mut c = costs(tasks.iter().map(|&(w, cpu)| (f64::from(w) / 4.0, f64::from(cpu) / 4.0)).collect(), f64::from(capacity) / 2.0);
                (c.startup_ms, c.message_ms) = (f64::from(startup) / 2.0, f64::from(message) / 2.0);
                let fewest = same_schedule_as(mode, workers, c.tasks.len());
                proptest::prop_assert!(fewest >= 1 && fewest <= workers);
                let (theirs, ours) = (predict(mode, fewest, &c), predict(mode, workers, &c));
                proptest::prop_assert!((theirs - ours).abs() <= 1e-9 * ours.max(1.0), "{fewest}: {theirs}, {workers}: {ours}");
                if mode == (Mode::Pool { reuse: false }) {
                    proptest::prop_assert_eq!(fewest, workers);
                } else {
                    // No more than a worker per task.
                    proptest::prop_assert!(fewest <= c.tasks.len());
                }
            }
        }
    }

    use super::*;

    fn costs(tasks: Vec<(f64, f64)>, cores: f64) -> Costs {
        Costs {
            tasks,
            cores,
            startup_ms: 0.0,
            message_ms: 0.0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn an_even_split_divides_by_the_workers_up_to_the_cores() {
        let c = costs(vec![(0.0, 100.0); 8], 4.0);
        assert!(close(predict(Mode::MainThread, 1, &c), 800.0));
        let shared = Mode::Shared { gil: false };
        assert!(close(predict(shared, 1, &c), 800.0));
        assert!(close(predict(shared, 2, &c), 400.0));
        assert!(close(predict(shared, 4, &c), 200.0));
        // Past the cores the workers take turns: 8 workers on 4 cores are no faster than 4.
        assert!(close(predict(shared, 8, &c), 200.0));
    }

    #[test]
    fn sleeping_overlaps_on_any_number_of_cores() {
        let c = costs(vec![(100.0, 0.0); 10], 1.0);
        assert!(close(predict(Mode::MainThread, 1, &c), 1000.0));
        for mode in [
            Mode::Shared { gil: false },
            Mode::Shared { gil: true },
            Mode::Pool { reuse: true },
        ] {
            assert!(close(predict(mode, 10, &c), 100.0), "{mode:?}");
        }
    }

    #[test]
    fn an_event_loop_overlaps_waits_but_computes_one_task_at_a_time() {
        // Ten waits of 100 ms with 1 ms of computing: gathered, about one wait.
        let waits = costs(vec![(100.0, 1.0); 10], 4.0);
        assert!(close(predict(Mode::Asyncio, 10, &waits), 110.0));
        // Two coroutines take turns: five waits each, back to back, the second 1 ms behind.
        assert!(close(predict(Mode::Asyncio, 2, &waits), 506.0));
        // Computing never overlaps, whatever the cores.
        let loops = costs(vec![(0.0, 80.0); 10], 4.0);
        assert!(close(predict(Mode::Asyncio, 10, &loops), 800.0));
        // One computes while another's timer runs; a task due while the loop is busy waits.
        let mixed = costs(vec![(0.0, 50.0), (20.0, 10.0)], 1.0);
        assert!(close(predict(Mode::Asyncio, 2, &mixed), 60.0));
        let late = costs(vec![(0.0, 10.0), (30.0, 10.0)], 1.0);
        assert!(close(predict(Mode::Asyncio, 2, &late), 40.0));
    }

    #[test]
    fn the_gil_lets_one_task_compute_at_a_time() {
        let c = costs(vec![(0.0, 100.0); 4], 4.0);
        let gil = Mode::Shared { gil: true };
        assert!(close(predict(gil, 4, &c), 400.0));
        // Sleeping with the lock released still overlaps.
        let mixed = costs(vec![(100.0, 10.0); 4], 4.0);
        assert!(close(predict(gil, 4, &mixed), 140.0));
    }

    #[test]
    fn a_pool_hands_out_cpythons_chunks() {
        // 10 tasks on 2 workers: chunks of 2, five chunks; one worker runs three of them.
        let c = costs(vec![(0.0, 10.0); 10], 2.0);
        assert!(close(predict(Mode::Pool { reuse: true }, 2, &c), 60.0));
        // With each batch's messages: one per chunk, three on the busiest worker.
        let c = Costs {
            message_ms: 1.0,
            ..c
        };
        assert!(close(predict(Mode::Pool { reuse: true }, 2, &c), 63.0));
    }

    #[test]
    fn fresh_workers_pay_their_start_up() {
        let c = Costs {
            startup_ms: 25.0,
            message_ms: 0.0,
            ..costs(vec![(0.0, 10.0); 4], 4.0)
        };
        assert!(close(predict(Mode::Pool { reuse: false }, 4, &c), 35.0));
        assert!(close(predict(Mode::Pool { reuse: true }, 4, &c), 10.0));
        assert!(close(
            predict(
                Mode::PerTask {
                    join: Join::AfterAll
                },
                4,
                &c
            ),
            35.0
        ));
        // Starting a worker computes: four at once on two cores take twice as long.
        let two_cores = Costs {
            cores: 2.0,
            ..c.clone()
        };
        assert!(close(
            predict(Mode::Pool { reuse: false }, 4, &two_cores),
            70.0
        ));
        // Joining inside the loop: each process starts after the last one ended.
        assert!(close(
            predict(
                Mode::PerTask {
                    join: Join::InsideLoop
                },
                4,
                &c
            ),
            140.0
        ));
    }

    #[test]
    fn a_process_joined_inside_the_loop_runs_its_whole_life_before_the_next_starts() {
        let c = Costs {
            startup_ms: 25.0,
            message_ms: 3.0,
            ..costs(vec![(7.0, 10.0), (1.0, 2.0)], 4.0)
        };
        let inside = Mode::PerTask {
            join: Join::InsideLoop,
        };
        // (25 + 3 + 7 + 10) + (25 + 3 + 1 + 2), whatever the worker count.
        for workers in [1, 2, 8] {
            assert!(close(predict(inside, workers, &c), 76.0));
        }
    }

    #[test]
    fn lengths_that_are_not_numbers_still_end() {
        let odd = Costs {
            tasks: vec![(f64::NAN, f64::INFINITY), (-5.0, 10.0)],
            cores: 0.0,
            startup_ms: f64::NAN,
            message_ms: -1.0,
        };
        for mode in [Mode::Shared { gil: false }, Mode::Pool { reuse: false }] {
            assert!(predict(mode, 2, &odd).is_finite(), "{mode:?}");
        }
    }

    #[test]
    fn uneven_tasks_finish_with_the_longest() {
        let c = costs(
            vec![(0.0, 40.0), (0.0, 10.0), (0.0, 10.0), (0.0, 10.0)],
            2.0,
        );
        // Two threads take tasks as they come free: 40 on one, 10 + 10 + 10 on the other.
        assert!(close(predict(Mode::Shared { gil: false }, 2, &c), 40.0));
    }

    #[test]
    fn the_largest_gap_is_named_with_a_likely_cause() {
        let gil = Mode::Shared { gil: true };
        let said = largest_gap(
            &[(gil, 2, 10, 100.0, 105.0), (gil, 10, 10, 780.0, 1540.0)],
            2.0,
            false,
        )
        .expect("a gap");
        assert_eq!(
            said,
            "shared memory + GIL, 10 workers: predicted 780 ms, measured 1.54 s (+97%) — handing the GIL over, which the model counts as free"
        );
        assert_eq!(largest_gap(&[(gil, 2, 10, 100.0, 105.0)], 2.0, false), None);
        // A tiny run's gap is its fixed costs, not the model's to explain.
        assert_eq!(largest_gap(&[(gil, 2, 10, 0.4, 2.2)], 2.0, false), None);
        // The largest gap in time, not in ratio.
        let said = largest_gap(
            &[(gil, 2, 10, 10.0, 14.0), (gil, 10, 10, 780.0, 900.0)],
            2.0,
            false,
        )
        .unwrap();
        assert!(said.contains("10 workers"), "{said}");
        let shared = Mode::Shared { gil: false };
        assert!(
            largest_gap(&[(shared, 4, 10, 100.0, 160.0)], 2.0, false)
                .unwrap()
                .contains("more workers than cores")
        );
        // With 2 tasks only 2 of 5 workers have work: not oversubscribed.
        let two_tasks = largest_gap(&[(shared, 5, 2, 13.0, 34.0)], 2.0, true).unwrap();
        assert!(
            !two_tasks.contains("more workers than cores"),
            "{two_tasks}"
        );
        assert!(
            two_tasks.ends_with(
                "(or noise: the point is a single run; more repetitions tell them apart)"
            ),
            "{two_tasks}"
        );
    }

    #[test]
    fn a_gap_is_the_largest_in_ms_either_way_and_needs_both_times() {
        let shared = Mode::Shared { gil: false };
        // 1,000 ms measured 700 (300 ms faster), 100 ms measured 350 (250 slower), 10 ms
        // measured 200: in whichever order, the 300 ms gap is the largest.
        let points = [
            (shared, 1, 10, 1000.0, 700.0),
            (shared, 2, 10, 100.0, 350.0),
            (shared, 3, 10, 10.0, 200.0),
        ];
        for order in [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]] {
            let said = largest_gap(&order.map(|i| points[i]), 4.0, false).expect("a gap");
            assert_eq!(
                said,
                "shared memory, 1 worker: predicted 1.00 s, measured 700 ms (-30%) — faster than \
                 the serial run's tasks suggest (the serial run paid for something the workers \
                 did not)",
                "{order:?}"
            );
        }
        // A point with no prediction (a clock that stops before any task) or no time measured
        // has no gap to speak of.
        let stops = Mode::PerTask {
            join: Join::ClockStopsBeforeJoin,
        };
        assert_eq!(largest_gap(&[(stops, 4, 10, 0.0, 50.0)], 4.0, false), None);
        assert_eq!(
            largest_gap(&[(shared, 4, 10, 100.0, 0.0)], 4.0, false),
            None
        );
    }

    #[test]
    fn each_engine_names_what_its_model_leaves_out() {
        let cause = |mode: Mode| {
            let said = largest_gap(&[(mode, 2, 10, 100.0, 150.0)], 4.0, false).expect("a gap");
            said.split(" — ").nth(1).expect("a cause").to_string()
        };
        assert_eq!(
            cause(Mode::Pool { reuse: true }),
            "messages and scheduling beyond the measured round trip"
        );
        for mode in [
            Mode::Pool { reuse: false },
            Mode::PerTask {
                join: Join::AfterAll,
            },
        ] {
            assert_eq!(
                cause(mode),
                "starting workers and sending them the job, beyond the start-up measured"
            );
        }
        assert_eq!(
            cause(Mode::Asyncio),
            "the event loop's own work: timers that fire late, the browser's turns between tasks"
        );
        assert_eq!(
            cause(Mode::Shared { gil: false }),
            "what the threads share besides the cores (memory bandwidth, the allocator, scheduling)"
        );
    }

    #[test]
    fn costs_are_read_from_the_serial_timeline_and_the_runs_measured() {
        use crate::run::{MessageSpan, RawRun, TaskRecord, WorkerLife};
        use crate::workloads::{Job, Workload};
        let job = Job::new(Workload::SleepAdd { ms: 5 }, 2);
        let record = TaskRecord::new;
        let serial = RawRun {
            records: vec![record(0, 0, 0.0, 7.0), record(1, 0, 7.0, 15.0)],
            elapsed_ms: 15.0,
            ..RawRun::default()
        };
        let c = Costs::from_serial(&Timeline::of(Mode::MainThread, &job, &serial), 2.0);
        assert_eq!(c.tasks, vec![(5.0, 2.0), (5.0, 3.0)]);
        let pool = RawRun {
            records: vec![record(0, 0, 4.0, 11.0)],
            lives: vec![WorkerLife {
                worker: 0,
                spawn_ms: 0.0,
                ready_ms: 3.0,
            }],
            messages: vec![MessageSpan {
                worker: 0,
                sent_ms: 3.0,
                received_ms: 12.0,
            }],
            elapsed_ms: 12.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Pool { reuse: false }, &job, &pool);
        let c = c.with_overheads([&t].into_iter());
        assert!(
            close(c.startup_ms, 3.0) && close(c.message_ms, 2.0),
            "{c:?}"
        );
        // Of many runs: the shortest start-up, and a batch is twice the median message (three
        // batches' messages of 2, 3 and 5 ms there and 6, 1 and 4 ms back: 2 × 4 ms).
        let run = |ready: f64, there: f64, back: f64| RawRun {
            records: vec![record(0, 0, ready + there, ready + there + 1.0)],
            lives: vec![WorkerLife {
                worker: 0,
                spawn_ms: 0.0,
                ready_ms: ready,
            }],
            messages: vec![MessageSpan {
                worker: 0,
                sent_ms: ready,
                received_ms: ready + there + 1.0 + back,
            }],
            elapsed_ms: ready + there + 1.0 + back,
            ..RawRun::default()
        };
        let runs: Vec<Timeline> = [(9.0, 2.0, 6.0), (4.0, 3.0, 1.0), (5.0, 5.0, 4.0)]
            .into_iter()
            .map(|(ready, there, back)| {
                Timeline::of(Mode::Pool { reuse: false }, &job, &run(ready, there, back))
            })
            .collect();
        let c = c.with_overheads(runs.iter());
        assert!(close(c.startup_ms, 4.0), "{c:?}");
        let mut messages: Vec<f64> = (runs.iter().flat_map(|t| t.bars()))
            .filter(|b| b.kind == Kind::Messaging)
            .map(|b| b.end_ms - b.start_ms)
            .collect();
        messages.sort_by(f64::total_cmp);
        assert_eq!(messages, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert!(close(c.message_ms, 8.0), "{c:?}");
    }
}
