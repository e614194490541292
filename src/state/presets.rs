//! The lesson presets' part of the state: which preset is picked and its last run.

use super::*;

/// The lesson presets' part of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetState {
    pub selected: PresetId,
    /// Index into [`sweep_workloads`] for the scaling sweep.
    pub sweep_workload: usize,
    /// The steps of the last run started (empty before the first).
    pub steps: Vec<Step>,
    pub results: Vec<Option<Outcome>>,
    /// The step running now.
    pub running: Option<usize>,
}

impl PresetState {
    /// A preset's run of `steps` begins, with no results yet.
    pub(super) fn start(&mut self, steps: Vec<Step>) {
        self.results = vec![None; steps.len()];
        self.steps = steps;
        self.running = None;
    }

    /// Step `i` ended with `outcome`.
    pub(super) fn finished(&mut self, i: usize, outcome: Outcome) {
        if let Some(slot) = self.results.get_mut(i) {
            *slot = Some(outcome);
        }
    }
}

impl State {
    /// Picks the scaling sweep's workload by its index in [`sweep_workloads`].
    pub(super) fn select_sweep_workload(&mut self, i: usize) {
        if i < sweep_workloads(Scale::Full).len() {
            self.preset.sweep_workload = i;
        } else {
            self.notice = Some(format!("there is no sweep workload number {i}"));
        }
    }

    /// The sweep's workload as picked.
    pub fn sweep_workload(&self) -> Workload {
        let all = sweep_workloads(Scale::Full);
        all[self.preset.sweep_workload.min(all.len() - 1)].clone()
    }

    /// The selected preset's steps with their results: the last run's if it ran this preset
    /// (with this sweep workload), else the plan with no results yet.
    pub fn shown_preset(&self) -> (Vec<Step>, Vec<Option<Outcome>>) {
        let planned = self.preset_steps(Scale::Full);
        let ran = &self.preset.steps;
        let same = ran.len() == planned.len()
            && ran.first().map(|s| &s.id) == planned.first().map(|s| &s.id)
            && ran
                .iter()
                .zip(&planned)
                .all(|(a, b)| a.job.workload == b.job.workload);
        if same && !ran.is_empty() {
            (ran.clone(), self.preset.results.clone())
        } else {
            let none = vec![None; planned.len()];
            (planned, none)
        }
    }

    /// Which of `steps` is running, in words (empty when none is).
    pub fn preset_progress(&self, steps: &[Step]) -> String {
        match self.preset.running {
            Some(i) if self.running => format!(
                "step {} of {}: {}",
                i + 1,
                steps.len(),
                steps.get(i).map_or("", |s| s.label.as_str())
            ),
            _ => String::new(),
        }
    }

    /// The steps the selected preset runs on this machine.
    pub fn preset_steps(&self, scale: Scale) -> Vec<Step> {
        crate::experiment::steps(
            self.preset.selected,
            scale,
            self.hardware_concurrency,
            self.max_workers,
            &self.sweep_workload(),
        )
    }
}
