//! The bench's native twin: the same workloads as the browser bench, compiled for this machine
//! and run serially and on rayon with 1…N threads (k loops taking tasks from one counter, as the
//! page's shared-memory engine does). Every result is checked against the serial answer.
//! Prints JSON for `bench/run.mjs`.
//!
//! Usage: bench-native --max-workers N --reps R --size PERCENT --tasks T WORKLOAD_INDEX…
//!
//! `bench-native --largest-link` prints instead the fragment of the largest link a page must
//! open (see `largest_link`), for the bench to time.

// Natively std's clock is the right one (clippy.toml bans it for the browser, where it panics).
#![cfg_attr(not(target_arch = "wasm32"), allow(clippy::disallowed_methods))]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(why) = native::main() {
        eprintln!("bench-native: {why}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use corescope::cancel::Cancel;
    use corescope::settings::{Scale, sweep_workloads};
    use corescope::workloads::{Job, NoGil, Value};
    use serde::Serialize;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    #[derive(Serialize)]
    struct Point {
        workload: usize,
        /// `serial` or `rayon`.
        engine: &'static str,
        workers: usize,
        samples_ms: Vec<f64>,
    }

    fn serial(job: &Job) -> Vec<Value> {
        (0..job.tasks)
            .map(|i| job.run_blocking(i, &mut NoGil, &Cancel::new()))
            .collect()
    }

    /// `k` loops on a `k`-thread pool, each taking the next task from one counter.
    fn on_rayon(pool: &rayon::ThreadPool, job: &Job, k: usize) -> Vec<Value> {
        let next = AtomicUsize::new(0);
        let results = Mutex::new(vec![None; job.tasks]);
        pool.install(|| {
            rayon::scope(|s| {
                for _ in 0..k {
                    s.spawn(|_| {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= job.tasks {
                                break;
                            }
                            let v = job.run_blocking(i, &mut NoGil, &Cancel::new());
                            results.lock().expect("no task panics")[i] = Some(v);
                        }
                    });
                }
            })
        });
        results
            .into_inner()
            .expect("no task panics")
            .into_iter()
            .map(|v| v.expect("every task ran"))
            .collect()
    }

    fn time(
        reps: usize,
        expected: &[Value],
        mut f: impl FnMut() -> Vec<Value>,
    ) -> Result<Vec<f64>, String> {
        // One untimed call first, as the page warms its code up.
        f();
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                let got = f();
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if got != expected {
                    return Err("a result differs from the serial answer".into());
                }
                Ok(ms)
            })
            .collect()
    }

    fn arg(args: &[String], name: &str) -> Result<usize, String> {
        let i = args
            .iter()
            .position(|a| a == name)
            .ok_or(format!("{name} is missing"))?;
        args.get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or(format!("{name} needs a number"))
    }

    /// The largest valid link a page may have to open, and the hardest to predict: a thousand
    /// tasks of seed 000's sleep-add (a wait, then a little computing, so each task is two
    /// phases) on every engine, from a machine of the most cores a link may name (predictions
    /// reach 1,024 workers) of which one scaled (so every count shares it, the slowest schedule
    /// to simulate), with the costs its predictions are made from and as many points, at as
    /// many different counts, as the link can hold beside them.
    fn largest_link() -> Result<String, String> {
        use corescope::experiment::PresetId;
        use corescope::machine::{Date, Machine};
        use corescope::predict::{Costs, predict};
        use corescope::run::Mode;
        use corescope::settings::{BENCH_MODES, MAX_HARDWARE_CONCURRENCY, MAX_TASKS, Settings};
        use corescope::share::{self, Config, Link, Results};
        use corescope::sweep::{Point, PointSummary, Summary};
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
        let top = settings.top_workers(corescope::settings::page_max_workers(
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

    pub fn main() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.iter().any(|a| a == "--largest-link") {
            println!("{}", largest_link()?);
            return Ok(());
        }
        let (max_workers, reps) = (arg(&args, "--max-workers")?, arg(&args, "--reps")?);
        let (size, tasks) = (arg(&args, "--size")? as u32, arg(&args, "--tasks")?);
        let all = sweep_workloads(Scale::Full);
        let indices: Vec<usize> = args
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || !args[i - 1].starts_with("--"))
            .filter_map(|(_, a)| a.parse().ok())
            .filter(|i| *i < all.len())
            .collect();
        let pools: Vec<rayon::ThreadPool> = (1..=max_workers)
            .map(|k| rayon::ThreadPoolBuilder::new().num_threads(k).build())
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let mut points = Vec::new();
        for w in indices {
            let job = Job::new(all[w].scaled(size), tasks);
            let expected = job.expected();
            points.push(Point {
                workload: w,
                engine: "serial",
                workers: 1,
                samples_ms: time(reps, &expected, || serial(&job))?,
            });
            for (k, pool) in (1..=max_workers).zip(&pools) {
                points.push(Point {
                    workload: w,
                    engine: "rayon",
                    workers: k,
                    samples_ms: time(reps, &expected, || on_rayon(pool, &job, k))?,
                });
            }
        }
        println!(
            "{}",
            serde_json::json!({
                "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
                "points": points,
            })
        );
        Ok(())
    }
}
