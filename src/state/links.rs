//! Share links: what the address bar and a shared link carry, and opening one.

use super::*;

/// Where an address's fragment takes the page: decoded once, where it arrives (on load and on
/// `hashchange`), so nothing downstream reads it again.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "made once per address, and moved into an action"
)]
pub enum Route {
    /// No link: the page opens as it is.
    Stay,
    /// A script's link on a page that cannot run scripts: the playground opens it.
    Playground,
    /// A link for this page ([`Action::OpenLink`]), or why it cannot be opened.
    Open(Result<Link, LinkError>),
}

impl Route {
    /// Where `fragment` goes on a page that can (`scripts`) or cannot run a visitor's script.
    pub fn of(fragment: &str, scripts: bool) -> Route {
        if fragment.trim_start_matches('#').is_empty() {
            return Route::Stay;
        }
        match share::decode(fragment) {
            Ok(link) if !scripts && link.config.settings.workload == settings::SCRIPT_WORKLOAD => {
                Route::Playground
            }
            decoded => Route::Open(decoded),
        }
    }
}

impl State {
    /// Opens a decoded link: now, or when the run ends; or says why it cannot be opened and
    /// changes nothing.
    pub(super) fn open_link(&mut self, link: Result<Link, LinkError>) {
        match link {
            Ok(link) if self.running => {
                self.pending_link = Some(link);
                self.notice = Some(
                    "This link will be opened when the run finishes: settings do not change \
                     while a run is going."
                        .into(),
                );
            }
            Ok(link) => self.apply_link(link),
            Err(why) => {
                self.pending_link = None;
                self.notice = Some(format!(
                    "This link could not be opened: {why}. Nothing from it was applied."
                ))
            }
        }
    }

    /// What the last sweep's predictions were made from, on `cores`, as a link or an export
    /// carries it: in whole microseconds, one entry per task of the sweep, `None` before the
    /// sweep has points and a serial baseline (or for a script).
    pub fn sweep_costs(&self, cores: f64) -> Option<Costs> {
        let swept = self.bench.swept.as_ref()?;
        Predictions::costs(&self.bench.measured, cores)
            .filter(|c| c.tasks.len() == swept.settings.tasks)
            .map(|c| c.quantized())
    }

    /// The configuration the controls describe, as a link carries it.
    pub fn link_config(&self) -> Config {
        Config {
            settings: self.bench.settings.clone(),
            workers: self.workers,
            preset: self.preset.selected,
        }
    }

    /// What the address bar holds: the configuration, with their results while the
    /// configuration is still theirs.
    pub fn address(&self) -> String {
        let config = self.link_config();
        let theirs = self.theirs.as_ref().filter(|t| t.config == config);
        share::encode(&Link {
            config,
            results: theirs.map(|t| t.results.clone()),
            timeline: theirs.and_then(|t| t.timeline.as_deref().cloned()),
        })
    }

    /// The link to share: the last sweep's configuration and results on `machine` when there
    /// are results, else the controls' configuration; with the timeline on show, if it is
    /// this page's own.
    pub fn share_link(&self, machine: Machine) -> Link {
        let points = summaries(&self.bench.measured);
        let timeline = self
            .timeline
            .as_ref()
            .filter(|t| !t.theirs)
            .map(|t| t.timeline.quantized());
        let (config, points) = match &self.bench.swept {
            Some(config) if !points.is_empty() => (config.clone(), points),
            _ => (self.link_config(), Vec::new()),
        };
        // What this page's predictions were made from, for the page that opens the link.
        let costs = self.sweep_costs(machine.cores());
        let results = (!points.is_empty() || timeline.is_some()).then_some(Results {
            machine,
            points,
            costs,
        });
        Link {
            config,
            results,
            timeline,
        }
    }

    /// Applies a decoded link's configuration. Worker counts above this page's maximum are
    /// lowered to it, and the notice says so.
    pub(super) fn apply_link(&mut self, link: Link) {
        let c = link.config;
        let max = self.max_workers;
        let mut lowered = Vec::new();
        if c.workers > max {
            lowered.push(format!("the quick run's {} workers", c.workers));
        }
        if c.settings.max_workers > max {
            lowered.push(format!("the sweep's {} workers", c.settings.max_workers));
        }
        self.workers = c.workers.min(max);
        self.preset.selected = c.preset;
        // 0 (the page's maximum) stays 0, so the configuration is still theirs.
        self.bench.settings = Settings {
            max_workers: c.settings.max_workers.min(max),
            ..c.settings.clone()
        };
        let moved = self.bench.keep_fault_in_range();
        let lowered = (!lowered.is_empty()).then(|| {
            format!(
                "This page runs at most {max} workers here (twice hardwareConcurrency, at least \
                 16), so {} will run with {max}.",
                lowered.join(" and ")
            )
        });
        let moved = moved.map(|m| format!("The link has {} tasks: {m}.", c.settings.tasks));
        self.notice = match (lowered, moved) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        };
        if let (Some(timeline), Some(results)) = (&link.timeline, &link.results) {
            self.timeline = Some(ShownTimeline {
                section: Section::Bench,
                title: format!(
                    "theirs — {}, measured in {} on {}",
                    timeline.mode.label(),
                    results.machine.browser,
                    results.machine.date
                ),
                timeline: Rc::new(timeline.clone()),
                workers: None,
                theirs: true,
            });
        }
        self.theirs = link
            .results
            .map(|results| Rc::new(Theirs::new(c, results, link.timeline.map(Rc::new))));
    }
}
