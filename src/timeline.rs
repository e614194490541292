//! What happened in a run, worker by worker: one lane per worker that ran a task, with bars for
//! starting the worker, for messages in flight, for computing and — with a GIL — for holding
//! the lock or not. All on the run's one clock (ms since it started).

use crate::run::{Mode, RawRun};
use crate::workloads::Job;
use serde::Serialize;

/// What a worker was doing during a bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An isolated worker from spawn to ready (its own module instance up).
    Startup,
    /// A batch of tasks or its answer in flight between page and worker.
    Messaging,
    /// Running a task.
    Compute,
    /// A task's blocking wait (the sleep-bound workloads): the worker is busy, the core is not.
    Sleeping,
    /// With a GIL: running a task, holding the lock.
    HoldingGil,
    /// With a GIL: inside a task without the lock — waiting for it, or sleeping with it released.
    WithoutGil,
}

impl Kind {
    /// The kinds a timeline of `mode` can show, for its legend.
    pub fn shown_by(mode: Mode) -> &'static [Kind] {
        match mode {
            Mode::MainThread | Mode::Shared { gil: false } => &[Kind::Compute, Kind::Sleeping],
            Mode::Asyncio => &[Kind::Compute],
            Mode::Shared { gil: true } => &[Kind::HoldingGil, Kind::WithoutGil],
            Mode::Pool { .. } | Mode::PerTask { .. } => &[
                Kind::Startup,
                Kind::Messaging,
                Kind::Compute,
                Kind::Sleeping,
            ],
        }
    }

    /// Every kind, in a fixed order (share links number them by it).
    pub const ALL: [Kind; 6] = [
        Kind::Startup,
        Kind::Messaging,
        Kind::Compute,
        Kind::Sleeping,
        Kind::HoldingGil,
        Kind::WithoutGil,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Startup => "worker start-up",
            Kind::Messaging => "messages",
            Kind::Compute => "computing",
            Kind::Sleeping => "sleeping (a blocking wait)",
            Kind::HoldingGil => "holding the GIL",
            Kind::WithoutGil => "in a task without the GIL",
        }
    }

    /// Bars that count as computing: what "at once" means for the GIL and for oversubscription.
    pub fn computes(self) -> bool {
        matches!(self, Kind::Compute | Kind::HoldingGil)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub kind: Kind,
    pub start_ms: f64,
    pub end_ms: f64,
    /// The task the bar belongs to, if any.
    pub task: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lane {
    pub worker: usize,
    /// In time order; bars of one lane never overlap.
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeline {
    pub mode: Mode,
    /// One per worker that ran a task, by worker number.
    pub lanes: Vec<Lane>,
    pub elapsed_ms: f64,
    /// A visitor's script ran: its sleeps happen inside the task, where the timeline cannot
    /// tell them from its computing, so its bars say only that the task was running.
    pub script: bool,
}

/// Lanes a timeline draws at most; a run with a worker per task can have a thousand.
pub const MAX_DRAWN_LANES: usize = 64;

/// A lane's name: what ran in it for `mode`.
pub fn lane_name(mode: Mode, worker: usize) -> String {
    match mode {
        Mode::MainThread => "page".into(),
        Mode::Shared { .. } => format!("thread {worker}"),
        Mode::Pool { .. } => format!("worker {worker}"),
        Mode::PerTask { .. } => format!("task {worker}'s worker"),
        Mode::Asyncio => "event loop".into(),
    }
}

/// Milliseconds rounded to a whole microsecond, the precision a share link carries times in.
pub fn whole_us(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

impl Timeline {
    /// Lays out `run` of `job` as lanes and bars. Without a GIL a task first waits its
    /// `job.wait_ms` (drawn as sleeping), then computes; with one, the spans it held the lock
    /// are drawn, and the rest of the task (waiting for the lock or sleeping) apart.
    pub fn of(mode: Mode, job: &Job, run: &RawRun) -> Timeline {
        let mut workers: Vec<usize> = run.records.iter().map(|r| r.worker).collect();
        workers.sort_unstable();
        workers.dedup();
        let lanes = workers
            .into_iter()
            .map(|worker| {
                let mut bars = Vec::new();
                for life in run.lives.iter().filter(|l| l.worker == worker) {
                    bars.push(Bar {
                        kind: Kind::Startup,
                        start_ms: life.spawn_ms,
                        end_ms: life.ready_ms,
                        task: None,
                    });
                }
                let mut tasks: Vec<_> = run.records.iter().filter(|r| r.worker == worker).collect();
                tasks.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
                for m in run.messages.iter().filter(|m| m.worker == worker) {
                    // The batch's tasks ran between sending and receiving; the rest is messaging.
                    let inside = tasks
                        .iter()
                        .filter(|r| r.start_ms >= m.sent_ms && r.end_ms <= m.received_ms);
                    let first = inside
                        .clone()
                        .map(|r| r.start_ms)
                        .fold(m.received_ms, f64::min);
                    let last = inside
                        .map(|r| r.end_ms)
                        .fold(m.sent_ms, f64::max)
                        .max(first);
                    for (start_ms, end_ms) in [(m.sent_ms, first), (last, m.received_ms)] {
                        if end_ms > start_ms {
                            bars.push(Bar {
                                kind: Kind::Messaging,
                                start_ms,
                                end_ms,
                                task: None,
                            });
                        }
                    }
                }
                for r in tasks {
                    // On one event loop a task's await overlaps others' computing in the same
                    // lane: only the spans it held the loop are drawn.
                    if mode == Mode::Asyncio {
                        bars.extend(r.held.iter().map(|&(start_ms, end_ms)| Bar {
                            kind: Kind::Compute,
                            start_ms,
                            end_ms: end_ms.max(start_ms),
                            task: Some(r.index),
                        }));
                        continue;
                    }
                    if r.held.is_empty() {
                        let woke = (r.start_ms + f64::from(job.wait_ms(r.index))).min(r.end_ms);
                        for (kind, start_ms, end_ms) in [
                            (Kind::Sleeping, r.start_ms, woke),
                            (Kind::Compute, woke, r.end_ms),
                        ] {
                            if end_ms > start_ms || (kind == Kind::Compute && woke == r.start_ms) {
                                bars.push(Bar {
                                    kind,
                                    start_ms,
                                    end_ms,
                                    task: Some(r.index),
                                });
                            }
                        }
                        continue;
                    }
                    // With a GIL: the held spans, and the gaps between them inside the task.
                    let mut at = r.start_ms;
                    for &(from, to) in &r.held {
                        let (from, to) = (from.clamp(at, r.end_ms), to.clamp(at, r.end_ms));
                        for (kind, start_ms, end_ms) in
                            [(Kind::WithoutGil, at, from), (Kind::HoldingGil, from, to)]
                        {
                            if end_ms > start_ms {
                                bars.push(Bar {
                                    kind,
                                    start_ms,
                                    end_ms,
                                    task: Some(r.index),
                                });
                            }
                        }
                        at = to;
                    }
                    if r.end_ms > at {
                        bars.push(Bar {
                            kind: Kind::WithoutGil,
                            start_ms: at,
                            end_ms: r.end_ms,
                            task: Some(r.index),
                        });
                    }
                }
                bars.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
                Lane { worker, bars }
            })
            .collect();
        Timeline {
            mode,
            lanes,
            elapsed_ms: run.elapsed_ms,
            script: matches!(job.workload, crate::workloads::Workload::Script { .. }),
        }
    }

    /// The timeline with every time rounded to a whole microsecond, the precision a share link
    /// carries; a bar that started a rounding step before its lane's previous bar ended (clocks
    /// of two threads) starts where that one ended.
    pub fn quantized(&self) -> Timeline {
        let us = whole_us;
        Timeline {
            mode: self.mode,
            script: self.script,
            elapsed_ms: us(self.elapsed_ms),
            lanes: self
                .lanes
                .iter()
                .map(|lane| {
                    let mut end = f64::NEG_INFINITY;
                    let bars = lane
                        .bars
                        .iter()
                        .map(|b| {
                            let start_ms = us(b.start_ms).max(end);
                            end = us(b.end_ms).max(start_ms);
                            Bar {
                                start_ms,
                                end_ms: end,
                                ..b.clone()
                            }
                        })
                        .collect();
                    Lane {
                        worker: lane.worker,
                        bars,
                    }
                })
                .collect(),
        }
    }

    /// The first and last moment any bar covers (0 to the elapsed time at least).
    pub fn span(&self) -> (f64, f64) {
        self.bars().fold((0.0f64, self.elapsed_ms), |(lo, hi), b| {
            (lo.min(b.start_ms), hi.max(b.end_ms))
        })
    }

    pub fn bars(&self) -> impl Iterator<Item = &Bar> {
        self.lanes.iter().flat_map(|l| &l.bars)
    }

    /// Two bars of one lane that overlap, if any (`tolerance_ms` for clock rounding).
    pub fn overlap_in_a_lane(&self, tolerance_ms: f64) -> Option<(usize, &Bar, &Bar)> {
        self.lanes.iter().find_map(|lane| {
            lane.bars
                .windows(2)
                .find(|w| w[1].start_ms < w[0].end_ms - tolerance_ms)
                .map(|w| (lane.worker, &w[0], &w[1]))
        })
    }

    /// The most bars computing at one moment.
    pub fn most_computing_at_once(&self, tolerance_ms: f64) -> usize {
        let mut edges: Vec<(f64, i32)> = self
            .bars()
            .filter(|b| b.kind.computes() && b.end_ms - b.start_ms > tolerance_ms)
            .flat_map(|b| [(b.start_ms + tolerance_ms, 1), (b.end_ms, -1)])
            .collect();
        // Ends before starts at the same moment: a hand-over is not an overlap.
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, step) in edges {
            now += step;
            most = most.max(now);
        }
        most as usize
    }

    /// Time in `kind` bars, summed over lanes.
    pub fn total_ms(&self, kind: Kind) -> f64 {
        self.bars()
            .filter(|b| b.kind == kind)
            .map(|b| b.end_ms - b.start_ms)
            .sum()
    }

    /// What the timeline shows, in words, on a page reporting `cores`: the counts a reader
    /// would otherwise have to count.
    pub fn summary(&self, cores: usize) -> String {
        // Spans under half a millisecond (a sleeping task's add after it wakes) do not count.
        let busy = self.most_computing_at_once(0.5);
        let sleeping = self.total_ms(Kind::Sleeping);
        let lanes = format!(
            "{} lane{}",
            self.lanes.len(),
            if self.lanes.len() == 1 { "" } else { "s" }
        );
        let doing = if self.script { "running" } else { "computing" };
        let mut parts = vec![match busy {
            0 => format!(
                "{lanes}; no task computed for over half a millisecond (hardwareConcurrency {cores})"
            ),
            _ => format!(
                "{lanes}; at most {busy} task{} {doing} at once (hardwareConcurrency {cores})",
                if busy == 1 { "" } else { "s" }
            ),
        }];
        if self.script && self.mode == Mode::Asyncio {
            parts.push(
                "a script's sleeps at the top of task(i) are awaits, in the gaps between its \
                 bars; any other sleep is inside a bar, holding the loop"
                    .into(),
            );
        } else if self.script {
            parts.push(
                "a script's sleeps are inside its tasks' bars: the timeline cannot tell them from \
                 its computing"
                    .into(),
            );
        } else if busy > cores {
            parts.push("more than the cores, so each one's bars stretch".into());
        }
        if sleeping > 0.0 {
            parts.push(format!(
                "{sleeping:.0} ms of sleeping summed over lanes, which takes no core"
            ));
        }
        if self.mode == Mode::Asyncio {
            // What the loop's one lane leaves empty: the tasks' awaits, overlapping.
            let idle = self.elapsed_ms - self.total_ms(Kind::Compute);
            let did = if self.script { "ran" } else { "computed" };
            parts.push(if idle >= 1.0 {
                format!(
                    "one thread's event loop: the tasks {did} one at a time, and for the {idle:.0} \
                     ms between the bars the loop had nothing to run (tasks awaiting timers, the \
                     browser's turns)"
                )
            } else {
                format!("one thread's event loop: the tasks {did} one at a time")
            });
        }
        if let Mode::Shared { gil: true } = self.mode {
            parts.push(format!(
                "the GIL was held {:.0} ms in all and tasks spent {:.0} ms without it",
                self.total_ms(Kind::HoldingGil),
                self.total_ms(Kind::WithoutGil)
            ));
        }
        let startup = self.total_ms(Kind::Startup);
        if startup > 0.0 {
            parts.push(format!("worker start-up {startup:.0} ms summed over lanes"));
        }
        let messaging = self.total_ms(Kind::Messaging);
        if messaging > 0.0 {
            parts.push(format!("messages {messaging:.0} ms"));
        }
        if self.lanes.len() > MAX_DRAWN_LANES {
            parts.push(format!("the first {MAX_DRAWN_LANES} lanes are drawn"));
        }
        format!("{}.", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{MessageSpan, TaskRecord, WorkerLife};
    use crate::workloads::Workload;

    fn cpu() -> Job {
        Job::new(Workload::Square, 3)
    }

    fn task(index: usize, worker: usize, start_ms: f64, end_ms: f64) -> TaskRecord {
        TaskRecord::new(index, worker, start_ms, end_ms)
    }

    /// A timeline of `mode` with one lane per worker in `lanes`, each a list of bars.
    fn drawn(mode: Mode, lanes: &[&[(Kind, f64, f64)]]) -> Timeline {
        Timeline {
            mode,
            script: false,
            lanes: (lanes.iter().enumerate())
                .map(|(worker, bars)| Lane {
                    worker,
                    bars: (bars.iter())
                        .map(|&(kind, start_ms, end_ms)| Bar {
                            kind,
                            start_ms,
                            end_ms,
                            task: Some(worker),
                        })
                        .collect(),
                })
                .collect(),
            elapsed_ms: 100.0,
        }
    }

    #[test]
    fn an_event_loop_is_one_lane_of_the_spans_its_tasks_held_it() {
        let job = Job::new(Workload::SleepAdd { ms: 100 }, 2);
        let held = |index, from, to| TaskRecord {
            held: vec![(from, to)],
            ..task(index, 0, 0.0, to)
        };
        let run = RawRun {
            records: vec![held(0, 100.0, 101.0), held(1, 101.0, 102.0)],
            elapsed_ms: 102.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Asyncio, &job, &run);
        assert_eq!(t.lanes.len(), 1);
        let bars: Vec<_> = t.bars().map(|b| (b.kind, b.start_ms, b.task)).collect();
        assert_eq!(
            bars,
            [
                (Kind::Compute, 100.0, Some(0)),
                (Kind::Compute, 101.0, Some(1))
            ]
        );
        assert!(t.overlap_in_a_lane(0.0).is_none());
        assert!(
            t.summary(2)
                .contains("1 lane; at most 1 task computing at once")
        );
        assert!(
            t.summary(2).contains("computed one at a time"),
            "{}",
            t.summary(2)
        );
        assert_eq!(lane_name(Mode::Asyncio, 0), "event loop");
        // A script's task is drawn as the stretches it held the loop, its awaits the gaps.
        let script = Job::new(
            Workload::Script {
                source: "fn task(i) { sleep(30); i }".into(),
            },
            1,
        );
        let run = RawRun {
            records: vec![TaskRecord {
                held: vec![(0.0, 1.0), (31.0, 32.0)],
                ..task(0, 0, 0.0, 32.0)
            }],
            elapsed_ms: 32.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Asyncio, &script, &run);
        assert_eq!(t.bars().count(), 2);
        let said = t.summary(2);
        assert!(
            said.contains("sleeps at the top of task(i) are awaits, in the gaps"),
            "{said}"
        );
        assert!(
            said.contains("the tasks ran one at a time, and for the 30 ms"),
            "{said}"
        );
        assert!(!said.contains("cannot tell"), "{said}");
    }

    #[test]
    fn the_summary_counts_what_the_bars_show() {
        use Kind::*;
        let pool = drawn(
            Mode::Pool { reuse: false },
            &[
                &[
                    (Startup, 0.0, 10.0),
                    (Messaging, 10.0, 11.0),
                    (Compute, 11.0, 60.0),
                ],
                &[(Startup, 0.0, 12.0), (Compute, 12.0, 50.0)],
                &[(Compute, 20.0, 40.0)],
            ],
        );
        assert_eq!(
            pool.summary(2),
            "3 lanes; at most 3 tasks computing at once (hardwareConcurrency 2); more than the \
             cores, so each one's bars stretch; worker start-up 22 ms summed over lanes; \
             messages 1 ms."
        );
        let gil = drawn(
            Mode::Shared { gil: true },
            &[&[
                (HoldingGil, 0.0, 5.0),
                (WithoutGil, 5.0, 9.0),
                (Sleeping, 9.0, 30.0),
            ]],
        );
        assert_eq!(
            gil.summary(4),
            "1 lane; at most 1 task computing at once (hardwareConcurrency 4); 21 ms of sleeping \
             summed over lanes, which takes no core; the GIL was held 5 ms in all and tasks spent \
             4 ms without it."
        );
        let asleep = drawn(
            Mode::MainThread,
            &[&[(Sleeping, 0.0, 100.0), (Compute, 100.0, 100.4)]],
        );
        assert_eq!(
            asleep.summary(1),
            "1 lane; no task computed for over half a millisecond (hardwareConcurrency 1); 100 \
             ms of sleeping summed over lanes, which takes no core."
        );
        let many: Vec<&[(Kind, f64, f64)]> = vec![&[(Compute, 0.0, 1.0)]; MAX_DRAWN_LANES + 1];
        let many = drawn(
            Mode::PerTask {
                join: crate::run::Join::AfterAll,
            },
            &many,
        );
        assert!(many.summary(1).ends_with("; the first 64 lanes are drawn."));
    }

    #[test]
    fn lanes_and_legends_name_what_ran_in_them() {
        assert_eq!(lane_name(Mode::MainThread, 0), "page");
        assert_eq!(lane_name(Mode::Shared { gil: true }, 3), "thread 3");
        assert_eq!(lane_name(Mode::Pool { reuse: true }, 2), "worker 2");
        assert_eq!(
            lane_name(
                Mode::PerTask {
                    join: crate::run::Join::AfterAll
                },
                7
            ),
            "task 7's worker"
        );
        assert_eq!(
            Kind::shown_by(Mode::Shared { gil: true }),
            [Kind::HoldingGil, Kind::WithoutGil]
        );
        assert_eq!(
            Kind::shown_by(Mode::MainThread),
            [Kind::Compute, Kind::Sleeping]
        );
        assert_eq!(Kind::shown_by(Mode::Pool { reuse: false }).len(), 4);
    }

    #[test]
    fn an_isolated_pool_has_start_up_messages_and_compute_in_each_lane() {
        let run = RawRun {
            records: vec![
                task(0, 0, 12.0, 20.0),
                task(1, 1, 13.0, 22.0),
                task(2, 0, 21.0, 30.0),
            ],
            elapsed_ms: 31.0,
            lives: vec![
                WorkerLife {
                    worker: 0,
                    spawn_ms: 0.0,
                    ready_ms: 10.0,
                },
                WorkerLife {
                    worker: 1,
                    spawn_ms: 0.0,
                    ready_ms: 11.0,
                },
            ],
            messages: vec![
                MessageSpan {
                    worker: 0,
                    sent_ms: 10.0,
                    received_ms: 20.5,
                },
                MessageSpan {
                    worker: 1,
                    sent_ms: 11.0,
                    received_ms: 23.0,
                },
                MessageSpan {
                    worker: 0,
                    sent_ms: 20.5,
                    received_ms: 31.0,
                },
            ],
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Pool { reuse: false }, &cpu(), &run);
        assert_eq!(t.lanes.len(), 2);
        let kinds: Vec<Kind> = t.lanes[0].bars.iter().map(|b| b.kind).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Startup, Messaging, Compute, Messaging, Messaging, Compute, Messaging
            ]
        );
        assert_eq!(t.overlap_in_a_lane(0.0), None);
        assert_eq!(t.most_computing_at_once(0.0), 2);
        assert_eq!(t.span(), (0.0, 31.0));
        assert!((t.total_ms(Startup) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn a_gil_task_splits_into_held_spans_and_the_gaps_between() {
        let mut a = task(0, 0, 0.0, 20.0);
        a.held = vec![(0.0, 5.0), (10.0, 15.0)];
        let mut b = task(1, 1, 0.0, 20.0);
        b.held = vec![(5.0, 10.0), (15.0, 20.0)];
        let run = RawRun {
            records: vec![a, b],
            elapsed_ms: 20.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Shared { gil: true }, &cpu(), &run);
        let lane0: Vec<(Kind, f64, f64)> = t.lanes[0]
            .bars
            .iter()
            .map(|b| (b.kind, b.start_ms, b.end_ms))
            .collect();
        assert_eq!(
            lane0,
            [
                (Kind::HoldingGil, 0.0, 5.0),
                (Kind::WithoutGil, 5.0, 10.0),
                (Kind::HoldingGil, 10.0, 15.0),
                (Kind::WithoutGil, 15.0, 20.0)
            ]
        );
        assert_eq!(
            t.most_computing_at_once(0.0),
            1,
            "hand-overs are not overlaps"
        );
        assert_eq!(t.overlap_in_a_lane(0.0), None);
        // Lane 1's task ends holding the lock: no empty bar after its last span.
        let lane1: Vec<Kind> = t.lanes[1].bars.iter().map(|b| b.kind).collect();
        use Kind::*;
        assert_eq!(lane1, [WithoutGil, HoldingGil, WithoutGil, HoldingGil]);
    }

    /// (start, end) of each bar of lane `i`.
    fn spans(t: &Timeline, i: usize) -> Vec<(f64, f64)> {
        t.lanes[i]
            .bars
            .iter()
            .map(|b| (b.start_ms, b.end_ms))
            .collect()
    }

    #[test]
    fn quantizing_rounds_to_microseconds_and_removes_skew_overlaps() {
        let run = RawRun {
            records: vec![task(0, 0, 0.000_4, 10.000_6), task(1, 0, 10.000_2, 12.0)],
            elapsed_ms: 12.000_49,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Shared { gil: false }, &cpu(), &run).quantized();
        assert_eq!(spans(&t, 0), [(0.0, 10.001), (10.001, 12.0)]);
        assert_eq!(t.elapsed_ms, 12.0);
        assert_eq!(t.overlap_in_a_lane(0.0), None);
    }

    #[test]
    fn overlaps_are_found() {
        let run = RawRun {
            records: vec![task(0, 0, 0.0, 10.0), task(1, 0, 5.0, 12.0)],
            elapsed_ms: 12.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Shared { gil: false }, &cpu(), &run);
        assert!(t.overlap_in_a_lane(0.0).is_some());
        assert_eq!(t.most_computing_at_once(0.0), 2);
    }

    #[test]
    fn a_sleeping_task_sleeps_first_and_does_not_count_as_computing() {
        let job = Job::new(Workload::SleepAdd { ms: 100 }, 2);
        let run = RawRun {
            records: vec![task(0, 0, 0.0, 100.5), task(1, 1, 0.2, 100.6)],
            elapsed_ms: 101.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Shared { gil: false }, &job, &run);
        let lane0: Vec<(Kind, f64, f64)> = t.lanes[0]
            .bars
            .iter()
            .map(|b| (b.kind, b.start_ms, b.end_ms))
            .collect();
        assert_eq!(
            lane0,
            [(Kind::Sleeping, 0.0, 100.0), (Kind::Compute, 100.0, 100.5)]
        );
        assert_eq!(t.most_computing_at_once(0.0), 2);
        assert_eq!(
            t.most_computing_at_once(0.3),
            1,
            "the adds after waking are tiny"
        );
    }

    /// A timeline of computing bars: (lane, start, end) each.
    fn computing(bars: &[(usize, f64, f64)]) -> Timeline {
        let mut lanes: Vec<Lane> = Vec::new();
        for &(worker, start_ms, end_ms) in bars {
            if lanes.last().is_none_or(|l| l.worker != worker) {
                lanes.push(Lane {
                    worker,
                    bars: Vec::new(),
                });
            }
            let lane = lanes.last_mut().expect("a lane");
            lane.bars.push(Bar {
                kind: Kind::Compute,
                start_ms,
                end_ms,
                task: Some(lane.bars.len()),
            });
        }
        Timeline {
            mode: Mode::Shared { gil: false },
            lanes,
            elapsed_ms: 20.0,
            script: false,
        }
    }

    #[test]
    fn an_overlap_within_the_clock_tolerance_is_not_one() {
        let skewed = computing(&[(0, 0.0, 10.0), (0, 9.5, 12.0)]);
        assert_eq!(skewed.overlap_in_a_lane(1.0), None);
        assert_eq!(
            skewed
                .overlap_in_a_lane(0.1)
                .map(|(w, a, b)| (w, a.end_ms, b.start_ms)),
            Some((0, 10.0, 9.5))
        );
        let touching = computing(&[(0, 0.0, 10.0), (0, 10.0, 12.0)]);
        assert_eq!(
            touching.overlap_in_a_lane(0.0),
            None,
            "one ends as the next starts"
        );
    }

    #[test]
    fn computing_at_once_allows_for_clock_skew_and_hand_overs() {
        // Two lanes overlapping by half a millisecond: skew within 1 ms, a real overlap in 0.1.
        let skewed = computing(&[(0, 0.0, 10.0), (1, 9.5, 20.0)]);
        assert_eq!(skewed.most_computing_at_once(1.0), 1);
        assert_eq!(skewed.most_computing_at_once(0.1), 2);
        // One lane hands over to the other at 10 ms: never two at once.
        let hand_over = computing(&[(0, 0.0, 10.0), (1, 10.0, 20.0)]);
        assert_eq!(hand_over.most_computing_at_once(0.0), 1);
        // A bar shorter than the tolerance does not count, however late it starts: counted, its
        // start (moved on by the tolerance) would come after its end and hide lane 2's overlap.
        let late = computing(&[(0, 0.0, 20.0), (1, 10.0, 10.5), (2, 9.5, 11.0)]);
        assert_eq!(late.most_computing_at_once(1.0), 2);
        let blips = computing(&[(0, 0.0, 0.5), (1, 0.0, 0.5), (2, 3.0, 9.0)]);
        assert_eq!(blips.most_computing_at_once(1.0), 1);
        assert_eq!(blips.most_computing_at_once(0.0), 2);
    }

    #[test]
    fn time_in_a_kind_adds_up_bar_lengths_wherever_they_start() {
        let t = computing(&[(0, 5.0, 7.5), (0, 10.0, 11.0), (1, 100.0, 100.25)]);
        assert_eq!(t.total_ms(Kind::Compute), 3.75);
        assert_eq!(t.total_ms(Kind::Sleeping), 0.0);
        assert_eq!(t.span(), (0.0, 100.25));
    }

    #[test]
    fn a_message_its_task_fills_has_no_messaging_bar() {
        // Sent as the task starts and received as it ends: nothing was in flight.
        let run = RawRun {
            records: vec![task(0, 0, 5.0, 9.0)],
            elapsed_ms: 9.0,
            messages: vec![MessageSpan {
                worker: 0,
                sent_ms: 5.0,
                received_ms: 9.0,
            }],
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::Pool { reuse: true }, &cpu(), &run);
        let kinds: Vec<Kind> = t.lanes[0].bars.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [Kind::Compute]);
    }

    #[test]
    fn each_kind_has_its_own_legend_label() {
        let labels: Vec<&str> = Kind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(
            labels,
            [
                "worker start-up",
                "messages",
                "computing",
                "sleeping (a blocking wait)",
                "holding the GIL",
                "in a task without the GIL"
            ]
        );
    }

    #[test]
    fn a_task_too_short_for_the_clock_still_has_its_bar_unless_it_only_slept() {
        // A compute task timed at 0 ms keeps a bar (the task ran); a sleep task whose sleep
        // filled it all has only its sleeping bar.
        let instant = RawRun {
            records: vec![task(0, 0, 4.0, 4.0)],
            elapsed_ms: 4.0,
            ..RawRun::default()
        };
        let t = Timeline::of(Mode::MainThread, &cpu(), &instant);
        let bars: Vec<(Kind, f64, f64)> = t.lanes[0]
            .bars
            .iter()
            .map(|b| (b.kind, b.start_ms, b.end_ms))
            .collect();
        assert_eq!(bars, [(Kind::Compute, 4.0, 4.0)]);
        let slept = RawRun {
            records: vec![task(0, 0, 0.0, 100.0)],
            elapsed_ms: 100.0,
            ..RawRun::default()
        };
        let sleep = Job::new(Workload::SleepAdd { ms: 100 }, 1);
        let t = Timeline::of(Mode::MainThread, &sleep, &slept);
        let kinds: Vec<Kind> = t.lanes[0].bars.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [Kind::Sleeping]);
    }
}
