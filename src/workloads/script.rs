//! A visitor's own task, written in Rhai: `fn task(i) { ... }`, called once per task index on
//! whichever engine runs the job, its value checked against the serial run like every workload
//! (in each memory, where it touches the global total: see `run::check`).
//!
//! What a task can call besides Rhai's arithmetic, strings, arrays and maps:
//! - `sleep(ms)`: a real blocking wait in a worker (with the GIL released around it, as CPython
//!   does around `time.sleep`), at most [`MAX_SLEEP_MS`] in all per task; the page's own thread
//!   may not block, so there it spins, and a sleep that would run past the page's time limit
//!   fails at once. On asyncio's event loop a sleep at the top of `fn task` is awaited instead
//!   (`script/steps.rs`, [`start_steps`]).
//! - `add_to_total(x)` and `total()`: seed 000's `global total`, this memory's
//!   ([`shared_counter`](super::shared_counter)): threads share one, each isolated worker has
//!   its own, so with isolated workers the page's stays 0 and each worker counts from its own 0.
//!   `add_to_total` is one atomic add; `set_total(x)` a plain store, so threads that run
//!   `set_total(total() + x)` race as free-threaded `total = total + x` does and lose updates.
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

/// Checks `source` against [`MAX_SOURCE_BYTES`]: the one check the editor, a link's decoder
/// and the interpreter make.
pub fn check_size(source: &str) -> Result<(), String> {
    match source.len() {
        n if n > MAX_SOURCE_BYTES => Err(format!(
            "the script is {n} bytes, over the {} KB a script may have",
            MAX_SOURCE_BYTES >> 10
        )),
        _ => Ok(()),
    }
}
/// Checks that `source` holds text, tabs and newlines only: no other control character (a NUL,
/// an escape), and no bidirectional override or isolate, which can make code read otherwise
/// than it runs. The editor's check and a link's decoder make it.
pub fn check_text(source: &str) -> Result<(), String> {
    for (n, line) in source.split('\n').enumerate() {
        for (column, c) in line.chars().enumerate() {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if (c.is_control() && c != '\t') || bidi {
                return Err(format!(
                    "the script has the character U+{:04X} at line {}, column {}: a script \
                     holds text, tabs and newlines only",
                    u32::from(c),
                    n + 1,
                    column + 1
                ));
            }
        }
    }
    Ok(())
}

/// The most a task may sleep in all, in ms: a task that would sleep longer fails at the call
/// that would pass it, at once, rather than hold a worker for a day.
pub const MAX_SLEEP_MS: u64 = 10_000;
/// How deep calls may nest.
pub const MAX_CALL_LEVELS: usize = 64;
/// The most a task may grow its memory by. Rhai's own size limits on strings, arrays and maps
/// would re-measure a value after every change (a 100,000-number list append would take
/// seconds), so the hook watches the wasm memory's size instead, which costs one instruction.
pub const MAX_GROWTH_BYTES: u64 = 256 << 20;

/// The seeds' tasks written as scripts: the editor's examples, and what a new page opens on.
pub const EXAMPLES: [(&str, &str); 5] = [
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
        "// Seed 000's increment: add 5 to the global total and return the total seen.\n\
         // Threads share one total; each isolated worker has its own and counts from 0.\n\
         fn task(i) {\n    add_to_total(5);\n    total()\n}\n",
    ),
    (
        "race on the total (free-threaded 3.14t)",
        "// total = total + 1 is a read, then a write: threads without a GIL lose updates.\n\
         // The fix: add_to_total(1), one atomic add.\n\
         fn task(i) {\n    for n in 0..20000 {\n        set_total(total() + 1);\n    }\n    i\n}\n",
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
    check_text(source).map_err(ScriptError::plain)?;
    imp::with_ast(source, |_, _| Ok(()))
}

/// Starts working out an answer's task on this thread: the private total that tasks run with
/// `answering` see is `total` (0 for a fresh memory's first task).
pub fn start_answer(total: i64) {
    imp::start_answer(total);
}

/// The private total the tasks run since [`start_answer`] left, if they touched it.
pub fn answer_total() -> Option<i64> {
    imp::answer_total()
}

/// Runs task `i` of `source`, checking in with `cp`; its value as text (what the engines
/// compare). With `answering`, the task is being worked out for an answer on the page (see
/// [`start_answer`]): its sleeps return at once and its global is a private one, not the page's.
pub fn run_task(
    source: &str,
    i: usize,
    cp: &mut dyn Checkpoint,
    answering: bool,
) -> Result<String, ScriptError> {
    imp::run_task(source, i, cp, answering)
}

/// What a task run a stretch at a time ([`Stepped`]) asks of its event loop next.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Sleep this many ms (0: go on at once), then run the next stretch.
    Await(u32),
    /// The task's value as text, as [`run_task`] gives it, or why it failed.
    Done(Result<String, ScriptError>),
}

pub use imp::Stepped;

/// Starts task `i` of `source` to be run a stretch at a time: its body cut at the sleeps at its
/// top level (see `script/steps.rs`), which an event loop awaits instead of blocking in.
pub fn start_steps(source: &str, i: usize) -> Result<Stepped, ScriptError> {
    imp::start_steps(source, i)
}

#[cfg(feature = "script")]
mod steps;

#[cfg(not(feature = "script"))]
#[path = "script/missing.rs"]
mod imp;

#[cfg(feature = "script")]
mod imp {
    use super::steps::{self, Piece};
    use super::*;
    use crate::workloads::list_append::{next_unit, stream_seed};
    use crate::workloads::shared_counter;
    use rhai::packages::{
        BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
        MoreStringPackage, Package,
    };
    use rhai::{
        AST, CallFnOptions, Dynamic, Engine, EvalAltResult, NativeCallContext, Position, Scope,
    };
    use std::cell::{Cell, RefCell};
    use std::ptr::NonNull;
    use std::rc::Rc;

    /// How the message of a task stopped by a limit or a cancel begins.
    const STOPPED: &str = "stopped: ";

    /// The task's checkpoint, reachable from the interpreter's hooks while the task runs.
    type Slot = Option<NonNull<dyn Checkpoint + 'static>>;

    /// A script, its `fn task`'s parameter and its body's stretches.
    type Cut = (String, String, Rc<[Piece]>);

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
        /// Whether the answer's tasks touched their private total.
        static TOUCHED: Cell<bool> = const { Cell::new(false) };
        /// What the running task has slept so far, in ms.
        static SLEPT: Cell<u64> = const { Cell::new(0) };
        /// A sleep the running task was refused: its error, at the sleep's position.
        static REFUSED: RefCell<Option<ScriptError>> = const { RefCell::new(None) };
        /// The memory's size when the task started.
        static MEMORY_AT_START: Cell<u64> = const { Cell::new(0) };
        /// The last script's `fn task` cut into stretches ([`steps`]): its parameter's name and
        /// the stretches, which a job's tasks share.
        static PIECES: RefCell<Option<Cut>> = const { RefCell::new(None) };
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
        e.register_fn("sleep", |ctx: NativeCallContext, ms: i64| {
            sleep(&ctx, ms as f64)
        })
        .register_fn("sleep", |ctx: NativeCallContext, ms: f64| sleep(&ctx, ms))
        .register_fn("rand", || {
            let mut state = RNG.get();
            let x = next_unit(&mut state);
            RNG.set(state);
            x
        })
        .register_fn("add_to_total", |x: i64| {
            if ANSWERING.get() {
                TOUCHED.set(true);
                PRIVATE_TOTAL.set(PRIVATE_TOTAL.get() + x);
            } else {
                shared_counter::add(x);
            }
        })
        .register_fn("set_total", |x: i64| {
            if ANSWERING.get() {
                TOUCHED.set(true);
                PRIVATE_TOTAL.set(x);
            } else {
                shared_counter::set(x);
            }
        })
        .register_fn("total", || {
            if ANSWERING.get() {
                TOUCHED.set(true);
                PRIVATE_TOTAL.get()
            } else {
                shared_counter::total()
            }
        });
        e
    }

    /// A script's `sleep(ms)`: fails at once, naming the limit, when it would take the task's
    /// sleeping past [`MAX_SLEEP_MS`] or the checkpoint cannot wait that long.
    fn sleep(ctx: &NativeCallContext, ms: f64) -> Result<(), Box<EvalAltResult>> {
        if ANSWERING.get() {
            return Ok(());
        }
        // A termination, which no `try` can catch. Rhai gives it the position of the task's
        // call, not the sleep's, so the task's error is kept here with the sleep's position and
        // stands whatever the script does next.
        let stop = |why: String| -> Box<EvalAltResult> {
            REFUSED.set(Some(at(ctx.call_position(), format!("{STOPPED}{why}"))));
            EvalAltResult::ErrorTerminated(Dynamic::from(why), ctx.call_position()).into()
        };
        let asked = allowed(ms, SLEPT.get()).map_err(stop)?;
        if asked == 0 {
            return Ok(());
        }
        at_checkpoint(|cp| cp.sleep(asked))
            .unwrap_or(Ok(()))
            .map_err(stop)?;
        SLEPT.set(SLEPT.get() + u64::from(asked));
        Ok(())
    }

    /// What `sleep(ms)` may wait, in whole ms, for a task that has slept `slept` ms (0 for no
    /// wait at all), or why it may not: [`MAX_SLEEP_MS`] in all.
    fn allowed(ms: f64, slept: u64) -> Result<u32, String> {
        if ms.is_nan() || ms <= 0.0 {
            return Ok(0);
        }
        let asked = ms.min(f64::from(u32::MAX)).ceil() as u32;
        let slept = slept + u64::from(asked);
        if slept > MAX_SLEEP_MS {
            return Err(format!(
                "sleep({ms}) would bring this task's sleeping to {}, past the {} a task may sleep",
                duration(slept),
                duration(MAX_SLEEP_MS)
            ));
        }
        Ok(asked)
    }

    /// `ms` in whole seconds where it is some ("10 s", "86,400 s"), else in ms ("10,001 ms").
    fn duration(ms: u64) -> String {
        if ms.is_multiple_of(1000) {
            format!("{} s", crate::workloads::grouped(ms / 1000))
        } else {
            format!("{} ms", crate::workloads::grouped(ms))
        }
    }

    pub fn start_answer(total: i64) {
        PRIVATE_TOTAL.set(total);
        TOUCHED.set(false);
    }

    pub fn answer_total() -> Option<i64> {
        TOUCHED.get().then(|| PRIVATE_TOTAL.get())
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
            EvalAltResult::ErrorTerminated(why, _) => format!("{STOPPED}{why}"),
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
        check_size(source).map_err(ScriptError::plain)?;
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
            SLEPT.set(0);
            REFUSED.set(None);
            ANSWERING.set(answering);
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
            if let Some(refused) = REFUSED.take() {
                return Err(refused);
            }
            result.map(shown).map_err(|e| run_error(&e))
        })
    }

    /// A task's value as the engines compare it.
    fn shown(value: Dynamic) -> String {
        if value.is_unit() {
            "()".into()
        } else if value.is_string() {
            format!("{:?}", value.into_string().unwrap_or_default())
        } else {
            value.to_string()
        }
    }

    /// A task run a stretch at a time, with what it carries across its awaits: its variables,
    /// its random stream and what it has slept (the thread's own are another task's meanwhile).
    pub struct Stepped {
        pieces: Rc<[Piece]>,
        scope: Scope<'static>,
        next: usize,
        rng: u64,
        slept: u64,
    }

    pub fn start_steps(source: &str, i: usize) -> Result<Stepped, ScriptError> {
        with_ast(source, |_, ast| {
            let kept = PIECES.with(|p| {
                p.borrow()
                    .as_ref()
                    .filter(|(s, ..)| s == source)
                    .map(|(_, param, pieces)| (param.clone(), pieces.clone()))
            });
            let (param, pieces) = kept.unwrap_or_else(|| {
                let (param, pieces) = steps::cut(ast);
                let pieces: Rc<[Piece]> = pieces.into();
                PIECES.with(|p| {
                    *p.borrow_mut() = Some((source.to_string(), param.clone(), pieces.clone()))
                });
                (param, pieces)
            });
            let mut scope = Scope::new();
            scope.push(param, i as i64);
            Ok(Stepped {
                pieces,
                scope,
                next: 0,
                rng: stream_seed(2017, i),
                slept: 0,
            })
        })
    }

    impl Stepped {
        /// Runs the next stretch, checking in with `cp`.
        pub fn step(&mut self, cp: &mut dyn Checkpoint) -> Step {
            let Some(piece) = self.pieces.get(self.next) else {
                return Step::Done(Err(ScriptError::plain("the task has already ended")));
            };
            self.next += 1;
            RNG.set(self.rng);
            SLEPT.set(self.slept);
            MEMORY_AT_START.set(memory_bytes());
            REFUSED.set(None);
            ANSWERING.set(false);
            let scope = &mut self.scope;
            let result = ENGINE.with(|engine| {
                with_checkpoint(cp, || {
                    engine.eval_ast_with_scope::<Dynamic>(scope, &piece.ast)
                })
            });
            self.rng = RNG.get();
            self.slept = SLEPT.get();
            if let Some(refused) = REFUSED.take() {
                return Step::Done(Err(refused));
            }
            let value = match result {
                Ok(value) => value,
                Err(e) => return Step::Done(Err(run_error(&e))),
            };
            let Some(pos) = piece.sleep else {
                return Step::Done(Ok(shown(value)));
            };
            let ms = match (value.as_int(), value.as_float()) {
                (Ok(n), _) => n as f64,
                (_, Ok(x)) => x,
                _ => {
                    let why = format!("sleep(ms) takes a number of ms, not {}", value.type_name());
                    return Step::Done(Err(at(pos, why)));
                }
            };
            match allowed(ms, self.slept) {
                Ok(asked) => {
                    self.slept += u64::from(asked);
                    Step::Await(asked)
                }
                Err(why) => Step::Done(Err(at(pos, format!("{STOPPED}{why}")))),
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "script")]
mod tests {
    use super::*;
    use crate::workloads::{NoGil, shared_counter};

    /// Task `i` worked out for an answer, as the first task of a fresh memory.
    fn run(source: &str, i: usize) -> Result<String, ScriptError> {
        start_answer(0);
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
    fn a_run_error_keeps_the_interpreters_words_without_their_position() {
        let missing = run("fn task(i) {\n  i + y\n}", 0).expect_err("no y");
        assert_eq!(missing.message, "Variable not found: y");
        let thrown = run("fn task(i) { throw \"odd (line 9\" }", 0).expect_err("thrown");
        assert_eq!(thrown.message, "Runtime error: odd (line 9");
        let mut cp = Sleeps(Vec::new());
        let nan = run_task("fn task(i) { sleep(0.0 / 0.0); i }", 0, &mut cp, false);
        assert_eq!(
            (nan, cp.0),
            (Ok("0".into()), vec![]),
            "NaN ms waits nothing"
        );
        let line_only = ScriptError {
            line: Some(3),
            column: None,
            message: "m".into(),
        };
        assert_eq!(line_only.to_string(), "line 3: m");
    }

    #[test]
    fn a_running_script_checks_in_every_1024_operations() {
        let mut cp = crate::workloads::tests::CountChecks(0);
        let source = "fn task(i) { let s = 0; for k in 0..20000 { s += k; } s }";
        assert_eq!(run_task(source, 0, &mut cp, false), Ok("199990000".into()));
        // Some 40,000 to 100,000 operations: a check per 1,024 of them, not per operation.
        assert!((30..=100).contains(&cp.0), "{} checks", cp.0);
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
        for (i, seen) in ["5", "10", "15"].into_iter().enumerate() {
            assert_eq!(run_task(add, i, &mut NoGil, false), Ok(seen.into()));
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

    /// A checkpoint that notes each sleep it is asked for instead of waiting.
    struct Sleeps(Vec<u32>);

    impl Checkpoint for Sleeps {
        fn check(&mut self) -> bool {
            true
        }
        fn sleep(&mut self, ms: u32) -> Result<(), String> {
            self.0.push(ms);
            Ok(())
        }
    }

    #[test]
    fn sleeping_waits_through_the_checkpoint() {
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

    #[test]
    fn sleeping_past_a_tasks_limit_fails_at_once_naming_it() {
        let mut cp = Sleeps(Vec::new());
        let source = "fn task(i) {\n  sleep(6000);\n  sleep(4000);\n  sleep(1);\n  i\n}";
        let err = run_task(source, 0, &mut cp, false).expect_err("past 10 s of sleep");
        assert_eq!(
            cp.0,
            [6000, 4000],
            "the sleep that would pass the limit never starts"
        );
        assert_eq!((err.line, err.column), (Some(4), Some(3)), "{err}");
        assert_eq!(
            err.message,
            "stopped: sleep(1) would bring this task's sleeping to 10,001 ms, past the 10 s a task may sleep"
        );
        let mut cp = Sleeps(Vec::new());
        let err = run_task("fn task(i) { sleep(86400000) }", 0, &mut cp, false).expect_err("a day");
        assert!(err.message.contains("to 86,400 s, past the 10 s"), "{err}");
        assert!(cp.0.is_empty());
        // Each task has its own allowance.
        let mut cp = Sleeps(Vec::new());
        for i in 0..3 {
            assert_eq!(
                run_task("fn task(i) { sleep(9000); i }", i, &mut cp, false),
                Ok(i.to_string())
            );
        }
        assert_eq!(cp.0, [9000; 3]);
    }

    #[test]
    fn a_sleep_the_checkpoint_cannot_wait_fails_with_its_reason() {
        struct NoWaiting;
        impl Checkpoint for NoWaiting {
            fn check(&mut self) -> bool {
                true
            }
            fn sleep(&mut self, ms: u32) -> Result<(), String> {
                Err(format!("no waiting {ms} ms here"))
            }
        }
        let err =
            run_task("fn task(i) { sleep(5); i }", 0, &mut NoWaiting, false).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "line 1, column 14: stopped: no waiting 5 ms here"
        );
        // A refused sleep ends the task: no `try` catches it into a value shown as right.
        for source in [
            "fn task(i) {\n  try { sleep(5); } catch { }\n  i\n}",
            "fn task(i) {\n  try { sleep(5); } catch { }\n  loop { }\n}",
        ] {
            let err = run_task(source, 0, &mut NoWaiting, false).expect_err("refused");
            assert_eq!(
                err.to_string(),
                "line 2, column 9: stopped: no waiting 5 ms here"
            );
        }
        let faked = run_task(
            "fn task(i) { throw \"stopped: on purpose\" }",
            0,
            &mut NoGil,
            false,
        )
        .expect_err("thrown");
        assert!(faked.message.starts_with("Runtime error"), "{faked}");
    }

    #[test]
    fn an_answer_says_whether_and_where_its_tasks_left_the_total() {
        let counted = EXAMPLES[3].1;
        start_answer(0);
        for (i, want) in [(0, "5"), (1, "10"), (2, "15")] {
            assert_eq!(run_task(counted, i, &mut NoGil, true), Ok(want.into()));
        }
        assert_eq!(answer_total(), Some(15));
        start_answer(15);
        assert_eq!(run_task(counted, 3, &mut NoGil, true), Ok("20".into()));
        assert_eq!(answer_total(), Some(20), "carried on from 15");
        start_answer(0);
        assert_eq!(
            run_task("fn task(i) { i }", 0, &mut NoGil, true),
            Ok("0".into())
        );
        assert_eq!(answer_total(), None, "never touched");
    }

    /// Runs `task` a stretch at a time to its end: the sleeps it awaited, and its value.
    fn stepped(
        source: &str,
        i: usize,
        cp: &mut dyn Checkpoint,
    ) -> (Vec<u32>, Result<String, ScriptError>) {
        let mut task = start_steps(source, i).expect("it compiles");
        let mut awaited = Vec::new();
        loop {
            match task.step(cp) {
                Step::Await(ms) => awaited.push(ms),
                Step::Done(value) => return (awaited, value),
            }
        }
    }

    #[test]
    fn an_event_loop_awaits_the_sleeps_at_the_top_of_a_task() {
        let mut cp = Sleeps(Vec::new());
        assert_eq!(
            stepped(EXAMPLES[0].1, 1, &mut cp),
            (vec![100], Ok("12".into()))
        );
        let source = "fn task(n) {\n  let a = n * 2;\n  sleep(5);\n  let b = a + 1;\n  \
                      sleep(a);\n  [a, b, rand()]\n}";
        let (awaited, value) = stepped(source, 3, &mut cp);
        assert_eq!(
            awaited,
            [5, 6],
            "each sleep's argument, worked out where it stands"
        );
        assert!(cp.0.is_empty(), "no sleep blocked: {:?}", cp.0);
        assert_eq!(
            value,
            run_task(source, 3, &mut cp, false),
            "the same value as one call"
        );
        // Two tasks taking turns keep their own variables and random streams.
        let mut one = start_steps(source, 1).unwrap();
        let mut two = start_steps(source, 2).unwrap();
        assert_eq!(one.step(&mut cp), Step::Await(5));
        assert_eq!(two.step(&mut cp), Step::Await(5));
        assert_eq!(one.step(&mut cp), Step::Await(2));
        assert_eq!(two.step(&mut cp), Step::Await(4));
        assert_eq!(
            two.step(&mut cp),
            Step::Done(run_task(source, 2, &mut cp, false))
        );
        assert_eq!(
            one.step(&mut cp),
            Step::Done(run_task(source, 1, &mut cp, false))
        );
    }

    #[test]
    fn a_sleep_that_is_no_place_to_pause_blocks_inside_its_stretch() {
        let cases = [
            // Nested in a block.
            ("fn task(i) { if true { sleep(10); } i }", 1, "1"),
            // Behind a return that may run: the stretch before it could end the task.
            (
                "fn task(i) { if i == 0 { return 7; } sleep(10); i }",
                1,
                "1",
            ),
            // The script's own sleep is a function like any other.
            ("fn sleep(x) { x } fn task(i) { sleep(10); i }", 2, "2"),
        ];
        for (source, i, value) in cases {
            let mut cp = Sleeps(Vec::new());
            assert_eq!(
                stepped(source, i, &mut cp),
                (vec![], Ok(value.into())),
                "{source}"
            );
            let blocked: &[u32] = if source.starts_with("fn sleep") {
                &[]
            } else {
                &[10]
            };
            assert_eq!(cp.0, blocked, "{source}");
        }
        // A return that did run ends the task before the sleep.
        let mut cp = Sleeps(Vec::new());
        let source = "fn task(i) { if i == 0 { return 7; } sleep(10); i }";
        assert_eq!(stepped(source, 0, &mut cp), (vec![], Ok("7".into())));
        // A throw ends it with an error wherever it stands, so a sleep after one still pauses.
        let source = "fn task(i) {\n  if i == 0 { throw \"no\"; }\n  sleep(10);\n  i\n}";
        assert_eq!(stepped(source, 1, &mut cp), (vec![10], Ok("1".into())));
        assert!(stepped(source, 0, &mut cp).1.is_err());
    }

    #[test]
    fn an_awaited_sleep_keeps_the_limits_and_errors_of_a_blocking_one() {
        let mut cp = Sleeps(Vec::new());
        let source = "fn task(i) {\n  sleep(6000);\n  sleep(4000);\n  sleep(1);\n  i\n}";
        let (awaited, value) = stepped(source, 0, &mut cp);
        assert_eq!(awaited, [6000, 4000]);
        assert_eq!(
            value,
            run_task(source, 0, &mut cp, false).map(|_| String::new())
        );
        let (_, value) = stepped("fn task(i) {\n  sleep(1);\n  i + y\n}", 0, &mut cp);
        let err = value.expect_err("no y");
        assert_eq!((err.line, err.column), (Some(3), Some(7)), "{err}");
        let (_, value) = stepped("fn task(i) { sleep(\"x\"); i }", 0, &mut cp);
        assert_eq!(
            value.expect_err("not a number").to_string(),
            "line 1, column 14: sleep(ms) takes a number of ms, not string"
        );
        assert_eq!(
            stepped("fn task(i) { sleep(-1); sleep(0.5); i }", 4, &mut cp).0,
            [0, 1]
        );
    }
}
