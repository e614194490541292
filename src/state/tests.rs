use super::*;

/// The action a page takes on arriving at `fragment`.
fn open_link(fragment: impl AsRef<str>) -> Action {
    Action::OpenLink(crate::share::decode(fragment.as_ref()))
}

#[test]
fn the_pool_says_how_many_threads_it_has_and_may_start() {
    let ready = PoolStatus::Ready {
        threads: 2,
        most: 16,
    };
    assert_eq!(
        ready.describe(2),
        "ready, 2 threads; up to 16 start when a run needs more than 2"
    );
    assert_eq!(
        ready.describe(0),
        ready.describe(2),
        "before the count arrives"
    );
    assert_eq!(ready.describe(16), "ready, 16 threads");
    let whole = PoolStatus::Ready {
        threads: 16,
        most: 16,
    };
    assert_eq!(whole.describe(16), "ready, 16 threads");
}
use crate::run::{CheckedRun, RawRun, RunError, TaskRecord};
use crate::workloads::Value;

#[test]
fn a_fault_is_injected_only_on_a_task_the_job_has_and_never_mid_run() {
    use crate::workloads::FaultKind;
    let mut s = State::new(4, true, true);
    let fault = |task| {
        Some(Fault {
            task,
            kind: FaultKind::Trap,
        })
    };
    s.apply(Action::SetFault(fault(9)));
    assert_eq!(s.bench.job().fault, fault(9));
    s.apply(Action::SetFault(fault(10)));
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("the failing task must be between 0 and 9"),
        "{:?}",
        s.notice
    );
    assert_eq!(s.bench.fault, fault(9), "kept the old value");
    // Fewer tasks: the last one fails, and the control shows it.
    s.apply(Action::SetBenchTasks(3));
    assert_eq!(s.bench.job().fault, fault(2));
    assert_eq!(s.bench.fault, fault(2));
    s.running = true;
    s.apply(Action::SetFault(None));
    s.apply(Action::SetFaultTask("1".into()));
    assert_eq!(s.bench.fault, fault(2), "unchanged while running");
    s.running = false;
    s.apply(Action::SetFault(None));
    assert_eq!(s.bench.job().fault, None);
    assert_eq!(
        s.link_config().settings.job().fault,
        None,
        "a link never carries a fault"
    );
}

fn trap_on(task: usize) -> Option<Fault> {
    Some(Fault {
        task,
        kind: crate::workloads::FaultKind::Trap,
    })
}

#[test]
fn a_typed_failing_task_is_taken_only_if_the_bench_has_it_and_refusals_name_the_range() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SetFaultTask("3".into()));
    assert_eq!(s.bench.fault, None);
    assert!(
        s.notice.take().expect("a notice").contains("choose how"),
        "no task without a fault kind"
    );
    s.apply(Action::SetFault(trap_on(0)));
    s.apply(Action::SetFaultTask(" 2 ".into()));
    assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(2), None));
    for (typed, got) in [
        ("-3", "got \"-3\""),
        ("10", "got \"10\""),
        ("12345678901234567890", "got \"12345678901234567890\""),
        ("4294967295", "got \"4294967295\""),
        ("2.5", "got \"2.5\""),
        ("", "got no number"),
        (&"9".repeat(40), "got \"999999999999999999999999…\""),
    ] {
        s.apply(Action::SetFaultTask(typed.into()));
        assert_eq!(s.bench.fault, trap_on(2), "{typed:?} keeps the old task");
        let notice = s.notice.take().expect("a notice");
        assert!(
            notice.contains("a whole number from 0 to 9")
                && notice.contains(got)
                && notice.ends_with("kept task 2"),
            "{typed:?}: {notice}"
        );
    }
    s.apply(Action::SetFaultTask("9".into()));
    assert_eq!(s.bench.job().fault, trap_on(9));
}

#[test]
fn fewer_tasks_than_the_failing_task_move_it_to_the_last_task_saying_so() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SetFault(trap_on(9)));
    s.apply(Action::SetBenchTasks(4));
    assert_eq!(s.bench.settings.tasks, 4);
    assert_eq!(
        s.bench.fault,
        trap_on(3),
        "the control shows the task that fails"
    );
    assert_eq!(s.bench.job().fault, trap_on(3));
    let notice = s.notice.take().expect("a notice");
    assert!(
        notice.contains("task 3, the last of 4") && notice.contains("task 9"),
        "{notice}"
    );
    s.apply(Action::SetBenchTasks(20));
    assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(3), None));
    // A refused task count moves nothing.
    s.apply(Action::SetBenchTasks(0));
    assert_eq!((s.bench.settings.tasks, s.bench.fault), (20, trap_on(3)));
    // Nor does a count that still has the task.
    s.apply(Action::SetBenchTasks(4));
    assert_eq!((s.bench.fault, s.notice.clone()), (trap_on(3), None));
    // A link's task count moves it the same way (links never carry the fault itself).
    s.apply(Action::SetFault(trap_on(3)));
    let mut sender = State::new(2, true, true);
    sender.apply(Action::SetBenchTasks(2));
    s.apply(open_link(share::encode(&sender.share_link(machine(2)))));
    assert_eq!((s.bench.settings.tasks, s.bench.fault), (2, trap_on(1)));
    let notice = s.notice.expect("a notice");
    assert!(
        notice.contains("The link has 2 tasks") && notice.contains("task 1, the last of 2"),
        "{notice}"
    );
}

#[test]
fn a_link_opened_during_a_run_is_applied_when_the_run_ends() {
    let mut sender = State::new(2, true, true);
    sender.apply(Action::SetBenchTasks(7));
    let link = share::encode(&sender.share_link(machine(2)));
    let ends: [(Action, Action); 3] = [
        (
            Action::RunStarted,
            Action::RunFinished {
                responsiveness: None,
            },
        ),
        (
            Action::SweepStarted(State::new(2, true, true).bench_plan()),
            Action::SweepFinished {
                cancelled: true,
                responsiveness: None,
            },
        ),
        (
            Action::CalibrationStarted,
            Action::CalibrationFinished(Err("cancelled".into())),
        ),
    ];
    for (start, end) in ends {
        let mut s = State::new(2, true, true);
        s.apply(start);
        s.apply(open_link(link.clone()));
        assert_eq!(s.bench.settings.tasks, 10, "nothing changes mid-run");
        assert!(s.pending_link.is_some());
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("will be opened when the run finishes")
        );
        s.apply(end);
        assert!(!s.running);
        assert_eq!(s.bench.settings.tasks, 7, "applied at the end");
        assert_eq!(s.pending_link, None);
        assert_eq!(s.address(), link, "the address bar shows the link applied");
        assert!(
            s.notice
                .as_deref()
                .expect("a notice")
                .contains("the link from the address bar is open now")
        );
    }
    // A broken link during a run is refused at once, and drops one waiting.
    let mut s = State::new(2, true, true);
    s.apply(Action::RunStarted);
    s.apply(open_link(link.clone()));
    s.apply(open_link("#v1.AAAA"));
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .starts_with("This link could not be opened")
    );
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    assert_eq!(s.bench.settings.tasks, 10);
}

#[test]
fn an_isolated_page_starts_its_pool_and_a_plain_one_says_why_not() {
    assert_eq!(State::new(4, true, true).pool, PoolStatus::Starting);
    let plain = State::new(4, false, true);
    assert!(matches!(plain.pool, PoolStatus::Unavailable(_)));
    assert!(
        plain
            .unavailable_reason(Mode::Shared { gil: false })
            .expect("unavailable")
            .contains("Cross-Origin-Opener-Policy")
    );
    assert!(
        plain
            .unavailable_reason(Mode::Pool { reuse: true })
            .is_some()
    );
    assert_eq!(plain.unavailable_reason(Mode::MainThread), None);
}

#[test]
fn the_single_threaded_build_leaves_shared_memory_out_and_keeps_isolated_workers() {
    let s = State::new(4, false, false);
    assert!(
        matches!(&s.pool, PoolStatus::Unavailable(why) if why.contains("single-threaded build"))
    );
    for mode in [Mode::Shared { gil: false }, Mode::Shared { gil: true }] {
        assert!(s.is_off(mode));
        assert!(s.unavailable_reason(mode).expect("off").starts_with("off:"));
    }
    assert_eq!(s.unavailable_reason(Mode::Pool { reuse: true }), None);
    assert_eq!(s.unavailable_reason(Mode::MainThread), None);
    assert_eq!(s.bench_plan().modes, [Mode::Pool { reuse: true }]);
    assert!(!State::new(4, true, true).is_off(Mode::Shared { gil: true }));
}

#[test]
fn workers_range_from_one_to_twice_the_cores_or_sixteen() {
    assert_eq!(State::new(2, true, true).max_workers, 16);
    assert_eq!(State::new(12, true, true).max_workers, 24);
    let mut s = State::new(2, true, true);
    s.apply(Action::SetWorkers(16));
    assert_eq!(s.workers, 16);
    s.apply(Action::SetWorkers(0));
    assert_eq!(s.workers, 16, "an out-of-range value keeps the old one");
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .contains("between 1 and 16")
    );
    s.apply(Action::SetWorkers(1_000_000));
    assert_eq!(s.workers, 16);
    s.apply(Action::SetWorkers(1));
    assert_eq!((s.workers, s.notice.clone()), (1, None));
    s.apply(Action::RunStarted);
    s.apply(Action::SetWorkers(4));
    assert_eq!(s.workers, 1, "the run's worker count holds while it runs");
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .contains("wait for the run to finish")
    );
}

#[test]
fn zero_reported_cores_count_as_one() {
    assert_eq!(State::new(0, true, true).hardware_concurrency, 1);
}

fn gap(ms: f64) -> Responsiveness {
    Responsiveness {
        longest_gap_ms: ms,
        ..Responsiveness::default()
    }
}

fn done(mode: Mode) -> Outcome {
    let run = RawRun {
        results: vec![Value::Int(11)],
        records: vec![TaskRecord {
            index: 0,
            worker: 0,
            start_ms: 0.0,
            end_ms: 3.0,
            gil_wait_ms: 0.0,
            held: Vec::new(),
        }],
        elapsed_ms: 3.0,
        startup_ms: None,
        messaging_ms: None,
        page_total: 0,
        ..RawRun::default()
    };
    Ok(Rc::new(CheckedRun {
        mode,
        workers: 1,
        run,
        total: None,
    }))
}

#[test]
fn a_run_resets_rows_then_fills_them() {
    let main = Mode::MainThread;
    let mut s = State::new(2, true, true);
    s.apply(Action::PoolReady {
        threads: 4,
        most: 16,
    });
    assert_eq!(s.unavailable_reason(Mode::Shared { gil: true }), None);
    s.apply(Action::RunStarted);
    assert!(s.running);
    s.apply(Action::EngineStarted(main));
    assert_eq!(s.status(main), Some(&EngineStatus::Running));
    s.apply(Action::EngineFinished {
        mode: main,
        outcome: done(main),
    });
    assert_eq!(s.status(main), Some(&EngineStatus::Done(done(main))));
    s.apply(Action::RunFinished {
        responsiveness: Some(gap(7.0)),
    });
    assert!(!s.running);
    assert_eq!(s.responsiveness, Some(gap(7.0)));
    s.apply(Action::RunStarted);
    assert_eq!(s.status(main), Some(&EngineStatus::NotRun));
}

#[test]
fn a_preset_run_fills_its_steps_and_locks_the_picker() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SelectPreset(PresetId::GilThreads));
    let steps = s.preset_steps(Scale::Quick);
    assert_eq!(steps.len(), 5);
    s.apply(Action::PresetStarted(steps));
    s.apply(Action::SelectPreset(PresetId::QueueOrder));
    assert_eq!(
        s.preset.selected,
        PresetId::GilThreads,
        "the preset cannot change mid-run"
    );
    assert!(s.notice.is_some());
    s.apply(Action::StepStarted(1));
    assert_eq!(s.preset.running, Some(1));
    s.apply(Action::StepFinished(1, done(Mode::Shared { gil: true })));
    s.apply(Action::StepFinished(99, done(Mode::MainThread)));
    assert!(s.preset.results[1].is_some() && s.preset.results[0].is_none());
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    assert_eq!((s.running, s.preset.running), (false, None));
}

#[test]
fn the_lessons_show_the_last_run_of_the_selected_preset_else_its_plan() {
    let mut s = State::new(2, true, true);
    let plan = s.preset_steps(Scale::Full);
    assert_eq!(s.shown_preset(), (plan.clone(), vec![None; plan.len()]));
    assert_eq!(s.preset_progress(&plan), "");
    s.apply(Action::PresetStarted(plan.clone()));
    s.apply(Action::StepStarted(1));
    assert_eq!(
        s.preset_progress(&plan),
        format!("step 2 of {}: {}", plan.len(), plan[1].label)
    );
    s.apply(Action::StepFinished(1, done(plan[1].mode)));
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    assert_eq!(s.preset_progress(&plan), "", "nothing runs now");
    let (steps, results) = s.shown_preset();
    assert_eq!(steps, plan);
    assert!(results[1].is_some() && results[0].is_none());
    s.apply(Action::SelectPreset(PresetId::CpuBound));
    let other = s.preset_steps(Scale::Full);
    assert_eq!(s.shown_preset(), (other.clone(), vec![None; other.len()]));
}

#[test]
fn the_effective_cores_say_how_they_are_measured_until_they_are() {
    assert!(
        Calibration::NotRun
            .describe(2)
            .starts_with("not measured: runs a fixed CPU")
    );
    assert_eq!(Calibration::Running.describe(2), "measuring… ");
    assert_eq!(
        Calibration::Failed("no pool".into()).describe(2),
        "could not be measured: no pool "
    );
}

#[test]
fn the_sweep_workload_is_picked_by_index() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SelectSweepWorkload(5));
    assert_eq!(s.sweep_workload(), Workload::Square);
    s.apply(Action::SelectSweepWorkload(500));
    assert_eq!(s.sweep_workload(), Workload::Square);
    assert!(s.notice.is_some());
}

#[test]
fn bench_controls_reject_out_of_range_values_naming_the_limit() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SetBenchTasks(0));
    assert_eq!(s.bench.settings.tasks, 10);
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .contains("between 1 and 1000")
    );
    s.apply(Action::SetBenchTasks(40));
    assert_eq!((s.bench.settings.tasks, s.notice.clone()), (40, None));
    s.apply(Action::SetBenchSize(5000));
    assert_eq!(s.bench.settings.size_percent, 100);
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .contains("between 10 and 1000")
    );
    s.apply(Action::SetRepetitions(3));
    assert_eq!(s.bench.settings.repetitions, 3);
    s.apply(Action::SetBenchWorkload(99));
    assert_eq!(s.bench.settings.workload, 0);
    assert_eq!(s.bench_max_workers(), 16);
    s.apply(Action::SetBenchMaxWorkers(17));
    assert!(
        s.notice
            .as_deref()
            .expect("a notice")
            .contains("between 1 and 16")
    );
    s.apply(Action::SetBenchMaxWorkers(4));
    assert_eq!(s.bench_plan().max_workers, 4);
}

#[test]
fn the_editors_script_is_kept_up_to_its_limit() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SetBenchWorkload(settings::SCRIPT_WORKLOAD));
    s.apply(Action::SetBenchScript("fn task(i) { i }".into()));
    assert_eq!(
        s.bench.job().workload,
        crate::workloads::Workload::Script {
            source: "fn task(i) { i }".into()
        }
    );
    s.apply(Action::SetBenchScript("x".repeat(9000)));
    assert_eq!(
        s.bench.settings.script, "fn task(i) { i }",
        "kept the old one"
    );
    assert!(s.notice.as_deref().unwrap_or("").contains("8 KB"));
}

#[test]
fn the_largest_list_append_fits_the_shared_memory() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SetBenchWorkload(3));
    assert_eq!(s.bench.job().workload.name(), "random list append");
    s.apply(Action::SetBenchSize(1000));
    assert_eq!(
        (s.bench.settings.size_percent, s.notice.clone()),
        (1000, None)
    );
}

#[test]
fn a_sweep_records_samples_keeps_them_when_cancelled_and_plans_selected_modes() {
    let mut s = State::new(2, true, true);
    s.apply(Action::ToggleMode(Mode::Shared { gil: true }));
    s.apply(Action::ToggleMode(Mode::Pool { reuse: false }));
    let plan = s.bench_plan();
    assert_eq!(
        plan.modes,
        vec![
            Mode::Shared { gil: false },
            Mode::Pool { reuse: true },
            Mode::Pool { reuse: false }
        ]
    );
    assert_eq!(plan.max_workers, 16);
    s.apply(Action::SweepStarted(plan.clone()));
    assert_eq!(
        s.bench.progress.as_ref().map(|p| p.total),
        Some(plan.total_runs())
    );
    s.apply(Action::SetBenchTasks(5));
    assert_eq!(
        s.bench.settings.tasks, 10,
        "the sweep's controls are locked while it runs"
    );
    let serial = Point {
        mode: Mode::MainThread,
        workers: 1,
    };
    s.apply(Action::Sampled {
        point: serial,
        elapsed_ms: 100.0,
        result: "[11]".into(),
        timeline: None,
    });
    s.apply(Action::Sampled {
        point: serial,
        elapsed_ms: 90.0,
        result: "[11]".into(),
        timeline: None,
    });
    s.apply(Action::SweepFinished {
        cancelled: true,
        responsiveness: Some(gap(9.0)),
    });
    assert!(s.bench.cancelled && !s.running);
    assert_eq!(s.bench.measured.len(), 1);
    assert_eq!(s.bench.measured[0].samples_ms, vec![100.0, 90.0]);
}

#[test]
fn the_live_region_says_what_started_each_outcome_and_how_it_ended() {
    let mut s = State::new(2, true, true);
    s.apply(Action::RunStarted);
    assert_eq!(s.announcement, "Quick run started.");
    assert_eq!(s.last_run, Some(RunKind::Quick));
    let pool = Mode::Pool { reuse: false };
    s.apply(Action::EngineFinished {
        mode: pool,
        outcome: Err(RunError::Failed("task 3 failed: it panicked".into())),
    });
    assert_eq!(
        s.announcement,
        format!("{}: failed: task 3 failed: it panicked.", pool.label())
    );
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    // Each engine's result again, since the next replaced each in the live region at once.
    assert_eq!(
        s.announcement,
        format!(
            "Quick run finished. {}: failed: task 3 failed: it panicked.",
            pool.label()
        )
    );

    let plan = s.bench_plan();
    s.apply(Action::SweepStarted(plan.clone()));
    assert_eq!(
        s.announcement,
        format!("Sweep started: {} runs.", plan.total_runs())
    );
    assert_eq!(s.last_run, Some(RunKind::Sweep));
    s.apply(Action::RunStarted);
    assert_eq!(
        s.last_run,
        Some(RunKind::Sweep),
        "refused while a sweep runs"
    );
    s.apply(Action::Sampled {
        point: Point {
            mode: Mode::MainThread,
            workers: 1,
        },
        elapsed_ms: 100.0,
        result: "[11]".into(),
        timeline: None,
    });
    s.apply(Action::SweepFinished {
        cancelled: false,
        responsiveness: None,
    });
    assert_eq!(
        s.announcement,
        "Sweep finished: 1 point measured. Median times: serial 100.0 ms."
    );

    // Failed points: how many, each with why; a reason they share (a broken script's), once.
    let failed = |s: &mut State, whys: &[&str]| {
        s.apply(Action::SweepStarted(plan.clone()));
        for (workers, why) in whys.iter().enumerate() {
            s.apply(Action::PointFailed {
                point: Point {
                    mode: Mode::Shared { gil: false },
                    workers: workers + 1,
                },
                why: why.to_string(),
            });
        }
        s.apply(Action::SweepFinished {
            cancelled: false,
            responsiveness: None,
        });
        s.announcement.clone()
    };
    assert_eq!(
        failed(
            &mut s,
            &["task 0: line 2, column 7: Variable not found: y"; 2]
        ),
        "Sweep finished: no point measured. 2 points failed, each with: task 0: line 2, \
         column 7: Variable not found: y."
    );
    assert_eq!(
        failed(
            &mut s,
            &["task 2 failed: it panicked", "task 2 failed: it trapped."]
        ),
        "Sweep finished: no point measured. 2 points failed: shared memory, 1 worker: task 2 \
         failed: it panicked. shared memory, 2 workers: task 2 failed: it trapped."
    );
}

fn machine(cores: usize) -> Machine {
    Machine {
        hardware_concurrency: cores,
        browser: "Firefox 140".into(),
        cross_origin_isolated: true,
        date: crate::machine::Date {
            year: 2026,
            month: 11,
            day: 22,
        },
        effective_cores: None,
    }
}

#[test]
fn a_shared_sweep_opens_on_another_page_as_theirs_with_the_same_configuration() {
    let mut sender = State::new(8, true, true);
    sender.apply(Action::SetBenchTasks(40));
    sender.apply(Action::SetRepetitions(3));
    sender.apply(Action::SelectPreset(PresetId::QueueOrder));
    assert_eq!(
        sender.share_link(machine(8)).results,
        None,
        "nothing measured yet: the link carries the configuration alone"
    );
    let plan = sender.bench_plan();
    // The serial run's 40 tasks of 2.5004 ms, which predictions are made from.
    let serial = crate::run::RawRun {
        records: (0..40)
            .map(|i| {
                let at = |i: usize| 2.5004 * i as f64;
                crate::run::TaskRecord::new(i, 0, at(i), at(i + 1))
            })
            .collect(),
        elapsed_ms: 100.0,
        ..Default::default()
    };
    let serial = Timeline::of(Mode::MainThread, &plan.job, &serial);
    sender.apply(Action::SweepStarted(plan));
    sender.apply(Action::SetView(View::Speedup));
    for (mode, workers, ms, timeline) in [
        (Mode::MainThread, 1, 100.0, Some(serial)),
        (Mode::Shared { gil: false }, 2, 52.25, None),
    ] {
        sender.apply(Action::Sampled {
            point: Point { mode, workers },
            elapsed_ms: ms,
            result: "[1]".into(),
            timeline,
        });
    }
    sender.apply(Action::SweepFinished {
        cancelled: false,
        responsiveness: None,
    });
    // Measured with 3 effective cores, which the link's predictions are made on.
    let measured_on = Machine {
        effective_cores: Some(3),
        ..machine(8)
    };
    let fragment = share::encode(&sender.share_link(measured_on.clone()));

    let mut receiver = State::new(2, true, true);
    receiver.apply(open_link(format!("#{fragment}")));
    assert_eq!(receiver.notice, None);
    assert_eq!(
        (
            receiver.bench.settings.tasks,
            receiver.bench.settings.repetitions,
            receiver.preset.selected
        ),
        (40, 3, PresetId::QueueOrder)
    );
    assert_eq!(
        receiver.bench.settings.view,
        View::Time,
        "the view when the sweep started"
    );
    assert!(receiver.bench.measured.is_empty(), "nothing ran here");
    let theirs = receiver.theirs.clone().expect("their results");
    assert_eq!(theirs.results.machine, measured_on);
    assert_eq!(theirs.results.points, summaries(&sender.bench.measured));
    let costs = theirs
        .results
        .costs
        .clone()
        .expect("what predictions are made from");
    assert_eq!(
        costs,
        (Predictions::costs(&sender.bench.measured, 3.0).expect("costs")).quantized(),
        "the sender's, in whole µs, on the 3 cores measured"
    );
    assert_eq!(costs.tasks.len(), 40);
    assert!(
        costs
            .tasks
            .iter()
            .all(|&(w, c)| w == 0.0 && (c - 2.5).abs() < 0.0015)
    );
    assert_eq!(receiver.link_config(), theirs.config);
    // Its predictions are made after it is shown, and kept while it is the link shown.
    assert_eq!(theirs.predicted, None);
    let predicting = theirs.predicting().expect("costs to predict from");
    let predictions = predicting.finish();
    assert_eq!(
        predictions,
        Predictions::from_costs(
            costs.clone(),
            &theirs.config.settings.modes,
            theirs.top_workers(),
            theirs.results.points.iter().map(|p| p.point)
        )
    );
    let mut reopened = receiver.clone();
    reopened.apply(open_link(format!("#{fragment}")));
    reopened.apply(Action::Predicted {
        of: theirs.clone(),
        predictions: predictions.clone(),
    });
    assert_eq!(
        reopened.theirs.as_ref().map(|t| t.predicted.is_some()),
        Some(false),
        "made for a link no longer shown"
    );
    receiver.apply(Action::Predicted {
        of: theirs.clone(),
        predictions: predictions.clone(),
    });
    let theirs = receiver.theirs.clone().expect("their results");
    assert_eq!(theirs.predicted, Some(predictions));
    assert_eq!(theirs.results.costs, Some(costs.clone()));
    assert!(theirs.describe().contains(
        "with hardwareConcurrency 8 (effective cores measured: 3), cross-origin isolated, on \
         2026-11-22: 40 tasks of "
    ));
    assert!(
        theirs
            .describe()
            .contains(", median of 3. Nothing has run on this machine yet")
    );
    receiver.apply(Action::ClearTheirs);
    assert_eq!(receiver.theirs, None);
}

#[test]
fn a_broken_link_changes_nothing_and_says_why() {
    let mut s = State::new(2, true, true);
    let before = s.clone();
    let good = share::encode(&s.share_link(machine(2)));
    for broken in ["#v1.AAAA", "#v7.AAAA", "#hello", &good[..good.len() - 3]] {
        s.apply(open_link(broken));
        let notice = s.notice.take().expect("a notice");
        assert!(
            notice.starts_with("This link could not be opened"),
            "{notice}"
        );
        assert_eq!(s, before, "{broken} changed the page");
    }
}

#[test]
fn worker_counts_above_this_page_maximum_are_lowered_with_a_notice() {
    let mut big = State::new(16, true, true);
    big.apply(Action::SetWorkers(32));
    big.apply(Action::SetBenchMaxWorkers(24));
    let mut s = State::new(2, true, true);
    s.apply(open_link(share::encode(&big.share_link(machine(16)))));
    assert_eq!((s.workers, s.bench.settings.max_workers), (16, 16));
    let notice = s.notice.expect("a notice");
    assert!(notice.contains("at most 16 workers"), "{notice}");
    assert!(notice.contains("32") && notice.contains("24"), "{notice}");
}

#[test]
fn an_address_is_routed_once_a_scripts_link_to_the_playground() {
    assert_eq!(Route::of("", true), Route::Stay);
    assert_eq!(Route::of("#", false), Route::Stay);
    let page = State::new(4, true, true);
    let plain = share::encode(&page.share_link(machine(4)));
    assert_eq!(Route::of(&plain, false), Route::Open(share::decode(&plain)));
    let mut scripted = State::new(4, true, true);
    scripted.apply(Action::SetBenchWorkload(settings::SCRIPT_WORKLOAD));
    let link = share::encode(&scripted.share_link(machine(4)));
    assert_eq!(Route::of(&link, false), Route::Playground);
    assert!(matches!(Route::of(&link, true), Route::Open(Ok(_))));
    assert!(matches!(Route::of("#v1.AAAA", false), Route::Open(Err(_))));
}

#[test]
fn while_a_run_goes_nothing_it_runs_with_changes_and_the_notice_says_so() {
    let mut s = State::new(4, true, true);
    s.apply(Action::RunStarted);
    let before = s.clone();
    for (action, says) in [
        (Action::SetWorkers(3), "before changing the workers; kept 2"),
        (
            Action::SelectPreset(PresetId::QueueOrder),
            "before changing the preset",
        ),
        (Action::SelectSweepWorkload(1), "before changing the preset"),
        (
            Action::SetBenchWorkload(1),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::SetBenchTasks(5),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::SetBenchSize(50),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::SetBenchScript("x".into()),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::SetRepetitions(2),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::ToggleMode(Mode::MainThread),
            "or cancel it, before changing the sweep",
        ),
        (
            Action::SetFaultTask("1".into()),
            "or cancel it, before changing the sweep",
        ),
        (Action::CalibrationStarted, "before measuring the cores"),
    ] {
        s.apply(action.clone());
        let notice = s.notice.take().unwrap_or_default();
        assert!(
            notice.starts_with("wait for the run to finish"),
            "{action:?}: {notice}"
        );
        assert!(notice.ends_with(says), "{action:?}: {notice}");
        assert_eq!(s, before, "{action:?} changed the state");
    }
}

#[test]
fn predictions_count_on_the_cores_measured_once_they_are_and_on_hardware_concurrency_before() {
    let mut s = State::new(8, true, true);
    assert_eq!((s.effective_cores(), s.cores()), (None, 8.0));
    let plan = s.bench_plan();
    let serial = crate::run::RawRun {
        records: (0..plan.job.tasks)
            .map(|i| crate::run::TaskRecord::new(i, 0, 10.0 * i as f64, 10.0 * (i + 1) as f64))
            .collect(),
        elapsed_ms: 10.0 * plan.job.tasks as f64,
        ..Default::default()
    };
    let serial = Timeline::of(Mode::MainThread, &plan.job, &serial);
    s.apply(Action::SweepStarted(plan));
    s.apply(Action::Sampled {
        point: Point {
            mode: Mode::MainThread,
            workers: 1,
        },
        elapsed_ms: 100.0,
        result: "[1]".into(),
        timeline: Some(serial),
    });
    let cores = |s: &State| s.bench.predicted.as_ref().expect("predictions").costs.cores;
    assert_eq!(cores(&s), 8.0, "hardwareConcurrency, before any measure");
    s.apply(Action::SweepFinished {
        cancelled: false,
        responsiveness: None,
    });
    // Throughput that stops growing at 3 workers: 3 cores really scale.
    let curve = (1..=8).map(|k: usize| (k, k.min(3) as f64)).collect();
    s.apply(Action::CalibrationFinished(Ok(curve)));
    assert_eq!((s.effective_cores(), s.cores()), (Some(3), 3.0));
    assert_eq!(cores(&s), 3.0, "worked out again on the cores measured");
}

/// A link of their sweep from a 16-core machine, with a timeline, asking for `workers` workers
/// in the quick run and `top` at the top of the sweep.
fn their_link(workers: usize, top: usize) -> String {
    let settings = Settings {
        max_workers: top,
        ..Settings::default()
    };
    let job = settings.job();
    let run = RawRun {
        records: vec![
            TaskRecord::new(0, 0, 0.0, 50.0),
            TaskRecord::new(1, 1, 0.0, 50.0),
        ],
        elapsed_ms: 50.0,
        ..Default::default()
    };
    let timeline = Timeline::of(Mode::Shared { gil: false }, &job, &run).quantized();
    let summary = |ms: f64| crate::sweep::Summary {
        median_ms: ms,
        min_ms: ms,
        max_ms: ms,
        samples: 1,
    };
    let point = |mode, workers, ms| crate::sweep::PointSummary {
        point: Point { mode, workers },
        summary: summary(ms),
    };
    share::encode(&Link {
        config: Config {
            settings,
            workers,
            preset: PresetId::SleepBound,
        },
        results: Some(Results {
            machine: machine(16),
            points: vec![
                point(Mode::MainThread, 1, 500.0),
                point(Mode::Shared { gil: false }, 2, 250.0),
            ],
            costs: None,
        }),
        timeline: Some(timeline),
    })
}

#[test]
fn their_results_stay_in_the_address_while_their_configuration_does_and_are_not_shared_as_ours() {
    let mut s = State::new(2, true, true);
    s.apply(open_link(format!("#{}", their_link(2, 0))));
    assert_eq!(s.notice, None);
    let carried = |s: &State| {
        share::decode(&s.address())
            .expect("decodes")
            .results
            .is_some()
    };
    assert!(
        carried(&s),
        "their configuration: their results in the address"
    );
    assert!(s.timeline.as_ref().expect("their timeline").theirs);
    let shared = s.share_link(machine(2));
    assert_eq!(
        shared.timeline, None,
        "their timeline is not shared on as this page's"
    );
    assert_eq!(shared.results, None, "nothing measured here");
    s.apply(Action::SetBenchTasks(25));
    assert!(
        !carried(&s),
        "a configuration of this page's own: no results of theirs"
    );
}

#[test]
fn a_link_at_this_pages_most_workers_opens_as_it_is_and_one_past_it_is_lowered_saying_so() {
    let most = page_max_workers(2);
    let mut s = State::new(2, true, true);
    s.apply(open_link(format!("#{}", their_link(most, most))));
    assert_eq!(s.notice, None);
    assert_eq!((s.workers, s.bench.settings.max_workers), (most, most));
    let mut s = State::new(2, true, true);
    s.apply(open_link(format!("#{}", their_link(most + 1, most + 1))));
    let notice = s.notice.clone().expect("a notice");
    assert!(
        notice.contains("the quick run's 17 workers and the sweep's 17 workers"),
        "{notice}"
    );
    assert_eq!((s.workers, s.bench.settings.max_workers), (most, most));
}

#[test]
fn a_sweep_cancelled_before_any_point_shares_the_controls_configuration() {
    let mut s = State::new(2, true, true);
    let plan = s.bench_plan();
    s.apply(Action::SweepStarted(plan));
    s.apply(Action::SweepFinished {
        cancelled: true,
        responsiveness: None,
    });
    s.apply(Action::SetBenchTasks(25));
    let link = s.share_link(machine(2));
    assert_eq!((link.config.settings.tasks, link.results), (25, None));
}

/// `mode`'s outcome taking `ms`.
fn took(mode: Mode, ms: f64) -> Outcome {
    let Ok(run) = done(mode) else { unreachable!() };
    let mut run = (*run).clone();
    run.run.elapsed_ms = ms;
    Ok(Rc::new(run))
}

#[test]
fn a_preset_is_announced_step_by_step_and_ends_with_its_failures_and_lesson() {
    let mut s = State::new(2, true, true);
    s.apply(Action::SelectPreset(PresetId::GilThreads));
    let steps = s.preset_steps(Scale::Quick);
    let n = steps.len();
    s.apply(Action::PresetStarted(steps.clone()));
    assert_eq!(s.announcement, format!("GIL threads started: {n} steps."));
    s.apply(Action::StepStarted(0));
    let first = format!("Step 1 of {n}: {}.", steps[0].label);
    assert_eq!(s.announcement, first);
    // Starting anything while it runs is refused, and not announced.
    for refused in [
        Action::RunStarted,
        Action::PresetStarted(steps.clone()),
        Action::SweepStarted(s.bench_plan()),
    ] {
        s.apply(refused);
        assert_eq!(s.announcement, first);
    }
    s.apply(Action::StepFinished(0, took(Mode::MainThread, 6.0)));
    assert_eq!(
        s.announcement,
        format!("{}: 6.0 ms, the same result as serial.", steps[0].label)
    );
    s.apply(Action::StepFinished(
        1,
        Err(RunError::Failed("task 0 failed: it trapped".into())),
    ));
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    assert_eq!(
        s.announcement,
        format!(
            "Preset finished. 1 step failed. {}: failed: task 0 failed: it trapped.",
            steps[1].label
        )
    );
}

#[test]
fn a_quick_runs_summary_gives_each_engine_its_speedup_over_serial() {
    let (serial, pool) = (Mode::MainThread, Mode::Pool { reuse: false });
    let mut s = State::new(2, true, true);
    let mut quick = |finished: &[(Mode, f64)]| {
        s.apply(Action::RunStarted);
        for &(mode, ms) in finished {
            s.apply(Action::EngineFinished {
                mode,
                outcome: took(mode, ms),
            });
        }
        s.apply(Action::RunFinished {
            responsiveness: None,
        });
        s.announcement.clone()
    };
    assert_eq!(
        quick(&[(serial, 6.0), (pool, 3.0)]),
        format!(
            "Quick run finished. {}: 6.0 ms. {}: 3.0 ms, 2.00× serial.",
            serial.label(),
            pool.label()
        )
    );
    assert_eq!(
        quick(&[(pool, 3.0)]),
        format!("Quick run finished. {}: 3.0 ms.", pool.label()),
        "without a serial time, no speedup"
    );
}

#[test]
fn a_sweeps_failed_point_is_announced_and_counted_with_its_reason() {
    let mut s = State::new(2, true, true);
    let plan = s.bench_plan();
    s.apply(Action::SweepStarted(plan));
    let point = Point {
        mode: Mode::Shared { gil: false },
        workers: 1,
    };
    s.apply(Action::PointFailed {
        point,
        why: "task 2 failed: it panicked".into(),
    });
    assert_eq!(
        s.announcement,
        format!("{}: failed: task 2 failed: it panicked", point.describe())
    );
    s.apply(Action::SweepFinished {
        cancelled: false,
        responsiveness: None,
    });
    assert_eq!(
        s.announcement,
        format!(
            "Sweep finished: no point measured. 1 point failed: {}: task 2 failed: it panicked.",
            point.describe()
        )
    );
}

#[test]
fn the_sweep_workload_is_one_the_list_has_and_its_last_run_shown_only_for_it() {
    let mut s = State::new(2, true, true);
    let all = sweep_workloads(Scale::Full).len();
    s.apply(Action::SelectPreset(PresetId::ScalingSweep));
    s.apply(Action::SelectSweepWorkload(all));
    assert_eq!(
        s.notice,
        Some(format!("there is no sweep workload number {all}"))
    );
    assert_eq!(s.preset.sweep_workload, 0);
    s.apply(Action::SelectSweepWorkload(all - 1));
    assert_eq!(s.sweep_workload(), sweep_workloads(Scale::Full)[all - 1]);
    // A run of the sweep shows while its workload is picked, not once another is.
    let plan = s.preset_steps(Scale::Full);
    s.apply(Action::PresetStarted(plan.clone()));
    s.apply(Action::StepFinished(0, done(plan[0].mode)));
    s.apply(Action::RunFinished {
        responsiveness: None,
    });
    assert!(s.shown_preset().1[0].is_some());
    s.apply(Action::SelectSweepWorkload(0));
    let (steps, results) = s.shown_preset();
    assert_eq!(steps, s.preset_steps(Scale::Full));
    assert!(
        results.iter().all(Option::is_none),
        "the other workload's plan"
    );
    // A step said to start when no preset runs shows no progress.
    s.apply(Action::StepStarted(0));
    assert_eq!(s.preset_progress(&steps), "");
}
