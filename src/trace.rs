//! Runs as Chrome Trace Event JSON (object form, `{"traceEvents": [...]}`), which Perfetto UI
//! and chrome://tracing open: each run a process (`pid`), each worker a thread (`tid`, the page
//! thread 0), named by `M` events; each task an `X` slice with its GIL-held spans and sleeps as
//! `X` slices nested inside it; a worker's start-up as a slice with `spawn` and `ready` instants;
//! each batch of messages as a slice on the worker and a flow (`s` → `f`) between the page and
//! the worker; "tasks computing" as a counter (`C`). Times are whole microseconds on the run's
//! one clock, moved so that none is negative.
//!
//! Perfetto's open-from-a-page hand-off needs `window.open` to reach its tab, which a page
//! served with `Cross-Origin-Opener-Policy: same-origin` cannot (google/perfetto#525), so the page
//! offers the trace as a download and says how to open it.

use crate::machine::Machine;
use crate::timeline::{Kind, Timeline, lane_name};
use serde_json::{Value, json};

/// One run to trace: what it is called (its process's name) and its timeline.
pub struct Traced<'a> {
    pub name: String,
    pub timeline: &'a Timeline,
}

/// How to open a downloaded trace, for the page.
pub const HOW_TO_OPEN: &str =
    "Open it at ui.perfetto.dev (Open trace file) or in chrome://tracing (Load).";

/// The page's own thread in every process: where messages are sent from and answered to.
const PAGE_TID: usize = 0;

/// The trace of `runs`, each its own process, with `settings` (what ran) and the machine in the
/// trace's metadata.
pub fn trace(runs: &[Traced<'_>], settings: Value, machine: &Machine) -> Value {
    let mut events = Vec::new();
    for (n, run) in runs.iter().enumerate() {
        events.extend(process_events(n + 1, run));
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "metadata": {
            "source": "corescope",
            "settings": settings,
            "machine": {
                "hardwareConcurrency": machine.hardware_concurrency,
                "browser": machine.browser,
                "crossOriginIsolated": machine.cross_origin_isolated,
                "date": machine.date.to_string(),
                "effectiveCores": machine.effective_cores,
            },
        },
    })
}

/// A bar's thread: lane `worker` is thread `worker + 1`, after the page's.
fn tid(worker: usize) -> usize {
    worker + 1
}

fn process_events(pid: usize, run: &Traced<'_>) -> Vec<Value> {
    let t = run.timeline.quantized();
    let (first, _) = t.span();
    // Whole microseconds from the earliest moment of the run (a reused pool's start-up can
    // precede the clock's 0).
    let shift = (-first).max(0.0);
    let us = |ms: f64| ((ms + shift) * 1000.0).round() as i64;
    let mut events = vec![
        json!({"name": "process_name", "ph": "M", "pid": pid, "tid": PAGE_TID, "args": {"name": run.name}}),
        json!({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": PAGE_TID, "args": {"sort_index": pid}}),
        json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": PAGE_TID, "args": {"name": "page"}}),
        json!({"name": "run", "cat": "run", "ph": "X", "pid": pid, "tid": PAGE_TID, "ts": us(0.0), "dur": us(t.elapsed_ms) - us(0.0),
               "args": {"elapsed_ms": t.elapsed_ms, "engine": t.mode.label()}}),
    ];
    let mut flow = 0u64;
    for lane in &t.lanes {
        let tid = tid(lane.worker);
        events.push(json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": lane_name(t.mode, lane.worker)}}));
        events.push(json!({"name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid, "args": {"sort_index": tid}}));
        let mut i = 0;
        while i < lane.bars.len() {
            let bar = &lane.bars[i];
            let (ts, end) = (us(bar.start_ms), us(bar.end_ms));
            let slice = |name: &str, cat: &str, ts: i64, end: i64, args: Value| json!({"name": name, "cat": cat, "ph": "X", "pid": pid, "tid": tid, "ts": ts, "dur": end - ts, "args": args});
            match (bar.task, bar.kind) {
                (Some(task), _) => {
                    // A task's bars follow each other: the task is their span, and its GIL-held
                    // spans and its sleep are slices inside it.
                    let parts: Vec<_> = lane.bars[i..]
                        .iter()
                        .take_while(|b| b.task == Some(task))
                        .collect();
                    let task_end = us(parts.last().map_or(bar.end_ms, |b| b.end_ms));
                    events.push(slice(
                        &format!("task {task}"),
                        "task",
                        ts,
                        task_end,
                        json!({"task": task}),
                    ));
                    for part in &parts {
                        let name = match part.kind {
                            Kind::HoldingGil => "holding the GIL",
                            Kind::Sleeping => "sleeping",
                            _ => continue,
                        };
                        events.push(slice(
                            name,
                            "gil",
                            us(part.start_ms),
                            us(part.end_ms),
                            json!({"task": task}),
                        ));
                    }
                    i += parts.len();
                    continue;
                }
                (None, Kind::Startup) => {
                    events.push(slice("worker start-up", "worker", ts, end, json!({})));
                    for (name, at) in [("spawn", ts), ("ready", end)] {
                        events.push(json!({"name": name, "cat": "worker", "ph": "i", "s": "t", "pid": pid, "tid": tid, "ts": at}));
                    }
                }
                (None, _) => {
                    // A batch in flight: to the worker when a task starts as it arrives, else
                    // the answer on its way back to the page.
                    let outbound = lane
                        .bars
                        .iter()
                        .any(|b| b.task.is_some() && us(b.start_ms) == end);
                    events.push(slice(
                        if outbound {
                            "tasks in flight"
                        } else {
                            "answer in flight"
                        },
                        "message",
                        ts,
                        end,
                        json!({}),
                    ));
                    flow += 1;
                    let (from, from_ts, to, to_ts) = if outbound {
                        (PAGE_TID, ts, tid, ts)
                    } else {
                        (tid, ts, PAGE_TID, end)
                    };
                    let name = if outbound { "send" } else { "answer" };
                    // The page's end of a flow needs a slice of its own to bind to.
                    let page_ts = if outbound { from_ts } else { to_ts };
                    events.push(json!({"name": name, "cat": "message", "ph": "X", "pid": pid, "tid": PAGE_TID, "ts": page_ts, "dur": 0}));
                    events.push(json!({"name": name, "cat": "message", "ph": "s", "id": flow, "pid": pid, "tid": from, "ts": from_ts}));
                    events.push(json!({"name": name, "cat": "message", "ph": "f", "bp": "e", "id": flow, "pid": pid, "tid": to, "ts": to_ts}));
                }
            }
            i += 1;
        }
    }
    events.extend(computing_counter(pid, &t, &us));
    events
}

/// "tasks computing": how many bars that compute are open, at every moment the number changes.
fn computing_counter(pid: usize, t: &Timeline, us: &dyn Fn(f64) -> i64) -> Vec<Value> {
    let mut edges: Vec<(i64, i32)> = t
        .bars()
        .filter(|b| b.kind.computes())
        .flat_map(|b| [(us(b.start_ms), 1), (us(b.end_ms), -1)])
        .collect();
    edges.sort();
    let mut out = vec![
        json!({"name": "tasks computing", "ph": "C", "pid": pid, "tid": PAGE_TID, "ts": us(0.0).min(edges.first().map_or(0, |e| e.0)), "args": {"tasks": 0}}),
    ];
    let mut now = 0;
    let mut i = 0;
    while i < edges.len() {
        let ts = edges[i].0;
        while i < edges.len() && edges[i].0 == ts {
            now += edges[i].1;
            i += 1;
        }
        out.push(json!({"name": "tasks computing", "ph": "C", "pid": pid, "tid": PAGE_TID, "ts": ts, "args": {"tasks": now}}));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Date;
    use crate::run::{MessageSpan, Mode, RawRun, TaskRecord, WorkerLife};
    use crate::workloads::{Job, Workload};
    use std::collections::BTreeMap;

    fn machine() -> Machine {
        Machine {
            hardware_concurrency: 2,
            browser: "Chrome 156".into(),
            cross_origin_isolated: true,
            date: Date {
                year: 2026,
                month: 12,
                day: 1,
            },
            effective_cores: None,
        }
    }

    fn record(
        index: usize,
        worker: usize,
        start_ms: f64,
        end_ms: f64,
        held: Vec<(f64, f64)>,
    ) -> TaskRecord {
        TaskRecord {
            held,
            ..TaskRecord::new(index, worker, start_ms, end_ms)
        }
    }

    /// A GIL run of two threads taking turns, and an isolated pool with a start-up and messages.
    fn timelines() -> Vec<(String, Timeline)> {
        let job = Job::new(Workload::SleepAdd { ms: 2 }, 3);
        let gil = RawRun {
            records: vec![
                record(0, 0, 0.0, 10.0, vec![(2.0, 5.0), (8.0, 10.0)]),
                record(1, 1, 0.5, 9.0, vec![(5.0, 8.0)]),
            ],
            elapsed_ms: 10.0,
            ..RawRun::default()
        };
        let pool = RawRun {
            records: vec![
                record(0, 0, 4.0, 9.0, vec![]),
                record(1, 0, 9.0, 12.0, vec![]),
                record(2, 1, 5.0, 8.0, vec![]),
            ],
            lives: vec![
                WorkerLife {
                    worker: 0,
                    spawn_ms: -1.5,
                    ready_ms: 3.0,
                },
                WorkerLife {
                    worker: 1,
                    spawn_ms: 0.0,
                    ready_ms: 4.0,
                },
            ],
            messages: vec![
                MessageSpan {
                    worker: 0,
                    sent_ms: 3.2,
                    received_ms: 12.6,
                },
                MessageSpan {
                    worker: 1,
                    sent_ms: 4.1,
                    received_ms: 8.3,
                },
            ],
            elapsed_ms: 12.6,
            ..RawRun::default()
        };
        vec![
            (
                "shared memory + GIL, 2 workers".into(),
                Timeline::of(Mode::Shared { gil: true }, &job, &gil),
            ),
            (
                "isolated pool (reused), 2 workers".into(),
                Timeline::of(Mode::Pool { reuse: true }, &job, &pool),
            ),
        ]
    }

    fn traced() -> Value {
        let t = timelines();
        let runs: Vec<Traced> = t
            .iter()
            .map(|(name, timeline)| Traced {
                name: name.clone(),
                timeline,
            })
            .collect();
        trace(&runs, json!({"workload": "sleep-add"}), &machine())
    }

    fn events(trace: &Value) -> &Vec<Value> {
        trace["traceEvents"]
            .as_array()
            .expect("traceEvents is a list")
    }

    #[test]
    fn every_event_has_the_fields_its_phase_requires() {
        let trace = traced();
        assert_eq!(trace["metadata"]["machine"]["hardwareConcurrency"], 2);
        assert_eq!(trace["metadata"]["settings"]["workload"], "sleep-add");
        for e in events(&trace) {
            let has = |k: &str| e.get(k).is_some();
            assert!(has("name") && has("ph") && has("pid") && has("tid"), "{e}");
            let whole_us = |k: &str| e[k].as_i64().is_some_and(|v| v >= 0);
            match e["ph"].as_str().unwrap() {
                "X" => assert!(whole_us("ts") && whole_us("dur"), "{e}"),
                "M" => assert!(
                    e["args"]["name"].is_string() || e["args"]["sort_index"].is_number(),
                    "{e}"
                ),
                "i" => assert!(whole_us("ts") && e["s"] == "t", "{e}"),
                "C" => assert!(whole_us("ts") && e["args"]["tasks"].is_number(), "{e}"),
                "s" => assert!(whole_us("ts") && has("id") && has("cat"), "{e}"),
                "f" => assert!(
                    whole_us("ts") && has("id") && has("cat") && e["bp"] == "e",
                    "{e}"
                ),
                other => panic!("unexpected phase {other}: {e}"),
            }
        }
        // Processes and threads are named.
        let names: Vec<&str> = events(&trace)
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"thread 1") && names.contains(&"worker 0") && names.contains(&"page"),
            "{names:?}"
        );
    }

    #[test]
    fn slices_of_a_thread_nest_or_do_not_overlap_and_gil_spans_sit_in_their_task() {
        let trace = traced();
        /// Each thread's slices: start, end, name.
        type Slices = Vec<(i64, i64, String)>;
        let mut by_thread: BTreeMap<(i64, i64), Slices> = BTreeMap::new();
        for e in events(&trace).iter().filter(|e| e["ph"] == "X") {
            let (ts, dur) = (e["ts"].as_i64().unwrap(), e["dur"].as_i64().unwrap());
            by_thread
                .entry((e["pid"].as_i64().unwrap(), e["tid"].as_i64().unwrap()))
                .or_default()
                .push((ts, ts + dur, e["name"].as_str().unwrap().to_string()));
        }
        for (thread, slices) in &by_thread {
            for a in slices {
                for b in slices {
                    let nest = (a.0 <= b.0 && b.1 <= a.1) || (b.0 <= a.0 && a.1 <= b.1);
                    let apart = a.1 <= b.0 || b.1 <= a.0;
                    assert!(nest || apart, "{thread:?}: {a:?} and {b:?} overlap");
                }
            }
        }
        let held: Vec<_> = by_thread[&(1, 1)]
            .iter()
            .filter(|s| s.2 == "holding the GIL")
            .collect();
        assert_eq!(held.len(), 2, "thread 0 held the GIL twice");
        let task = by_thread[&(1, 1)]
            .iter()
            .find(|s| s.2 == "task 0")
            .expect("task 0");
        assert!(held.iter().all(|h| task.0 <= h.0 && h.1 <= task.1));
    }

    #[test]
    fn flows_pair_up_from_sender_to_receiver() {
        let trace = traced();
        let mut flows: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
        for e in events(&trace)
            .iter()
            .filter(|e| e["ph"] == "s" || e["ph"] == "f")
        {
            flows.entry(e["id"].as_i64().unwrap()).or_default().push(e);
        }
        assert!(
            flows.len() >= 3,
            "each batch's way out and back: {}",
            flows.len()
        );
        for (id, pair) in flows {
            let phases: Vec<_> = pair.iter().map(|e| e["ph"].as_str().unwrap()).collect();
            assert_eq!(phases, ["s", "f"], "flow {id}");
            assert!(
                pair[0]["ts"].as_i64() <= pair[1]["ts"].as_i64(),
                "flow {id}"
            );
            assert_ne!(
                pair[0]["tid"], pair[1]["tid"],
                "flow {id} goes between threads"
            );
        }
    }

    #[test]
    fn times_are_microseconds_on_the_runs_clock_and_never_negative() {
        let trace = traced();
        // The pool's first worker was spawned 1.5 ms before the clock: everything moves by 1500.
        let spawn = events(&trace)
            .iter()
            .find(|e| e["name"] == "spawn" && e["pid"] == 2)
            .expect("a spawn");
        assert_eq!(spawn["ts"], 0);
        let task = events(&trace)
            .iter()
            .find(|e| e["name"] == "task 2" && e["pid"] == 2)
            .expect("task 2");
        assert_eq!(
            (task["ts"].as_i64(), task["dur"].as_i64()),
            (Some(6500), Some(3000))
        );
        let computing: Vec<i64> = events(&trace)
            .iter()
            .filter(|e| e["ph"] == "C" && e["pid"] == 1)
            .map(|e| e["args"]["tasks"].as_i64().unwrap())
            .collect();
        assert_eq!(
            computing.iter().max(),
            Some(&1),
            "one task computes at a time under the GIL"
        );
    }
}
