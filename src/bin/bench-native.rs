//! The bench's native twin: the same workloads as the browser bench, compiled for this machine
//! and run serially and on rayon with 1…N threads (k loops taking tasks from one counter, as the
//! page's shared-memory engine does). Every result is checked against the serial answer.
//! Prints JSON for `bench/run.mjs`.
//!
//! Usage: bench-native --max-workers N --reps R --size PERCENT --tasks T WORKLOAD_INDEX…
//!
//! `bench-native --largest-link` prints instead the fragment of the largest link a page must
//! open (see `corescope::share::largest`), for the bench to time.

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

    pub fn main() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.iter().any(|a| a == "--largest-link") {
            println!("{}", corescope::share::largest::link()?);
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
