//! The largest valid link a page may have to open, which the bench times and the browser tests
//! open.

use crate::experiment::PresetId;
use crate::machine::{Date, Machine};
use crate::predict::{Costs, predict};
use crate::run::Mode;
use crate::settings::{BENCH_MODES, MAX_HARDWARE_CONCURRENCY, MAX_TASKS, Settings};
use crate::share::{self, Config, Link, Results};
use crate::sweep::{Point, PointSummary, Summary};

/// The largest valid link a page may have to open, and the hardest to predict: a thousand
/// tasks of seed 000's sleep-add (a wait, then a little computing, so each task is two
/// phases) on every engine, from a machine of the most cores a link may name (predictions
/// reach 1,024 workers) of which one scaled (so every count shares it, the slowest schedule
/// to simulate), with the costs its predictions are made from and as many points, at as
/// many different counts, as the link can hold beside them.
pub fn link() -> Result<String, String> {
    let machine = Machine {
        hardware_concurrency: MAX_HARDWARE_CONCURRENCY,
        browser: "Chrome 156".into(),
        cross_origin_isolated: true,
        date: Date {
            year: 2026,
            month: 12,
            day: 6,
        },
        effective_cores: Some(1),
    };
    let costs = Costs {
        tasks: (0..MAX_TASKS)
            .map(|i| (100.0 + (i % 7) as f64 * 0.25, 1.0 + (i % 5) as f64 * 0.5))
            .collect(),
        cores: machine.cores(),
        startup_ms: 12.0,
        message_ms: 0.25,
    };
    let settings = Settings {
        workload: 1,
        tasks: MAX_TASKS,
        modes: BENCH_MODES.to_vec(),
        ..Settings::default()
    };
    let top = settings.top_workers(crate::settings::page_max_workers(
        machine.hardware_concurrency,
    ));
    let point = |mode, workers| {
        let ms = predict(mode, workers, &costs);
        PointSummary {
            point: Point { mode, workers },
            summary: Summary {
                median_ms: ms,
                min_ms: ms * 0.98,
                max_ms: ms * 1.05,
                samples: 1,
            },
        }
    };
    let mut link = Link {
        config: Config {
            settings,
            workers: 2,
            preset: PresetId::SleepBound,
        },
        results: Some(Results {
            machine,
            points: vec![point(Mode::MainThread, 1)],
            costs: Some(costs.quantized()),
        }),
        timeline: None,
    };
    // A point for each engine in turn, each at a count not used yet (spread over 1…top),
    // until one more would leave no room for the costs.
    let keeps_costs = |link: &Link| {
        let fragment = share::encode(link);
        let back = share::decode(&fragment).ok()?;
        back.results?.costs.map(|_| fragment)
    };
    let mut fragment = keeps_costs(&link).ok_or("the link has no room for its costs")?;
    for j in 0.. {
        let mode = BENCH_MODES[j % BENCH_MODES.len()];
        let k = 1 + (j * 389) % top;
        let results = link.results.as_mut().ok_or("no results")?;
        results.points.push(point(mode, k));
        match keeps_costs(&link) {
            Some(longer) => fragment = longer,
            None => break,
        }
    }
    Ok(fragment)
}
