//! List append random (seed 001): ten million random numbers appended by one list serially, and
//! split over 1, 2 and 4 threads and processes.

use super::{GIL, Outcomes, POOL, Preset, PresetId, SHARED, Step, StepsContext, count, times};
use crate::run::Mode;
use crate::stats::amdahl_serial_fraction;
use crate::workloads::{Job, Workload};

pub(super) const PRESET: Preset = Preset {
    id: PresetId::ListAppend,
    key: "list-append",
    title: "List append random",
    seeds: "001",
    seed_found: "Appending 10,000,000 random numbers: 2 threads 2.003 s real; 2 processes 1.045 s; 4 processes 0.540 s (3.8×).",
    steps,
    lesson,
};

/// One list serially, then the numbers split over 1, 2 and 4 GIL threads, shared-memory threads
/// and processes.
fn steps(cx: &StepsContext) -> Vec<Step> {
    let total = cx.scale.pick(10_000_000, 200_000);
    let job = |k: usize| Job::new(Workload::ListAppend { total, seed: 2017 }, k);
    let mut steps = vec![Step::new(
        "serial",
        "one list, serially",
        Mode::MainThread,
        1,
        job(1),
    )];
    for k in [1, 2, 4] {
        steps.push(Step::new(
            format!("gil-{k}"),
            format!("{} with a GIL", count(k, "thread")),
            GIL,
            k,
            job(k),
        ));
        steps.push(Step::new(
            format!("shared-{k}"),
            format!("{}, shared memory", count(k, "thread")),
            SHARED,
            k,
            job(k),
        ));
        steps.push(Step::new(
            format!("pool-{k}"),
            count(k, "process"),
            POOL,
            k,
            job(k),
        ));
    }
    steps
}

/// Each kind of worker's speedup over serial by count, and the serial fraction Amdahl's law fits
/// within the cores.
fn lesson(cores: usize, o: &Outcomes<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut say = |s: Option<String>| out.extend(s);
    for (mode, name) in [
        ("gil", "GIL threads"),
        ("shared", "shared-memory threads"),
        ("pool", "processes"),
    ] {
        say((|| {
            let points: Vec<(usize, f64)> = [1, 2, 4]
                .iter()
                .filter_map(|&k| Some((k, o.speedup("serial", &format!("{mode}-{k}"))?)))
                .collect();
            let shown: Vec<String> = points
                .iter()
                .map(|(k, s)| format!("{k}: {}", times(*s)))
                .collect();
            let best = points.iter().map(|p| p.1).reduce(f64::max)?;
            let verdict = if best >= 1.15 {
                format!("up to {} as fast as serial", times(best))
            } else if best <= 0.87 {
                "slower than serial at every count".to_string()
            } else {
                "no real gain".to_string()
            };
            // Amdahl's law only where every worker has a core of its own.
            let within: Vec<(usize, f64)> =
                points.iter().copied().filter(|p| p.0 <= cores).collect();
            let fit = amdahl_serial_fraction(&within)
                .map(|f| {
                    let top = within.iter().map(|p| p.0).max().unwrap_or(1);
                    format!(
                        "; over 1–{top} workers (the cores) Amdahl's law fits a serial fraction of {:.0}%",
                        f * 100.0
                    )
                })
                .unwrap_or_default();
            Some(format!(
                "{name} — speedup over serial by workers {}: {verdict}{fit}.",
                shown.join(", ")
            ))
        })());
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::experiment::PresetId;
    use crate::experiment::tests::lesson_from;

    #[test]
    fn the_list_append_lesson_follows_its_numbers_even_when_they_contradict_the_seed() {
        // A first run's artifact: GIL threads faster than serial, processes slower.
        let text = lesson_from(
            PresetId::ListAppend,
            2,
            &[
                ("serial", 230.0),
                ("gil-1", 130.0),
                ("gil-2", 147.0),
                ("gil-4", 149.0),
                ("pool-1", 400.0),
                ("pool-2", 340.0),
                ("pool-4", 300.0),
            ],
        );
        assert!(text.contains("GIL threads — speedup over serial by workers 1: 1.77×, 2: 1.56×, 4: 1.54×: up to 1.77× as fast as serial"), "{text}");
        assert!(text.contains("processes — speedup over serial by workers 1: 0.57×, 2: 0.68×, 4: 0.77×: slower than serial at every count"), "{text}");
        assert!(
            text.contains("over 1–2 workers (the cores) Amdahl's law fits"),
            "{text}"
        );
        let usual = lesson_from(
            PresetId::ListAppend,
            2,
            &[
                ("serial", 130.0),
                ("gil-1", 131.0),
                ("gil-2", 140.0),
                ("gil-4", 150.0),
            ],
        );
        assert!(usual.contains("no real gain"), "{usual}");
    }
}
