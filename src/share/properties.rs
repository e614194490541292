//! Property tests of the share-link codec: every valid link survives encode → decode unchanged,
//! and no input — random text, random bytes, or a valid link cut, flipped, spliced or padded —
//! makes the decoder panic or accept something it would not write: 120,000 cases; and links
//! beyond what a machine could have measured are refused naming the limit: 4,000 more; and what
//! predictions are made from, as a page measures it, travels in whole microseconds or stays out:
//! 300 more.

use crate::experiment::PresetId;
use crate::machine::{Date, Machine};
use crate::predict::Costs;
use crate::run::Mode;
use crate::settings::{
    self, BENCH_MODES, MAX_REPETITIONS, MAX_TASKS, SIZE_PERCENT, Settings, View, page_max_workers,
};
use crate::share::{
    Config, Link, MAX_BROWSER_CHARS, MAX_NS, Results, WORKER_NUMBERS, decode, decode_fields, encode,
};
use crate::sweep::{Point, PointSummary, Summary};
use crate::timeline::{Bar, Kind, Lane, Timeline};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// `usual` random cases, or at most `PROPTEST_CASES` where that is set: a mutation run
/// (`scripts/mutants.sh`) rebuilds and reruns these tests once per mutant and sets it.
fn cases(usual: u32) -> ProptestConfig {
    let cap = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    ProptestConfig::with_cases(cap.map_or(usual, |cap: u32| usual.min(cap)))
}

fn config(cores: usize) -> impl Strategy<Value = Config> {
    let page_max = page_max_workers(cores);
    (
        0..=settings::WORKLOAD.max,
        1..=MAX_TASKS,
        SIZE_PERCENT.min as u32..=SIZE_PERCENT.max as u32,
        subsequence(BENCH_MODES.to_vec(), 0..=BENCH_MODES.len()),
        1..=MAX_REPETITIONS,
        0..=page_max,
        prop::sample::select(vec![View::Time, View::Speedup, View::Efficiency]),
        1..=page_max,
        prop::sample::select(PresetId::ALL.to_vec()),
        "(?s).{0,300}",
    )
        .prop_map(
            |(
                workload,
                tasks,
                size_percent,
                modes,
                repetitions,
                max_workers,
                view,
                workers,
                preset,
                script,
            )| {
                // A link carries a script only when its workload is one.
                // A script holds text, tabs and newlines only (the decoder refuses the rest).
                let script = if workload == crate::settings::SCRIPT_WORKLOAD {
                    let text = |c: char| {
                        c == '\n' || crate::workloads::script::check_text(&c.to_string()).is_ok()
                    };
                    script.chars().filter(|&c| text(c)).collect()
                } else {
                    Settings::default().script
                };
                Config {
                    settings: Settings {
                        workload,
                        tasks,
                        size_percent,
                        modes,
                        repetitions,
                        max_workers,
                        view,
                        script,
                    },
                    workers,
                    preset,
                }
            },
        )
        // The decoder refuses sweeps too large for the shared memory, as the page does.
        .prop_filter("fits the run memory budget", |c| {
            c.settings.job().check_memory().is_ok()
        })
}

/// Times as a link carries them: whole nanoseconds up to an hour, ordered min ≤ median ≤ max.
fn summary(repetitions: usize) -> impl Strategy<Value = Summary> {
    (
        prop::collection::vec(0u64..=3_600_000_000_000, 3),
        1..=repetitions,
    )
        .prop_map(|(mut ns, samples)| {
            ns.sort_unstable();
            let ms = |n: u64| n as f64 / 1e6;
            Summary {
                min_ms: ms(ns[0]),
                median_ms: ms(ns[1]),
                max_ms: ms(ns[2]),
                samples,
            }
        })
}

fn results(config: &Config, cores: usize) -> impl Strategy<Value = Results> + use<> {
    let top = config
        .settings
        .top_workers(crate::settings::page_max_workers(cores));
    let mut points = vec![Point {
        mode: Mode::MainThread,
        workers: 1,
    }];
    for &mode in &config.settings.modes {
        points.extend((1..=top).map(|workers| Point { mode, workers }));
    }
    let reps = config.settings.repetitions;
    let tasks = config.settings.tasks;
    let script = config.settings.workload == crate::settings::SCRIPT_WORKLOAD;
    // What predictions are made from, in whole µs: never for a script, nor without a point.
    let us = || (0u64..10_000_000).prop_map(|us| us as f64 / 1000.0);
    // A few tasks' times, repeated over every task: generating a thousand of them per link
    // would make these tests slow.
    let costs = prop::option::of((prop::collection::vec((us(), us()), 1..=8), us(), us()))
        .prop_map(move |c| {
            c.filter(|_| !script).map(|(some, startup, message)| {
                let every = some.iter().copied().cycle().take(tasks).collect::<Vec<_>>();
                (every, startup, message)
            })
        });
    (
        subsequence(points.clone(), 0..=points.len().min(60)),
        "[A-Za-z0-9 ._()/-]{1,40}",
        any::<bool>(),
        (2000u16..=9999, 1u8..=12, 1u8..=28),
        // The calibration measures at most 2 × hardwareConcurrency workers.
        prop::option::of(1..=2 * cores),
        costs,
    )
        .prop_flat_map(
            move |(chosen, browser, isolated, (year, month, day), effective_cores, costs)| {
                let n = chosen.len();
                (
                    Just((chosen, costs)),
                    prop::collection::vec(summary(reps), n),
                    Just(Machine {
                        hardware_concurrency: cores,
                        browser,
                        cross_origin_isolated: isolated,
                        date: Date { year, month, day },
                        effective_cores,
                    }),
                )
            },
        )
        .prop_map(|((chosen, costs), summaries, machine)| {
            let mut points: Vec<PointSummary> = chosen
                .into_iter()
                .zip(summaries)
                .map(|(point, summary)| PointSummary { point, summary })
                .collect();
            // Costs as a page measures them: read from the serial point's run, so their tasks
            // add up to its time, and a worker's start-up above 0 where fresh pools ran.
            let fresh = points
                .iter()
                .any(|p| p.point.mode == Mode::Pool { reuse: false });
            let costs = costs.and_then(|(tasks, startup_ms, message_ms)| {
                let sum_us: u64 = tasks
                    .iter()
                    .map(|&(w, c)| ((w + c) * 1000.0).round() as u64)
                    .sum();
                let serial = points
                    .iter_mut()
                    .find(|p| p.point.mode == Mode::MainThread)?;
                // A point takes at most an hour.
                if sum_us == 0 || sum_us > MAX_NS / 1000 {
                    return None;
                }
                let ms = (sum_us * 1000) as f64 / 1e6;
                serial.summary.min_ms = ms;
                serial.summary.median_ms = ms;
                serial.summary.max_ms = ms;
                Some(Costs {
                    tasks,
                    cores: machine.cores(),
                    startup_ms: if fresh {
                        startup_ms.max(0.001)
                    } else {
                        startup_ms
                    },
                    message_ms,
                })
            });
            Results {
                costs,
                machine,
                points,
            }
        })
        // A sweep takes time: a page writes at least one median above 0 (the decoder refuses
        // results whose medians are all 0).
        .prop_filter("some median above 0", |r| {
            r.points.is_empty() || r.points.iter().any(|p| p.summary.median_ms > 0.0)
        })
}

/// A timeline as a link carries it: whole microseconds, lanes in worker order, bars of a lane
/// one after another.
fn timeline() -> impl Strategy<Value = Timeline> {
    let bar = (
        prop::sample::select(Kind::ALL.to_vec()),
        0i64..50_000,
        0i64..80_000,
        prop::option::of(0..MAX_TASKS),
    );
    let lane = prop::collection::vec(bar, 0..12);
    (
        prop::sample::select(Mode::ALL.to_vec()),
        0u64..3_600_000_000,
        prop::collection::btree_map(0..WORKER_NUMBERS, lane, 0..8),
        -3_600_000_000i64..3_600_000_000,
    )
        .prop_map(|(mode, elapsed_us, lanes, origin_us)| Timeline {
            mode,
            script: false,
            elapsed_ms: elapsed_us as f64 / 1000.0,
            lanes: lanes
                .into_iter()
                .map(|(worker, bars)| {
                    let mut at = origin_us.min(3_600_000_000 - 12 * 130_000);
                    let bars = bars
                        .into_iter()
                        .map(|(kind, gap, len, task)| {
                            let start = at + gap;
                            at = start + len;
                            Bar {
                                kind,
                                start_ms: start as f64 / 1000.0,
                                end_ms: at as f64 / 1000.0,
                                task,
                            }
                        })
                        .collect();
                    Lane { worker, bars }
                })
                .collect(),
        })
}

fn link() -> impl Strategy<Value = Link> {
    (1usize..=64)
        .prop_flat_map(|cores| (Just(cores), config(cores), any::<bool>()))
        .prop_flat_map(|(cores, config, with_results)| {
            let results = if with_results {
                results(&config, cores).prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (Just(config), results, prop::option::of(timeline()))
        })
        .prop_map(|(config, results, timeline)| Link {
            // A link's timeline is a script's when its workload is, and its bars' tasks are the
            // sweep's.
            timeline: timeline.filter(|_| results.is_some()).map(|t| Timeline {
                script: config.settings.workload == crate::settings::SCRIPT_WORKLOAD,
                lanes: (t.lanes.into_iter())
                    .map(|lane| Lane {
                        bars: (lane.bars.into_iter())
                            .map(|b| Bar {
                                task: b.task.map(|i| i % config.settings.tasks),
                                ..b
                            })
                            .collect(),
                        ..lane
                    })
                    .collect(),
                ..t
            }),
            config,
            results,
        })
}

/// What can happen to a link on its way: cut short, a character changed, dropped or added,
/// two links spliced, text appended.
#[derive(Clone, Debug)]
enum Damage {
    Truncate(usize),
    Replace(usize, char),
    Remove(usize),
    Insert(usize, char),
    Splice(usize, String),
    Append(String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| Damage::Replace(i, c)),
        any::<usize>().prop_map(Damage::Remove),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| Damage::Insert(i, c)),
        (any::<usize>(), "[A-Za-z0-9_-]{0,40}").prop_map(|(i, s)| Damage::Splice(i, s)),
        ".{0,40}".prop_map(Damage::Append),
    ]
}

fn apply(text: &str, damages: &[Damage]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for d in damages {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match d {
            Damage::Truncate(i) => chars.truncate(at(*i, chars.len() + 1)),
            Damage::Replace(i, c) if !chars.is_empty() => {
                let i = at(*i, chars.len());
                chars[i] = *c;
            }
            Damage::Remove(i) if !chars.is_empty() => {
                chars.remove(at(*i, chars.len()));
            }
            Damage::Insert(i, c) => chars.insert(at(*i, chars.len() + 1), *c),
            Damage::Splice(i, s) => {
                let i = at(*i, chars.len() + 1);
                chars.splice(i..i, s.chars());
            }
            Damage::Append(s) => chars.extend(s.chars()),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Whatever the decoder accepts is a link it could have written: writing it again gives a
/// link that reads back the same.
fn accepted_is_canonical(link: &Link) {
    assert_eq!(decode(&encode(link)).as_ref(), Ok(link));
    if let Some(r) = &link.results {
        assert!(r.machine.browser.chars().count() <= MAX_BROWSER_CHARS);
        assert!(
            r.machine
                .effective_cores
                .is_none_or(|c| c <= 2 * r.machine.hardware_concurrency)
        );
        assert!(r.points.is_empty() || r.points.iter().any(|p| p.summary.median_ms > 0.0));
        for p in &r.points {
            assert!(p.summary.min_ms <= p.summary.median_ms);
            assert!(p.summary.median_ms <= p.summary.max_ms);
        }
    }
}

proptest! {
    #![proptest_config(cases(20_000))]

    #[test]
    fn every_valid_link_survives_the_round_trip(link in link()) {
        let text = encode(&link);
        prop_assert_eq!(decode(&format!("#{text}")), Ok(link));
    }

    #[test]
    fn damaged_links_are_refused_or_read_as_a_valid_link(
        link in link(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        if let Ok(read) = decode(&apply(&encode(&link), &damages)) {
            accepted_is_canonical(&read);
        }
    }
}

proptest! {
    #![proptest_config(cases(40_000))]

    #[test]
    fn random_text_never_panics(text in "(#?v1\\.)?[A-Za-z0-9_=<>&;#-]{0,200}|.{0,200}") {
        if let Ok(read) = decode(&text) {
            accepted_is_canonical(&read);
        }
    }

    /// Under the checksum: random and bit-flipped field bytes reach every check of the decoder.
    #[test]
    fn random_and_flipped_field_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..120),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        seed in link(),
    ) {
        for input in [bytes.clone(), {
            let text = encode(&seed);
            let mut fields = base64_fields(&text);
            for (i, x) in &flips {
                if !fields.is_empty() {
                    let i = i % fields.len();
                    fields[i] ^= x;
                }
            }
            fields
        }] {
            if let Ok(read) = decode_fields(&input) {
                accepted_is_canonical(&read);
            }
        }
    }
}

/// The field bytes of an encoded link: base64url after `v1.`, less the 4-byte checksum.
fn base64_fields(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body = text.strip_prefix("v1.").expect("a version-1 link");
    let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .expect("encode writes base64url");
    bytes.truncate(bytes.len() - 4);
    bytes
}

/// A valid link with results of at least one point.
fn measured_link() -> impl Strategy<Value = Link> {
    link().prop_filter("with measured points", |l| {
        l.results.as_ref().is_some_and(|r| !r.points.is_empty())
    })
}

proptest! {
    #![proptest_config(cases(2_000))]

    /// The calibration measures at most 2 × hardwareConcurrency workers, so a link claiming
    /// more effective cores is refused, naming the field and its limit.
    #[test]
    fn more_effective_cores_than_twice_hardware_concurrency_are_refused(
        mut link in measured_link(),
        extra in 1usize..=1024,
    ) {
        let machine = &mut link.results.as_mut().expect("results").machine;
        let limit = 2 * machine.hardware_concurrency;
        machine.effective_cores = Some(limit + extra);
        let why = decode(&encode(&link)).expect_err("refused").to_string();
        prop_assert!(
            why.contains("effective cores") && why.contains(&format!("between 1 and {limit}")),
            "{}",
            why
        );
    }

    /// Results whose medians are all 0 are refused, naming the limit.
    #[test]
    fn results_whose_medians_are_all_zero_are_refused(mut link in measured_link()) {
        for p in &mut link.results.as_mut().expect("results").points {
            p.summary.min_ms = 0.0;
            p.summary.median_ms = 0.0;
        }
        let why = decode(&encode(&link)).expect_err("refused").to_string();
        prop_assert!(why.contains("0 ns"), "{}", why);
    }
}

proptest! {
    // Each case encodes up to a thousand tasks' costs: fewer cases.
    #![proptest_config(cases(300))]

    /// Costs as a page measures them (fractions of a microsecond, below 0, not a number, past
    /// the hour) travel as `Costs::quantized`, or stay out of the link where a time is past the
    /// hour a decoder accepts.
    #[test]
    fn measured_costs_travel_in_whole_microseconds_or_stay_out(
        mut link in measured_link().prop_filter("a built-in workload", |l| {
            l.config.settings.workload != crate::settings::SCRIPT_WORKLOAD
        }),
        times in prop::collection::vec(
            prop_oneof![
                8 => -1.0f64..4e6,
                1 => Just(f64::NAN),
                1 => Just(f64::INFINITY),
                1 => 3.6e6f64..3.6e6 + 0.01,
            ],
            2 * MAX_TASKS + 2,
        ),
    ) {
        let results = link.results.as_mut().expect("results");
        let tasks = link.config.settings.tasks;
        let costs = Costs {
            tasks: times.chunks(2).take(tasks).map(|p| (p[0], p[1])).collect(),
            cores: results.machine.cores(),
            startup_ms: times[2 * MAX_TASKS],
            message_ms: times[2 * MAX_TASKS + 1],
        };
        results.costs = Some(costs.clone());
        let back = decode(&encode(&link)).expect("a link its encoder wrote");
        let q = costs.quantized();
        let hour = MAX_NS as f64 / 1e6;
        let travels = (q.tasks.iter().flat_map(|&(w, c)| [w, c]))
            .chain([q.startup_ms, q.message_ms])
            .all(|ms| ms <= hour);
        // A link too long with them leaves them out too (after its timeline).
        let fits = {
            let mut l = link.clone();
            l.timeline = None;
            l.results.as_mut().expect("results").costs = Some(q.clone());
            super::encode_all(&l).len() <= super::MAX_LINK_CHARS
        };
        // Costs that contradict the link's own points stay out too.
        let agree = super::agree_with_their_points(&q, link.results.as_ref().expect("results")).is_ok();
        prop_assert_eq!(
            back.results.expect("results").costs,
            (travels && fits && agree).then_some(q)
        );
    }
}

/// A way a link can contradict itself, which the decoder must refuse naming what is wrong.
#[derive(Clone, Debug)]
enum Breach {
    /// Its tasks took no time at all.
    ZeroCosts,
    /// Its tasks add up to far more than its serial point took.
    CostsPastTheSerialPoint(u32),
    /// Costs without the serial point they were read from.
    NoSerialPoint,
    /// Fresh pools measured, yet a worker starts in no time.
    NoStartUp,
    /// A control character, or a bidirectional override, in its script.
    ControlCharacter(char, usize),
    /// A timeline bar whose task is not one of the sweep's.
    StrangeTask(usize),
}

fn breach() -> impl Strategy<Value = Breach> {
    prop_oneof![
        Just(Breach::ZeroCosts),
        (3u32..1000).prop_map(Breach::CostsPastTheSerialPoint),
        Just(Breach::NoSerialPoint),
        Just(Breach::NoStartUp),
        (
            prop::sample::select(vec![
                '\0', '\u{1b}', '\r', '\u{7f}', '\u{85}', '\u{202e}', '\u{2066}'
            ]),
            any::<usize>()
        )
            .prop_map(|(c, at)| Breach::ControlCharacter(c, at)),
        (0usize..5).prop_map(Breach::StrangeTask),
    ]
}

/// `link` broken by `breach`, and the words its refusal must have; `None` where the link has no
/// place for it (no costs, no fresh pool, no script, no timeline).
fn broken(mut link: Link, breach: &Breach) -> Option<(Link, &'static str)> {
    let tasks = link.config.settings.tasks;
    let results = link.results.as_mut()?;
    let said = match breach {
        Breach::ZeroCosts => {
            let costs = results.costs.as_mut()?;
            costs.tasks.iter_mut().for_each(|t| *t = (0.0, 0.0));
            "took no time"
        }
        Breach::CostsPastTheSerialPoint(times) => {
            let serial = results
                .points
                .iter()
                .find(|p| p.point.mode == Mode::MainThread)?
                .summary;
            let costs = results.costs.as_mut()?;
            // Every task as long as the serial point's slowest run, times a factor.
            let each = ((2.0 * serial.max_ms + 3.0) * f64::from(*times))
                .round()
                .min(3_600_000.0);
            costs.tasks.iter_mut().for_each(|t| *t = (0.0, each));
            // Where an hour a task cannot reach past twice the point's slowest run, no breach.
            if each * costs.tasks.len() as f64 <= 2.0 * serial.max_ms + 2.0 {
                return None;
            }
            "add up to"
        }
        Breach::NoSerialPoint => {
            results.costs.as_ref()?;
            results.points.retain(|p| p.point.mode != Mode::MainThread);
            if results.points.is_empty() {
                return None;
            }
            "not the serial point"
        }
        Breach::NoStartUp => {
            if !results
                .points
                .iter()
                .any(|p| p.point.mode == Mode::Pool { reuse: false })
            {
                return None;
            }
            results.costs.as_mut()?.startup_ms = 0.0;
            "starts in 0 µs"
        }
        Breach::ControlCharacter(c, at) => {
            if link.config.settings.workload != crate::settings::SCRIPT_WORKLOAD {
                return None;
            }
            let script = &mut link.config.settings.script;
            let chars: Vec<char> = script.chars().collect();
            let at = at % (chars.len() + 1);
            *script = chars[..at].iter().chain([c]).chain(&chars[at..]).collect();
            "the script has the character U+"
        }
        Breach::StrangeTask(past) => {
            let bar = link
                .timeline
                .as_mut()?
                .lanes
                .iter_mut()
                .flat_map(|l| &mut l.bars)
                .next()?;
            // A number the wire can carry (under the most tasks a link may have), past the
            // sweep's own; a sweep of the most tasks has no such number.
            let task = (tasks + past).min(crate::settings::MAX_TASKS - 1);
            if task < tasks {
                return None;
            }
            bar.task = Some(task);
            "a timeline bar's task number"
        }
    };
    Some((link, said))
}

proptest! {
    #![proptest_config(cases(1_000))]

    /// A link that contradicts itself (costs of no time, or far from its serial point, or
    /// without it; no start-up where fresh pools ran; control characters in its script; a
    /// timeline bar of a task the sweep has not got) is refused, naming what is wrong, however
    /// it was written.
    #[test]
    fn links_that_contradict_themselves_are_refused_naming_the_field(
        link in link(),
        breach in breach(),
    ) {
        if let Some((link, said)) = broken(link, &breach) {
            let why = decode(&super::encode_all(&link)).expect_err("refused").to_string();
            prop_assert!(why.contains(said), "{:?}: {}", breach, why);
        }
    }
}
