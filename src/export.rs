//! Exports of the bench's results — this page's sweep and a link's, side by side — as CSV (one
//! row per point) and as JSON (each sweep with its configuration and machine), and the caption
//! an exported chart carries.

use crate::predict::predict;
use crate::run::Mode;
use crate::settings::Settings;
use crate::share::Results;
use crate::stats::speedup;
use crate::sweep::{Point, serial_ms};
use crate::timeline::Timeline;
use crate::workloads::Workload;
use serde::Serialize;

/// One sweep to export: `whose` is `mine` or `theirs`.
pub struct Sweep<'a> {
    pub whose: &'static str,
    pub settings: &'a Settings,
    pub results: &'a Results,
    /// Each point's last timeline, where the page has it (its own sweep's).
    pub timelines: Vec<(Point, &'a Timeline)>,
}

#[derive(Serialize)]
struct Row<'a> {
    whose: &'a str,
    engine: &'a str,
    engine_key: &'a str,
    workers: usize,
    median_ms: f64,
    min_ms: f64,
    max_ms: f64,
    repetitions: usize,
    speedup: Option<f64>,
    /// What theory predicted for the point ([`crate::predict::predict`]), where the sweep has
    /// what predictions are made from.
    predicted_ms: Option<f64>,
    workload: &'a str,
    tasks: usize,
    hardware_concurrency: usize,
    browser: &'a str,
    cross_origin_isolated: bool,
    date: String,
    effective_cores: Option<usize>,
}

/// The workload's name and its size, e.g. `empty loop at 100% of the seed's size`.
fn workload_name(settings: &Settings) -> String {
    format!(
        "{} at {}% of the seed's size",
        settings.job().workload.name(),
        settings.size_percent
    )
}

fn rows<'a>(sweep: &'a Sweep, workload: &'a str) -> impl Iterator<Item = Row<'a>> {
    let serial = serial_ms(&sweep.results.points);
    let machine = &sweep.results.machine;
    sweep.results.points.iter().map(move |p| Row {
        whose: sweep.whose,
        engine: p.point.mode.label(),
        engine_key: p.point.mode.key(),
        workers: p.point.workers,
        median_ms: p.summary.median_ms,
        min_ms: p.summary.min_ms,
        max_ms: p.summary.max_ms,
        repetitions: p.summary.samples,
        speedup: serial.and_then(|s| speedup(s, p.summary.median_ms)),
        // The serial point is what predictions are made from, not one of them.
        predicted_ms: (sweep.results.costs.as_ref())
            .filter(|_| p.point.mode != Mode::MainThread)
            .map(|c| predict(p.point.mode, p.point.workers, c))
            .filter(|&ms| ms > 0.0),
        workload,
        tasks: sweep.settings.tasks,
        hardware_concurrency: machine.hardware_concurrency,
        browser: &machine.browser,
        cross_origin_isolated: machine.cross_origin_isolated,
        date: machine.date.to_string(),
        effective_cores: machine.effective_cores,
    })
}

/// One row per point of every sweep, with a header row.
pub fn csv(sweeps: &[Sweep]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    for sweep in sweeps {
        let workload = workload_name(sweep.settings);
        for row in rows(sweep, &workload) {
            out.serialize(row)
                .expect("plain fields serialize to an in-memory CSV");
        }
    }
    String::from_utf8(out.into_inner().expect("an in-memory writer flushes"))
        .expect("CSV of UTF-8 fields is UTF-8")
}

#[derive(Serialize)]
struct JsonSweep<'a> {
    whose: &'a str,
    workload: String,
    tasks: usize,
    size_percent: u32,
    engines: Vec<&'a str>,
    repetitions: usize,
    hardware_concurrency: usize,
    browser: &'a str,
    cross_origin_isolated: bool,
    date: String,
    effective_cores: Option<usize>,
    points: Vec<JsonPoint<'a>>,
}

/// A point with its timeline, when there is one.
#[derive(Serialize)]
struct JsonPoint<'a> {
    #[serde(flatten)]
    row: Row<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<&'a Timeline>,
}

/// Every sweep with its configuration and machine, pretty-printed.
pub fn json(sweeps: &[Sweep]) -> String {
    let names: Vec<String> = sweeps.iter().map(|s| workload_name(s.settings)).collect();
    let sweeps: Vec<JsonSweep> = sweeps
        .iter()
        .zip(&names)
        .map(|(s, workload)| JsonSweep {
            whose: s.whose,
            workload: workload.clone(),
            tasks: s.settings.tasks,
            size_percent: s.settings.size_percent,
            engines: s.settings.modes.iter().map(|m| m.key()).collect(),
            repetitions: s.settings.repetitions,
            hardware_concurrency: s.results.machine.hardware_concurrency,
            browser: &s.results.machine.browser,
            cross_origin_isolated: s.results.machine.cross_origin_isolated,
            date: s.results.machine.date.to_string(),
            effective_cores: s.results.machine.effective_cores,
            points: rows(s, workload)
                .zip(&s.results.points)
                .map(|(row, p)| JsonPoint {
                    row,
                    timeline: s
                        .timelines
                        .iter()
                        .find(|(q, _)| *q == p.point)
                        .map(|(_, t)| *t),
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "format": "corescope-results",
        "version": 1,
        "sweeps": sweeps,
    }))
    .expect("plain fields serialize to JSON")
}

/// What an exported chart shows, as lines under its title: for each sweep, the workload with
/// its size, task count and repetitions, the engines, then the machine and the day it was
/// measured. `describe` names a workload (the page passes [`Workload::describe`]); `mine:` and
/// `theirs:` lead the lines when there are two sweeps.
pub fn caption(sweeps: &[Sweep], describe: impl Fn(&Workload) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    for sweep in sweeps {
        let whose = if sweeps.len() > 1 {
            format!("{}: ", sweep.whose)
        } else {
            String::new()
        };
        let (settings, machine) = (sweep.settings, &sweep.results.machine);
        let job = settings.job();
        let engines: Vec<&str> = settings.modes.iter().map(|m| m.label()).collect();
        lines.push(format!(
            "{whose}{} task{} of {} ({}% of the seed's size), median of {} run{} per point; engines: {}",
            job.tasks,
            if job.tasks == 1 { "" } else { "s" },
            describe(&job.workload),
            settings.size_percent,
            settings.repetitions,
            if settings.repetitions == 1 { "" } else { "s" },
            engines.join(", ")
        ));
        lines.push(format!("{whose}{}", machine.describe()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{Date, Machine};
    use crate::settings::View;
    use crate::sweep::{Point, PointSummary, Summary};

    fn sweep_data() -> (Settings, Results) {
        let config = Settings {
            workload: 0,
            tasks: 10,
            size_percent: 100,
            modes: vec![Mode::Shared { gil: false }],
            repetitions: 3,
            max_workers: 2,
            view: View::Time,
            ..Settings::default()
        };
        let point = |mode, workers, ms| PointSummary {
            point: Point { mode, workers },
            summary: Summary {
                median_ms: ms,
                min_ms: ms - 1.0,
                max_ms: ms + 1.0,
                samples: 3,
            },
        };
        let results = Results {
            machine: Machine {
                hardware_concurrency: 2,
                browser: "Chrome 131".into(),
                cross_origin_isolated: true,
                date: Date {
                    year: 2026,
                    month: 11,
                    day: 22,
                },
                effective_cores: Some(2),
            },
            points: vec![
                point(Mode::MainThread, 1, 100.0),
                point(Mode::Shared { gil: false }, 2, 50.0),
            ],
            costs: Some(crate::predict::Costs {
                tasks: vec![(0.0, 10.0); 10],
                cores: 2.0,
                startup_ms: 0.0,
                message_ms: 0.0,
            }),
        };
        (config, results)
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_point_of_each_sweep() {
        let (config, results) = sweep_data();
        let text = csv(&[
            Sweep {
                whose: "mine",
                settings: &config,
                results: &results,
                timelines: Vec::new(),
            },
            Sweep {
                whose: "theirs",
                settings: &config,
                results: &results,
                timelines: Vec::new(),
            },
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("whose,engine,engine_key,workers,median_ms"));
        assert!(
            lines[2].starts_with("mine,shared memory,shared,2,50.0,49.0,51.0,3,2.0,50.0,"),
            "{}",
            lines[2]
        );
        assert!(lines[4].starts_with("theirs,"));
        assert!(
            lines[2].contains(",empty loop at 100% of the seed's size,10,2,"),
            "the workload and its size: {}",
            lines[2]
        );
    }

    #[test]
    fn a_point_the_model_has_no_time_for_exports_no_prediction() {
        // A process per task whose clock stops before any task: the model predicts 0 ms.
        let (config, mut results) = sweep_data();
        let stops = Mode::PerTask {
            join: crate::run::Join::ClockStopsBeforeJoin,
        };
        let mut point = results.points[1];
        point.point.mode = stops;
        results.points.push(point);
        let text = json(&[Sweep {
            whose: "mine",
            settings: &config,
            results: &results,
            timelines: Vec::new(),
        }]);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let points = &v["sweeps"][0]["points"];
        assert_eq!(points[1]["predicted_ms"], 50.0);
        assert!(points[2]["predicted_ms"].is_null(), "{}", points[2]);
        assert_eq!(
            v["sweeps"][0]["workload"],
            "empty loop at 100% of the seed's size"
        );
    }

    #[test]
    fn the_caption_names_the_workload_the_engines_and_each_machine() {
        let (config, results) = sweep_data();
        let mine = Sweep {
            whose: "mine",
            settings: &config,
            results: &results,
            timelines: Vec::new(),
        };
        let describe = |w: &Workload| format!("{} described", w.name());
        let one = caption(std::slice::from_ref(&mine), describe);
        assert_eq!(
            one,
            [
                "10 tasks of empty loop described (100% of the seed's size), median of 3 runs per \
                 point; engines: shared memory",
                "measured in Chrome 131 with hardwareConcurrency 2 (effective cores measured: 2), \
                 cross-origin isolated, on 2026-11-22"
            ]
        );
        let theirs = Sweep {
            whose: "theirs",
            settings: &config,
            results: &results,
            timelines: Vec::new(),
        };
        let two = caption(&[mine, theirs], describe);
        assert_eq!(two.len(), 4);
        assert!(two[0].starts_with("mine: 10 tasks") && two[3].starts_with("theirs: measured in"));
    }

    #[test]
    fn json_reads_back_with_every_point_and_its_timeline() {
        let (config, results) = sweep_data();
        let run = crate::run::RawRun {
            records: vec![crate::run::TaskRecord {
                index: 0,
                worker: 0,
                start_ms: 0.0,
                end_ms: 50.0,
                gil_wait_ms: 0.0,
                held: Vec::new(),
            }],
            elapsed_ms: 50.0,
            ..Default::default()
        };
        let timeline = Timeline::of(
            Mode::Shared { gil: false },
            &crate::workloads::Job::new(crate::workloads::Workload::Square, 1),
            &run,
        );
        let text = json(&[Sweep {
            whose: "mine",
            settings: &config,
            results: &results,
            timelines: vec![(results.points[1].point, &timeline)],
        }]);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["sweeps"][0]["effective_cores"], 2);
        assert!(v["sweeps"][0]["points"][0].get("timeline").is_none());
        assert_eq!(
            v["sweeps"][0]["points"][1]["timeline"]["lanes"][0]["bars"][0]["kind"],
            "compute"
        );
        assert_eq!(v["format"], "corescope-results");
        assert_eq!(v["sweeps"][0]["points"][1]["median_ms"], 50.0);
        assert_eq!(v["sweeps"][0]["points"][1]["speedup"], 2.0);
        assert_eq!(v["sweeps"][0]["points"][1]["predicted_ms"], 50.0);
        assert!(
            v["sweeps"][0]["points"][0]["predicted_ms"].is_null(),
            "serial"
        );
        assert_eq!(v["sweeps"][0]["browser"], "Chrome 131");
    }
}
