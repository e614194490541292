//! The live region's words: what started, each outcome, and how a run ended.

use super::*;

/// A finished run in words: its time, or why it failed.
fn said(outcome: &Outcome) -> String {
    match outcome {
        Ok(run) => format!("{:.1} ms, the same result as serial", run.run.elapsed_ms),
        Err(e) => format!("failed: {e}"),
    }
}

/// A finished run in a summary's words: its time against `serial_ms` with the note its row
/// shows (what its overheads cost), or why it failed.
fn briefly(outcome: &Outcome, serial_ms: Option<f64>) -> String {
    match outcome {
        Ok(run) => {
            let (speedup, note) = crate::experiment::speed_cells(run, serial_ms);
            let note = note
                .map(|(_, text)| format!(". {}", text.trim()))
                .unwrap_or_default();
            format!("{:.1} ms{speedup}{note}", run.run.elapsed_ms)
        }
        Err(e) => format!("failed: {e}"),
    }
}

/// Sentences that end with a full stop once.
fn sentence(text: String) -> String {
    match text.ends_with('.') {
        true => text,
        false => text + ".",
    }
}

impl State {
    /// What the live region says after `action`, from the state before it; `None` leaves it.
    pub(super) fn announce(&self, action: &Action) -> Option<String> {
        let step = |i: usize| self.preset.steps.get(i).map(|s| s.label.as_str());
        Some(match action {
            Action::RunStarted if !self.running => "Quick run started.".into(),
            Action::EngineFinished { mode, outcome } => {
                format!("{}: {}.", mode.label(), said(outcome))
            }
            Action::PresetStarted(steps) if !self.running => format!(
                "{} started: {}.",
                self.preset.selected.title(),
                crate::words::count(steps.len(), "step")
            ),
            Action::StepStarted(i) => format!(
                "Step {} of {}: {}.",
                i + 1,
                self.preset.steps.len(),
                step(*i)?
            ),
            Action::StepFinished(i, outcome) => format!("{}: {}.", step(*i)?, said(outcome)),
            Action::RunFinished { .. } => match self.last_run {
                Some(RunKind::Preset) => {
                    let outcomes = crate::experiment::Outcomes {
                        steps: &self.preset.steps,
                        results: &self.preset.results,
                    };
                    let lesson = crate::experiment::lesson(
                        self.preset.selected,
                        self.hardware_concurrency,
                        &outcomes,
                    );
                    let failed: Vec<String> = self
                        .preset
                        .steps
                        .iter()
                        .zip(&self.preset.results)
                        .filter_map(|(step, r)| match r {
                            Some(Err(e)) => Some(sentence(format!("{}: failed: {e}", step.label))),
                            _ => None,
                        })
                        .collect();
                    let failed = match failed.len() {
                        0 => String::new(),
                        n => format!(
                            " {} failed. {}",
                            crate::words::count(n, "step"),
                            failed.join(" ")
                        ),
                    };
                    format!("Preset finished.{failed} {}", lesson.join(" "))
                        .trim_end()
                        .to_string()
                }
                _ => {
                    // Every engine's result, since each replaced the last in the live region
                    // as it came, faster than a screen reader reads.
                    let serial_ms = self.rows.iter().find_map(|(mode, status)| match status {
                        EngineStatus::Done(Ok(run)) if *mode == Mode::MainThread => {
                            Some(run.run.elapsed_ms)
                        }
                        _ => None,
                    });
                    let each: Vec<String> = self
                        .rows
                        .iter()
                        .filter_map(|(mode, status)| match status {
                            EngineStatus::Done(outcome) => Some(sentence(format!(
                                "{}: {}",
                                mode.label(),
                                briefly(outcome, serial_ms.filter(|_| *mode != Mode::MainThread))
                            ))),
                            _ => None,
                        })
                        .collect();
                    format!("Quick run finished. {}", each.join(" "))
                        .trim_end()
                        .to_string()
                }
            },
            Action::SweepStarted(plan) if !self.running => format!(
                "Sweep started: {}.",
                crate::words::count(plan.total_runs(), "run")
            ),
            Action::PointFailed { point, why } => format!("{}: failed: {why}", point.describe()),
            Action::SweepFinished { cancelled, .. } => {
                let points = summaries(&self.bench.measured);
                let kept = crate::words::count(points.len(), "point");
                // The failures, each with its reason; where every point failed the same way (a
                // broken script), the reason once.
                let failures = &self.bench.failures;
                let mut reasons: Vec<&str> = failures.iter().map(|(_, why)| why.as_str()).collect();
                reasons.dedup();
                let failed = match (failures.len(), reasons.as_slice()) {
                    (0, _) => String::new(),
                    (n, [why]) if n > 1 => {
                        format!(
                            " {} failed, each with: {}",
                            crate::words::count(n, "point"),
                            sentence(why.to_string())
                        )
                    }
                    (n, _) => format!(
                        " {} failed: {}",
                        crate::words::count(n, "point"),
                        failures
                            .iter()
                            .map(|(p, why)| sentence(format!("{}: {why}", p.describe())))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                match cancelled {
                    true => format!("Sweep cancelled; {kept} kept.{failed}"),
                    false if points.is_empty() => {
                        format!("Sweep finished: no point measured.{failed}")
                    }
                    false => format!(
                        "Sweep finished: {kept} measured.{failed} {}",
                        crate::sweep::chart_summary(&points, &self.bench.settings.modes)
                    ),
                }
            }
            _ => return None,
        })
    }
}
