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
use serde::Serialize;

/// One run to trace: what it is called (its process's name) and its timeline.
pub struct Traced<'a> {
    pub name: String,
    pub timeline: &'a Timeline,
    /// Its worker count, where known (a link's timeline travels without it).
    pub workers: Option<usize>,
}

/// How to open a downloaded trace, for the page.
pub const HOW_TO_OPEN: &str =
    "Open it at ui.perfetto.dev (Open trace file) or in chrome://tracing (Load).";

/// The page's own thread in every process: where messages are sent from and answered to.
const PAGE_TID: usize = 0;

/// One trace event; the fields a phase does not use are left out.
#[derive(Serialize)]
struct Event {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cat: Option<&'static str>,
    ph: &'static str,
    pid: usize,
    tid: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    ts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    /// A flow's end binds to the slice that encloses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    bp: Option<&'static str>,
    /// An instant's scope: its thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'static str>,
    #[serde(skip_serializing_if = "Args::is_empty")]
    args: Args,
}

#[derive(Default, Serialize)]
struct Args {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tasks: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    elapsed_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    engine: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workers: Option<usize>,
}

impl Args {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.sort_index.is_none()
            && self.task.is_none()
            && self.tasks.is_none()
            && self.elapsed_ms.is_none()
            && self.engine.is_none()
            && self.workers.is_none()
    }
}

impl Event {
    fn new(name: impl Into<String>, ph: &'static str, pid: usize, tid: usize) -> Self {
        Event {
            name: name.into(),
            cat: None,
            ph,
            pid,
            tid,
            ts: None,
            dur: None,
            id: None,
            bp: None,
            s: None,
            args: Args::default(),
        }
    }

    /// A metadata event naming or ordering a process or a thread.
    fn meta(name: &str, pid: usize, tid: usize, args: Args) -> Self {
        Event {
            args,
            ..Event::new(name, "M", pid, tid)
        }
    }

    /// A complete slice from `ts` to `end`.
    fn slice(
        name: impl Into<String>,
        cat: &'static str,
        pid: usize,
        tid: usize,
        ts: i64,
        end: i64,
    ) -> Self {
        Event {
            cat: Some(cat),
            ts: Some(ts),
            dur: Some(end - ts),
            ..Event::new(name, "X", pid, tid)
        }
    }

    fn at(self, ts: i64) -> Self {
        Event {
            ts: Some(ts),
            ..self
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Trace<S: Serialize> {
    trace_events: Vec<Event>,
    display_time_unit: &'static str,
    metadata: Metadata<S>,
}

#[derive(Serialize)]
struct Metadata<S: Serialize> {
    source: &'static str,
    settings: S,
    machine: TracedMachine,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TracedMachine {
    hardware_concurrency: usize,
    browser: String,
    cross_origin_isolated: bool,
    date: String,
    effective_cores: Option<usize>,
}

/// The trace of `runs`, each its own process, with `settings` (what ran) and the machine in the
/// trace's metadata, as JSON text.
pub fn trace(runs: &[Traced<'_>], settings: impl Serialize, machine: &Machine) -> String {
    let mut events = Vec::new();
    // Flows are matched by id across the whole trace: one count for every process.
    let mut flows = 0u64;
    for (n, run) in runs.iter().enumerate() {
        process_events(n + 1, run, &mut flows, &mut events);
    }
    let trace = Trace {
        trace_events: events,
        display_time_unit: "ms",
        metadata: Metadata {
            source: "corescope",
            settings,
            machine: TracedMachine {
                hardware_concurrency: machine.hardware_concurrency,
                browser: machine.browser.clone(),
                cross_origin_isolated: machine.cross_origin_isolated,
                date: machine.date.to_string(),
                effective_cores: machine.effective_cores,
            },
        },
    };
    serde_json::to_string(&trace).expect("a trace of plain fields serializes")
}

/// A bar's thread: lane `worker` is thread `worker + 1`, after the page's.
fn tid(worker: usize) -> usize {
    worker + 1
}

fn process_events(pid: usize, run: &Traced<'_>, flow: &mut u64, events: &mut Vec<Event>) {
    let t = run.timeline.quantized();
    let (first, _) = t.span();
    // Whole microseconds from the earliest moment of the run (a reused pool's start-up can
    // precede the clock's 0).
    let shift = (-first).max(0.0);
    let us = |ms: f64| ((ms + shift) * 1000.0).round() as i64;
    let named = |name: String| Args {
        name: Some(name),
        ..Args::default()
    };
    let sorted = |i: usize| Args {
        sort_index: Some(i),
        ..Args::default()
    };
    events.push(Event::meta(
        "process_name",
        pid,
        PAGE_TID,
        named(run.name.clone()),
    ));
    events.push(Event::meta(
        "process_sort_index",
        pid,
        PAGE_TID,
        sorted(pid),
    ));
    events.push(Event::meta(
        "thread_name",
        pid,
        PAGE_TID,
        named("page (the run's clock, messages)".into()),
    ));
    events.push(Event {
        args: Args {
            elapsed_ms: Some(t.elapsed_ms),
            engine: Some(t.mode.label()),
            workers: run.workers,
            ..Args::default()
        },
        ..Event::slice("run", "run", pid, PAGE_TID, us(0.0), us(t.elapsed_ms))
    });
    let of_task = |task: usize| Args {
        task: Some(task),
        ..Args::default()
    };
    for lane in &t.lanes {
        let tid = tid(lane.worker);
        events.push(Event::meta(
            "thread_name",
            pid,
            tid,
            named(lane_name(t.mode, lane.worker)),
        ));
        events.push(Event::meta("thread_sort_index", pid, tid, sorted(tid)));
        let mut i = 0;
        while i < lane.bars.len() {
            let bar = &lane.bars[i];
            let (ts, end) = (us(bar.start_ms), us(bar.end_ms));
            match (bar.task, bar.kind) {
                (Some(task), _) => {
                    // A task's bars follow each other: the task is their span, and its GIL-held
                    // spans and its sleep are slices inside it.
                    let parts: Vec<_> = lane.bars[i..]
                        .iter()
                        .take_while(|b| b.task == Some(task))
                        .collect();
                    let task_end = us(parts.last().map_or(bar.end_ms, |b| b.end_ms));
                    events.push(Event {
                        args: of_task(task),
                        ..Event::slice(format!("task {task}"), "task", pid, tid, ts, task_end)
                    });
                    for part in &parts {
                        let name = match part.kind {
                            Kind::HoldingGil => "holding the GIL",
                            Kind::Sleeping => "sleeping",
                            _ => continue,
                        };
                        let (from, to) = (us(part.start_ms), us(part.end_ms));
                        events.push(Event {
                            args: of_task(task),
                            ..Event::slice(name, "gil", pid, tid, from, to)
                        });
                    }
                    i += parts.len();
                    continue;
                }
                (None, Kind::Startup) => {
                    events.push(Event::slice("worker start-up", "worker", pid, tid, ts, end));
                    for (name, at) in [("spawn", ts), ("ready", end)] {
                        events.push(Event {
                            cat: Some("worker"),
                            s: Some("t"),
                            ..Event::new(name, "i", pid, tid).at(at)
                        });
                    }
                }
                (None, _) => {
                    // A batch in flight: to the worker when a task starts as it arrives, else
                    // the answer on its way back to the page.
                    let outbound = lane
                        .bars
                        .iter()
                        .any(|b| b.task.is_some() && us(b.start_ms) == end);
                    let what = if outbound {
                        "tasks in flight"
                    } else {
                        "answer in flight"
                    };
                    events.push(Event::slice(what, "message", pid, tid, ts, end));
                    *flow += 1;
                    let flow = *flow;
                    let (name, from, to, page_ts) = if outbound {
                        ("send", PAGE_TID, tid, ts)
                    } else {
                        ("answer", tid, PAGE_TID, end)
                    };
                    // The page's end of a flow needs a slice of its own to bind to.
                    events.push(Event::slice(
                        name, "message", pid, PAGE_TID, page_ts, page_ts,
                    ));
                    let (from_ts, to_ts) = if outbound { (ts, ts) } else { (ts, end) };
                    let flow_event = |ph, tid, at| Event {
                        cat: Some("message"),
                        id: Some(flow),
                        ..Event::new(name, ph, pid, tid).at(at)
                    };
                    events.push(flow_event("s", from, from_ts));
                    events.push(Event {
                        bp: Some("e"),
                        ..flow_event("f", to, to_ts)
                    });
                }
            }
            i += 1;
        }
    }
    computing_counter(pid, &t, &us, events);
}

/// "tasks computing": how many bars that compute are open, at every moment the number changes.
fn computing_counter(pid: usize, t: &Timeline, us: &dyn Fn(f64) -> i64, events: &mut Vec<Event>) {
    let mut edges: Vec<(i64, i32)> = t
        .bars()
        .filter(|b| b.kind.computes())
        .flat_map(|b| [(us(b.start_ms), 1), (us(b.end_ms), -1)])
        .collect();
    edges.sort_unstable();
    // A script's sleeps are inside its bars (see `Timeline::script`).
    let counter_name = if t.script {
        "tasks running"
    } else {
        "tasks computing"
    };
    let counter = |ts: i64, tasks: i32| Event {
        args: Args {
            tasks: Some(tasks),
            ..Args::default()
        },
        ..Event::new(counter_name, "C", pid, PAGE_TID).at(ts)
    };
    events.push(counter(us(0.0).min(edges.first().map_or(0, |e| e.0)), 0));
    let mut now = 0;
    let mut i = 0;
    while i < edges.len() {
        let ts = edges[i].0;
        while i < edges.len() && edges[i].0 == ts {
            now += edges[i].1;
            i += 1;
        }
        events.push(counter(ts, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Date;
    use crate::run::{MessageSpan, Mode, RawRun, TaskRecord, WorkerLife};
    use crate::workloads::{Job, Workload};
    use serde_json::{Value, json};
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

    /// A GIL run of two threads taking turns, and an isolated pool with a start-up and messages
    /// (twice, as two sweep points).
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
            // A second run with messages: flows are matched by id across the whole trace.
            (
                "isolated pool (created per call), 2 workers".into(),
                Timeline::of(Mode::Pool { reuse: false }, &job, &pool),
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
                workers: Some(2),
            })
            .collect();
        let text = trace(&runs, json!({"workload": "sleep-add"}), &machine());
        serde_json::from_str(&text).expect("the trace is JSON")
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
            names.contains(&"thread 1")
                && names.contains(&"worker 0")
                && names.contains(&"page (the run's clock, messages)"),
            "{names:?}"
        );
    }

    /// The trace read as a viewer reads it: every process and thread an event is on is named by
    /// a metadata event; every run (process) has one "run" slice with its engine and elapsed
    /// time; every task slice, and every span inside one, says its task's index; every slice,
    /// flow and instant has its category.
    #[test]
    fn a_viewer_finds_every_process_and_thread_named_and_every_run_and_task_described() {
        let trace = traced();
        let all = events(&trace);
        let id = |e: &Value, k: &str| e[k].as_u64().expect("a number");
        let named = |what: &str| -> Vec<(u64, u64, String)> {
            (all.iter())
                .filter(|e| e["ph"] == "M" && e["name"] == what)
                .map(|e| {
                    (
                        id(e, "pid"),
                        id(e, "tid"),
                        e["args"]["name"].as_str().expect("a name").to_string(),
                    )
                })
                .collect()
        };
        let processes = named("process_name");
        let threads = named("thread_name");
        assert_eq!(
            processes.iter().map(|p| p.2.as_str()).collect::<Vec<_>>(),
            [
                "shared memory + GIL, 2 workers",
                "isolated pool (reused), 2 workers",
                "isolated pool (created per call), 2 workers"
            ],
            "one process a run, named by it"
        );
        // An event with nothing to add has no `args` at all.
        assert!(
            all.iter().any(|e| e.get("args").is_none()),
            "some events have no args"
        );
        for e in all {
            if let Some(args) = e.get("args") {
                assert!(!args.as_object().expect("an object").is_empty(), "{e}");
            }
        }
        for e in all.iter().filter(|e| e["ph"] != "M") {
            let (pid, tid) = (id(e, "pid"), id(e, "tid"));
            assert!(
                processes.iter().any(|p| p.0 == pid),
                "an unnamed process: {e}"
            );
            if e["ph"] != "C" {
                assert!(
                    threads.iter().any(|t| (t.0, t.1) == (pid, tid)),
                    "an unnamed thread: {e}"
                );
                assert!(e["cat"].is_string(), "no category: {e}");
            }
        }
        let engines = [
            Mode::Shared { gil: true },
            Mode::Pool { reuse: true },
            Mode::Pool { reuse: false },
        ]
        .map(Mode::label);
        for (n, (pid, _, _)) in processes.iter().enumerate() {
            let runs: Vec<&Value> = (all.iter())
                .filter(|e| id(e, "pid") == *pid && e["cat"] == "run")
                .collect();
            assert_eq!(runs.len(), 1, "process {pid}: one run slice");
            assert_eq!(runs[0]["args"]["engine"], engines[n], "{}", runs[0]);
            assert_eq!(runs[0]["args"]["workers"], 2, "{}", runs[0]);
            let elapsed = runs[0]["args"]["elapsed_ms"]
                .as_f64()
                .expect("its elapsed ms");
            assert!([10.0, 12.6].contains(&elapsed), "{}", runs[0]);
            assert_eq!(
                runs[0]["dur"].as_i64(),
                Some((elapsed * 1000.0).round() as i64)
            );
        }
        // Each pool run: its three tasks' sleeps inside their slices, and each worker's batch on
        // its way there (ending as its first task starts) and its answer on the way back.
        for (pid, _, _) in &processes[1..] {
            let named = |name: &str| {
                (all.iter())
                    .filter(|e| id(e, "pid") == *pid && e["ph"] == "X" && e["name"] == name)
                    .count()
            };
            assert_eq!(named("sleeping"), 3, "process {pid}");
            assert_eq!(named("tasks in flight"), 2, "process {pid}");
            assert_eq!(named("answer in flight"), 2, "process {pid}");
        }
        let tasks: Vec<&Value> = all
            .iter()
            .filter(|e| e["cat"] == "task" || e["cat"] == "gil")
            .collect();
        assert!(tasks.len() >= 10, "{} task slices", tasks.len());
        for e in tasks {
            let task = e["args"]["task"]
                .as_u64()
                .expect("a task slice says its task");
            assert!(task < 3, "{e}");
            if e["cat"] == "task" {
                assert_eq!(e["name"], format!("task {task}"));
            }
        }
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
