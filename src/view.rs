//! What the bench shows, worked out from the state: the chart's sets (this page's sweep and a
//! link's), what theory predicts for each, the sentences the fits and predictions write, the
//! chart's name in words and its axis. The page draws it and the export draws the same view,
//! so a saved chart is the chart on the page.

use crate::chart::{self, Caption, Drawn, Frame, LegendItem, Set};
use crate::fits;
use crate::settings::View;
use crate::state::State;
use crate::sweep;

/// The bench's chart and the notes under it.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchView {
    pub view: View,
    /// This page's sweep first, then a link's.
    pub sets: Vec<Set>,
    /// The worker axis runs from 1 to this: the larger of the two sweeps' tops.
    pub max_workers: usize,
    /// What the predictions say against what was measured.
    pub prediction_notes: Vec<String>,
    /// What each Amdahl fit says, and what happened past the cores.
    pub fit_notes: Vec<String>,
    /// The chart in words: its accessible name.
    pub label: String,
}

/// The plot's size on a phone and elsewhere, and in an exported file (where the caption and
/// the legend add to its height): a phone's chart is drawn at about its column's width, so
/// its text stays at 12 px or more.
pub const NARROW_SIZE: (u32, u32) = (320, 300);
pub const WIDE_SIZE: (u32, u32) = (900, 460);

impl BenchView {
    pub fn of(state: &State) -> Self {
        let b = &state.bench;
        let view = b.settings.view;
        let mine = sweep::summaries(&b.measured);
        let theirs = state.theirs.as_ref();
        let their_top = theirs.map_or(1, |t| t.top_workers());
        let max_workers = b.plan.as_ref().map_or(1, |p| p.max_workers).max(their_top);
        let mut sets = Vec::new();
        let (mut prediction_notes, mut fit_notes) = (Vec::new(), Vec::new());
        if let (Some(plan), false) = (&b.plan, mine.is_empty()) {
            // Predicted once this page's serial baseline has run (kept in the state).
            let predicted = b.predicted.clone();
            let whose = theirs.map(|_| "mine");
            if let Some(p) = &predicted {
                prediction_notes.extend(p.notes(&mine, whose));
            }
            fit_notes.extend(fits::notes(
                &mine,
                &plan.modes,
                state.hardware_concurrency,
                plan.job.tasks,
                whose,
            ));
            sets.push(Set {
                whose,
                dashed: false,
                cores_marker: true,
                points: mine,
                modes: plan.modes.clone(),
                cores: state.hardware_concurrency,
                predicted,
            });
        }
        if let Some(t) = theirs {
            let cores = t.results.machine.hardware_concurrency;
            let settings = &t.config.settings;
            // Redrawn from what their link carries, when it was opened.
            let predicted = t.predicted.clone();
            if let Some(p) = &predicted {
                prediction_notes.extend(p.notes(&t.results.points, Some("theirs")));
            }
            fit_notes.extend(fits::notes(
                &t.results.points,
                &settings.modes,
                cores,
                settings.tasks,
                Some("theirs"),
            ));
            sets.push(Set {
                whose: Some("theirs"),
                dashed: true,
                cores_marker: sets.is_empty() || cores != state.hardware_concurrency,
                points: t.results.points.clone(),
                modes: settings.modes.clone(),
                cores,
                predicted,
            });
        }
        let mut words = vec![view.chart_title()];
        words.extend(sets.iter().map(|set| {
            let summary = sweep::chart_summary(&set.points, &set.modes);
            match set.whose {
                Some(whose) => format!("{whose}: {summary}"),
                None => summary,
            }
        }));
        BenchView {
            view,
            sets,
            max_workers,
            prediction_notes,
            fit_notes,
            label: words.join(". "),
        }
    }

    /// Nothing to chart yet.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The chart as the page shows it: scaled to the column, named by [`label`](Self::label)
    /// and described by the element with id `described_by`.
    pub fn page_chart(&self, narrow: bool, described_by: &str) -> Result<Drawn, String> {
        self.draw(Frame {
            size: if narrow { NARROW_SIZE } else { WIDE_SIZE },
            caption: None,
            fit: true,
            name: Some((&self.label, described_by)),
        })
    }

    /// The chart as a file: the page's wide chart at its pixel size, under `caption`.
    pub fn file_chart(&self, caption: &Caption) -> Result<Drawn, String> {
        self.draw(Frame {
            size: WIDE_SIZE,
            caption: Some(caption),
            fit: false,
            name: None,
        })
    }

    fn draw(&self, frame: Frame) -> Result<Drawn, String> {
        chart::render(&self.sets, self.view, self.max_workers, frame)
    }

    /// The legend in rows, which the page lists under a phone's chart.
    pub fn legend(&self) -> Vec<Vec<LegendItem>> {
        chart::legend(&self.sets, self.view, self.max_workers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Machine;
    use crate::run::Mode;
    use crate::run::{RawRun, TaskRecord};
    use crate::state::Action;
    use crate::sweep::Point;
    use crate::timeline::Timeline;

    /// The action a page takes on arriving at `fragment`.
    fn open_link(fragment: impl AsRef<str>) -> Action {
        Action::OpenLink(crate::share::decode(fragment.as_ref()))
    }

    const SHARED: Mode = Mode::Shared { gil: false };

    /// A page with `cores` that swept 10 tasks of 10 ms serially (with its timeline, which
    /// predictions are made from) and on shared memory at 1 and 2 workers.
    fn swept(cores: usize) -> State {
        let mut s = State::new(cores, true, true);
        s.apply(Action::SetBenchTasks(10));
        let plan = s.bench_plan();
        let serial = RawRun {
            records: (0..10)
                .map(|i| TaskRecord::new(i, 0, 10.0 * i as f64, 10.0 * (i + 1) as f64))
                .collect(),
            elapsed_ms: 100.0,
            ..Default::default()
        };
        let serial = Timeline::of(Mode::MainThread, &plan.job, &serial);
        s.apply(Action::SweepStarted(plan));
        for (mode, workers, ms, timeline) in [
            (Mode::MainThread, 1, 100.0, Some(serial)),
            (SHARED, 1, 101.0, None),
            (SHARED, 2, 52.0, None),
        ] {
            s.apply(Action::Sampled {
                point: Point { mode, workers },
                elapsed_ms: ms,
                result: "[1]".into(),
                timeline,
            });
        }
        s.apply(Action::SweepFinished {
            cancelled: false,
            responsiveness: None,
        });
        s
    }

    /// A link to a sweep made on a page with `cores`.
    fn theirs(cores: usize) -> String {
        let machine = Machine {
            hardware_concurrency: cores,
            browser: "Firefox 140".into(),
            cross_origin_isolated: true,
            date: crate::machine::Date {
                year: 2026,
                month: 11,
                day: 22,
            },
            effective_cores: None,
        };
        crate::share::encode(&swept(cores).share_link(machine))
    }

    /// What the SVG's group of class `name` draws, without where the group is placed.
    fn group<'a>(svg: &'a str, name: &str) -> &'a str {
        let start = svg.find(&format!("<g class=\"{name}\"")).expect(name);
        let rest = &svg[start..];
        let rest = &rest[rest.find('>').unwrap() + 1..];
        &rest[..rest.find("<g class=").unwrap_or(rest.len())]
    }

    #[test]
    fn a_fresh_page_has_nothing_to_chart() {
        let view = BenchView::of(&State::new(4, true, true));
        assert!(view.is_empty());
        assert!(view.prediction_notes.is_empty() && view.fit_notes.is_empty());
        assert_eq!(view.max_workers, 1);
    }

    #[test]
    fn a_sweep_charts_its_modes_with_predictions_and_names_the_chart() {
        let s = swept(2);
        let view = BenchView::of(&s);
        assert_eq!(view.sets.len(), 1);
        let set = &view.sets[0];
        assert_eq!(
            (set.whose, set.dashed, set.cores_marker),
            (None, false, true)
        );
        assert_eq!(set.modes, s.bench.plan.as_ref().unwrap().modes);
        assert!(
            set.predicted.is_some(),
            "predicted from the serial baseline"
        );
        assert!(!view.prediction_notes.is_empty());
        assert_eq!(view.max_workers, s.bench_max_workers());
        assert!(
            view.label.starts_with(&View::Time.chart_title()),
            "{}",
            view.label
        );
        assert!(
            view.label
                .contains(&sweep::chart_summary(&set.points, &set.modes))
        );
    }

    #[test]
    fn a_links_sweep_is_drawn_dashed_beside_mine_with_its_own_cores_marker() {
        let mut s = swept(2);
        s.apply(open_link(theirs(12)));
        let view = BenchView::of(&s);
        let whose: Vec<_> = view
            .sets
            .iter()
            .map(|s| (s.whose, s.dashed, s.cores_marker))
            .collect();
        assert_eq!(
            whose,
            [(Some("mine"), false, true), (Some("theirs"), true, true)]
        );
        // The axis reaches their page's maximum, twice their 12 cores, past mine (16).
        assert_eq!((s.bench_max_workers(), view.max_workers), (16, 24));
        assert!(view.label.contains("mine: ") && view.label.contains("theirs: "));
        // The same cores as mine: one marker is enough.
        let mut s = swept(2);
        s.apply(open_link(theirs(2)));
        assert!(!BenchView::of(&s).sets[1].cores_marker);
    }

    #[test]
    fn the_exported_chart_draws_the_pages_series_predictions_and_legend() {
        let mut s = swept(2);
        s.apply(open_link(theirs(8)));
        let view = BenchView::of(&s);
        let page = view.page_chart(false, "sweep-table").unwrap().svg;
        let caption = Caption {
            title: "a title".into(),
            lines: vec!["a line".into()],
        };
        let file = view.file_chart(&caption).unwrap().svg;
        assert_eq!(group(&page, "plot"), group(&file, "plot"));
        assert_eq!(group(&page, "legend"), group(&file, "legend"));
        let plot = group(&file, "plot");
        // Predicted lines are drawn 1 px dashed 2/3 in their mode's colour.
        assert!(
            plot.contains("stroke-width=\"1\" stroke-dasharray=\"2 3\""),
            "{plot}"
        );
        assert!(group(&file, "legend").contains(">predicted<"));
        assert!(file.contains(">a title<") && file.contains(">a line<"));
    }

    #[test]
    fn the_page_names_its_chart_and_the_file_does_not() {
        let view = BenchView::of(&swept(2));
        let page = view.page_chart(true, "sweep-table").unwrap().svg;
        let head = &page[..page.find('>').unwrap()];
        assert!(head.contains("role=\"img\""), "{head}");
        assert!(
            head.contains(&format!("aria-label=\"{}\"", chart::escape(&view.label))),
            "{head}"
        );
        assert!(head.contains("aria-describedby=\"sweep-table\""), "{head}");
        let file = view
            .file_chart(&Caption {
                title: "t".into(),
                lines: vec![],
            })
            .unwrap()
            .svg;
        assert!(!file[..file.find('>').unwrap()].contains("aria-label"));
        // A phone's chart leaves its legend to the page.
        assert!(!page.contains("<g class=\"legend\""));
        assert!(!view.legend().is_empty());
    }
}
