//! The live region's words: what started, each outcome, and how a run ended.

use super::*;

/// A finished run in words: its time, or why it failed.
fn said(outcome: &Outcome) -> String {
    match outcome {
        Ok(run) => format!("{:.1} ms, the same result as serial", run.run.elapsed_ms),
        Err(e) => format!("failed: {e}"),
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
                    format!("Preset finished. {}", lesson.join(" "))
                }
                _ => "Quick run finished.".into(),
            },
            Action::SweepStarted(plan) if !self.running => format!(
                "Sweep started: {}.",
                crate::words::count(plan.total_runs(), "run")
            ),
            Action::PointFailed { point, why } => format!("{}: failed: {why}", point.describe()),
            Action::SweepFinished { cancelled, .. } => {
                let points = summaries(&self.bench.measured);
                let kept = crate::words::count(points.len(), "point");
                match cancelled {
                    true => format!("Sweep cancelled; {kept} kept."),
                    false => format!(
                        "Sweep finished: {kept} measured. {}",
                        crate::sweep::chart_summary(&points, &self.bench.settings.modes)
                    ),
                }
            }
            _ => return None,
        })
    }
}
