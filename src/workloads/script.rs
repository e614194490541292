//! A visitor's own task, written in Rhai: `fn task(i) { ... }`, called once per task index on
//! whichever engine runs the job, its value checked against the serial run like every workload.
//!
//! What a task can call besides Rhai's arithmetic, strings, arrays and maps:
//! - `sleep(ms)`: a real blocking wait in a worker (with the GIL released around it, as CPython
//!   does around `time.sleep`); the page's own thread may not block, so there it spins.
//! - `add_to_total(x)` and `total()`: seed 000's `global total`, this memory's
//!   ([`shared_counter`](super::shared_counter)): threads share one, each isolated worker has
//!   its own, so with isolated workers the page's stays 0.
//! - `rand()`: a float in [0, 1) from a generator seeded by the task's index, so every engine
//!   sees the same numbers.
//!
//! The interpreter checks in every [`HOOK_EVERY`] operations through its progress hook: where a
//! GIL hands over (CPython's eval loop checks it the same way), and where Cancel, the
//! operation limit or the page's time limit stops a script. Errors carry their line and column.
//! Built only with the `script` feature; without it a script task fails saying so.

use super::Checkpoint;

/// Operations between two checks of the task's checkpoint: about 50 µs of a script.
pub const HOOK_EVERY: u64 = 1024;
/// The most operations one task may run. A task's serial answer is worked out on the page's
/// own thread, whose time limit ([`PAGE_SCRIPT_LIMIT_MS`](super::PAGE_SCRIPT_LIMIT_MS)) comes
/// first for anything but the fastest operations; this bounds what the page cannot time.
pub const MAX_OPERATIONS: u64 = 2_000_000_000;
/// The longest source a job carries (and a link may hold), in bytes.
pub const MAX_SOURCE_BYTES: usize = 8 * 1024;
/// How deep calls may nest.
pub const MAX_CALL_LEVELS: usize = 64;
/// The most a task may grow its memory by. Rhai's own size limits on strings, arrays and maps
/// would re-measure a value after every change (a 100,000-number list append would take
/// seconds), so the hook watches the wasm memory's size instead, which costs one instruction.
pub const MAX_GROWTH_BYTES: u64 = 256 << 20;

/// The seeds' tasks written as scripts: the editor's examples, and what a new page opens on.
pub const EXAMPLES: [(&str, &str); 4] = [
    (
        "sleep-add (seed 000)",
        "// Seed 000's add: wait 100 ms (\"some complicated, slow calculation\"),\n\
         // then add the pair (10, i + 1).\n\
         fn task(i) {\n    sleep(100);\n    10 + (i + 1)\n}\n",
    ),
    (
        "3,000,000-step loop (seed 000)",
        "// Seed 000's add_compute: loop 3 million times, then add the pair.\n\
         fn task(i) {\n    for step in 0..3000000 {}\n    10 + (i + 1)\n}\n",
    ),
    (
        "list append (seed 001)",
        "// Seed 001's list_append: append random numbers to a list.\n\
         fn task(i) {\n    let out = [];\n    for n in 0..100000 {\n        out.push(rand());\n    }\n    out.len()\n}\n",
    ),
    (
        "global total (seed 000)",
        "// Seed 000's increment: add 5 to the global total. Threads share one total;\n\
         // each isolated worker has its own, so with isolated workers the page's stays 0.\n\
         fn task(i) {\n    add_to_total(5);\n}\n",
    ),
];

/// What warms the interpreter up before anything is timed, whatever the visitor's script.
pub const WARM_UP: &str = "fn task(i) { let s = 0; for x in 0..20000 { s += x * i; } [s].len() }";

/// Where and why a script failed: its line and column when the interpreter knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

impl ScriptError {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// Whether this module can run scripts.
pub const AVAILABLE: bool = cfg!(feature = "script");

/// Compiles `source` and checks that it defines `fn task(i)`: the editor's check before a run.
pub fn check(source: &str) -> Result<(), ScriptError> {
    imp::with_ast(source, |_, _| Ok(()))
}

/// Runs task `i` of `source`, checking in with `cp`; its value as text (what the engines
/// compare). With `answering`, the task is being worked out for the serial answer on the page:
/// its sleeps return at once and its global is a private one, not the page's.
pub fn run_task(
    source: &str,
    i: usize,
    cp: &mut dyn Checkpoint,
    answering: bool,
) -> Result<String, ScriptError> {
    imp::run_task(source, i, cp, answering)
}

#[cfg(not(feature = "script"))]
mod imp {
    use super::{Checkpoint, ScriptError};

    const MISSING: &str =
        "this build of the module has no script interpreter (the `script` feature)";

    pub fn with_ast(
        _: &str,
        _: impl FnOnce(&(), &()) -> Result<(), ScriptError>,
    ) -> Result<(), ScriptError> {
        Err(ScriptError::plain(MISSING))
    }

    pub fn run_task(
        _: &str,
        _: usize,
        _: &mut dyn Checkpoint,
        _: bool,
    ) -> Result<String, ScriptError> {
        Err(ScriptError::plain(MISSING))
    }
}

#[cfg(feature = "script")]
mod imp {
    use super::*;
    use crate::workloads::list_append::{next_unit, stream_seed};
    use crate::workloads::shared_counter;
    use rhai::packages::{
        BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
        MoreStringPackage, Package,
    };
    use rhai::{AST, CallFnOptions, Dynamic, Engine, EvalAltResult, Position, Scope};
    use std::cell::{Cell, RefCell};
    use std::ptr::NonNull;
    use std::rc::Rc;

    /// The task's checkpoint, reachable from the interpreter's hooks while the task runs.
    type Slot = Option<NonNull<dyn Checkpoint + 'static>>;

    thread_local! {
        /// One interpreter per thread (each worker, each pool thread, the page).
        static ENGINE: Engine = engine();
        /// The last script compiled on this thread: a job's tasks share one AST.
        static COMPILED: RefCell<Option<(String, Rc<AST>)>> = const { RefCell::new(None) };
        static CHECKPOINT: Cell<Slot> = const { Cell::new(None) };
        /// The task's random stream.
        static RNG: Cell<u64> = const { Cell::new(0) };
        /// Set while the serial answer is worked out: no sleeping, a private total.
        static ANSWERING: Cell<bool> = const { Cell::new(false) };
        static PRIVATE_TOTAL: Cell<i64> = const { Cell::new(0) };
        /// The memory's size when the task started.
        static MEMORY_AT_START: Cell<u64> = const { Cell::new(0) };
    }

    /// The size of this thread's wasm memory (natively, where the test runner's memory is not
    /// the task's, 0: no check).
    fn memory_bytes() -> u64 {
        #[cfg(target_arch = "wasm32")]
        return core::arch::wasm32::memory_size(0) as u64 * 65_536;
        #[cfg(not(target_arch = "wasm32"))]
        return 0;
    }

    /// Runs `f` with `cp` as the task's checkpoint for the hooks on this thread. (With
    /// `panic = "abort"` a trap leaves the slot set, never to be read again: hooks run only
    /// inside `f`, and each task starts with the slot cleared.)
    fn with_checkpoint<R>(cp: &mut dyn Checkpoint, f: impl FnOnce() -> R) -> R {
        struct Restore(Slot);
        impl Drop for Restore {
            fn drop(&mut self) {
                CHECKPOINT.set(self.0);
            }
        }
        let ptr: NonNull<dyn Checkpoint + '_> = NonNull::from(cp);
        // SAFETY: only the lifetime is erased. The pointer is used by `at_checkpoint` alone, on
        // this thread, while `f` runs, and `Restore` takes it out of the slot before `cp`'s
        // borrow ends (also when `f` unwinds, natively).
        CHECKPOINT.set(None);
        let ptr: NonNull<dyn Checkpoint + 'static> = unsafe { std::mem::transmute(ptr) };
        let _restore = Restore(CHECKPOINT.replace(Some(ptr)));
        f()
    }

    /// Calls `g` with the running task's checkpoint, if a task is running on this thread.
    fn at_checkpoint<R>(g: impl FnOnce(&mut dyn Checkpoint) -> R) -> Option<R> {
        // Taken out of the slot while in use, so no second `&mut` to it can exist.
        let mut ptr = CHECKPOINT.take()?;
        struct PutBack(NonNull<dyn Checkpoint + 'static>);
        impl Drop for PutBack {
            fn drop(&mut self) {
                CHECKPOINT.set(Some(self.0));
            }
        }
        let _put_back = PutBack(ptr);
        // SAFETY: the pointer came from a live `&mut` in `with_checkpoint`, whose scope is still
        // running (the slot is cleared when it ends), and it is the only use of it right now.
        Some(g(unsafe { ptr.as_mut() }))
    }

    fn engine() -> Engine {
        let mut e = Engine::new_raw();
        e.register_global_module(CorePackage::new().as_shared_module())
            .register_global_module(LogicPackage::new().as_shared_module())
            .register_global_module(BasicMathPackage::new().as_shared_module())
            .register_global_module(BasicArrayPackage::new().as_shared_module())
            .register_global_module(BasicMapPackage::new().as_shared_module())
            .register_global_module(MoreStringPackage::new().as_shared_module());
        e.set_max_operations(MAX_OPERATIONS)
            .set_max_call_levels(MAX_CALL_LEVELS)
            .set_max_expr_depths(64, 32);
        e.on_progress(|ops| {
            if memory_bytes() > MEMORY_AT_START.get() + MAX_GROWTH_BYTES {
                return Some(Dynamic::from(format!(
                    "the memory grew by more than {} MiB while it ran (the most a task may; \
                     threads that share the memory count each other's growth)",
                    MAX_GROWTH_BYTES >> 20
                )));
            }
            if ops % HOOK_EVERY != 0 {
                return None;
            }
            match at_checkpoint(|cp| {
                if cp.check() {
                    None
                } else {
                    Some(cp.stopped_why())
                }
            }) {
                Some(Some(why)) => Some(Dynamic::from(why.to_string())),
                _ => None,
            }
        });
        e.register_fn("sleep", |ms: i64| sleep(ms as f64))
            .register_fn("sleep", sleep)
            .register_fn("rand", || {
                let mut state = RNG.get();
                let x = next_unit(&mut state);
                RNG.set(state);
                x
            })
            .register_fn("add_to_total", |x: i64| {
                if ANSWERING.get() {
                    PRIVATE_TOTAL.set(PRIVATE_TOTAL.get() + x);
                } else {
                    shared_counter::add(x);
                }
            })
            .register_fn("total", || {
                if ANSWERING.get() {
                    PRIVATE_TOTAL.get()
                } else {
                    shared_counter::total()
                }
            });
        e
    }

    fn sleep(ms: f64) {
        if ANSWERING.get() || ms.is_nan() || ms <= 0.0 {
            return;
        }
        let ms = ms.min(f64::from(u32::MAX)) as u32;
        at_checkpoint(|cp| cp.sleep(ms));
    }

    fn at(pos: Position, message: String) -> ScriptError {
        ScriptError {
            line: pos.line(),
            column: pos.position(),
            message,
        }
    }

    /// The error a run met, at the innermost place the interpreter knows.
    fn run_error(mut e: &EvalAltResult) -> ScriptError {
        while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = e {
            e = inner;
        }
        let message = match e {
            EvalAltResult::ErrorTerminated(why, _) => format!("stopped: {why}"),
            EvalAltResult::ErrorTooManyOperations(_) => format!(
                "stopped at the limit of {} operations a task may run",
                crate::workloads::grouped(MAX_OPERATIONS)
            ),
            EvalAltResult::ErrorStackOverflow(_) => {
                format!("calls nested deeper than the limit of {MAX_CALL_LEVELS}")
            }
            other => {
                // Display ends with " (line L, position C)"; the position is given apart.
                let text = other.to_string();
                match text.rfind(" (line ") {
                    Some(cut) if text.ends_with(')') => text[..cut].to_string(),
                    _ => text,
                }
            }
        };
        at(e.position(), message)
    }

    /// Calls `f` with this thread's engine and `source` compiled (kept for the next task).
    pub fn with_ast<R>(
        source: &str,
        f: impl FnOnce(&Engine, &AST) -> Result<R, ScriptError>,
    ) -> Result<R, ScriptError> {
        if source.len() > MAX_SOURCE_BYTES {
            return Err(ScriptError::plain(format!(
                "the script is {} bytes, over the {} KB a script may have",
                source.len(),
                MAX_SOURCE_BYTES >> 10
            )));
        }
        let kept = COMPILED.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|(s, _)| s == source)
                .map(|(_, ast)| ast.clone())
        });
        ENGINE.with(|engine| {
            let ast = match kept {
                Some(ast) => ast,
                None => {
                    let ast = engine
                        .compile(source)
                        .map_err(|e| at(e.position(), e.err_type().to_string()))?;
                    if !ast
                        .iter_functions()
                        .any(|f| f.name == "task" && f.params.len() == 1)
                    {
                        return Err(ScriptError::plain(
                            "the script has no `fn task(i)`: each task calls it with its index",
                        ));
                    }
                    let ast = Rc::new(ast);
                    COMPILED.with(|c| *c.borrow_mut() = Some((source.to_string(), ast.clone())));
                    ast
                }
            };
            f(engine, &ast)
        })
    }

    pub fn run_task(
        source: &str,
        i: usize,
        cp: &mut dyn Checkpoint,
        answering: bool,
    ) -> Result<String, ScriptError> {
        with_ast(source, |engine, ast| {
            RNG.set(stream_seed(2017, i));
            MEMORY_AT_START.set(memory_bytes());
            ANSWERING.set(answering);
            if answering && i == 0 {
                PRIVATE_TOTAL.set(0);
            }
            let options = CallFnOptions::new().eval_ast(false).rewind_scope(false);
            let result = with_checkpoint(cp, || {
                engine.call_fn_with_options::<Dynamic>(
                    options,
                    &mut Scope::new(),
                    ast,
                    "task",
                    (i as i64,),
                )
            });
            ANSWERING.set(false);
            let value = result.map_err(|e| run_error(&e))?;
            Ok(if value.is_unit() {
                "()".into()
            } else if value.is_string() {
                format!("{:?}", value.into_string().unwrap_or_default())
            } else {
                value.to_string()
            })
        })
    }
}

#[cfg(all(test, feature = "script"))]
mod tests {
    use super::*;
    use crate::workloads::{NoGil, shared_counter};

    fn run(source: &str, i: usize) -> Result<String, ScriptError> {
        run_task(source, i, &mut NoGil, true)
    }

    #[test]
    fn a_task_is_a_function_of_its_index() {
        let add = EXAMPLES[0].1;
        assert_eq!(run(add, 0), Ok("11".into()));
        assert_eq!(run(add, 9), Ok("20".into()));
        assert_eq!(run(EXAMPLES[1].1, 2), Ok("13".into()));
        assert_eq!(run(EXAMPLES[2].1, 0), Ok("100000".into()));
        assert_eq!(run(r#"fn task(i) { "t" + i }"#, 3), Ok("\"t3\"".into()));
        assert_eq!(run("fn task(i) { [i, i * 2.5] }", 2), Ok("[2, 5.0]".into()));
    }

    #[test]
    fn random_numbers_follow_the_task_index() {
        let source = "fn task(i) { rand() }";
        assert_eq!(run(source, 4), run(source, 4));
        assert_ne!(run(source, 4), run(source, 5));
        let x: f64 = run(source, 4).unwrap().parse().unwrap();
        assert!((0.0..1.0).contains(&x));
    }

    #[test]
    fn errors_name_their_line_and_column() {
        let syntax = check("fn task(i) {\n  let x = ;\n}").expect_err("a syntax error");
        assert_eq!(
            (syntax.line, syntax.column),
            (Some(2), Some(11)),
            "{syntax}"
        );
        let missing = run("fn task(i) {\n  i + y\n}", 0).expect_err("no y");
        assert_eq!(
            (missing.line, missing.column),
            (Some(2), Some(7)),
            "{missing}"
        );
        assert!(missing.message.contains("y"), "{missing}");
        assert!(
            missing.to_string().starts_with("line 2, column 7: "),
            "{missing}"
        );
        let no_task = check("fn work(i) { i }").expect_err("no task");
        assert!(no_task.to_string().contains("fn task(i)"), "{no_task}");
        let long = "// x\n".repeat(MAX_SOURCE_BYTES);
        assert!(check(&long).expect_err("too long").message.contains("8 KB"));
    }

    #[test]
    fn limits_stop_a_script_with_a_clear_message() {
        let deep = run("fn f(n) { f(n + 1) } fn task(i) { f(0) }", 0).expect_err("too deep");
        assert!(deep.message.contains("nested deeper"), "{deep}");
    }

    #[test]
    fn a_checkpoint_that_says_stop_ends_an_endless_loop() {
        struct StopAfter(u32);
        impl Checkpoint for StopAfter {
            fn check(&mut self) -> bool {
                self.0 = self.0.saturating_sub(1);
                self.0 > 0
            }
        }
        let mut cp = StopAfter(10);
        let stopped =
            run_task("fn task(i) {\n  loop { }\n}", 0, &mut cp, false).expect_err("stopped");
        assert_eq!(stopped.to_string(), "stopped: cancelled");
    }

    #[test]
    fn the_global_total_is_the_memorys_and_private_while_answering() {
        let _alone = shared_counter::tests::ALONE.lock();
        shared_counter::reset();
        let add = EXAMPLES[3].1;
        for i in 0..3 {
            assert_eq!(run_task(add, i, &mut NoGil, false), Ok("()".into()));
        }
        assert_eq!(shared_counter::total(), 15);
        assert_eq!(
            run("fn task(i) { add_to_total(5); total() }", 0),
            Ok("5".into())
        );
        assert_eq!(
            shared_counter::total(),
            15,
            "answering leaves the memory's total alone"
        );
        shared_counter::reset();
    }

    #[test]
    fn sleeping_waits_through_the_checkpoint() {
        struct Sleeps(Vec<u32>);
        impl Checkpoint for Sleeps {
            fn check(&mut self) -> bool {
                true
            }
            fn sleep(&mut self, ms: u32) {
                self.0.push(ms);
            }
        }
        let mut cp = Sleeps(Vec::new());
        assert_eq!(run_task(EXAMPLES[0].1, 1, &mut cp, false), Ok("12".into()));
        assert_eq!(cp.0, [100]);
        let mut cp = Sleeps(Vec::new());
        assert_eq!(run_task(EXAMPLES[0].1, 1, &mut cp, true), Ok("12".into()));
        assert!(
            cp.0.is_empty(),
            "no sleeping while the answer is worked out"
        );
    }
}
