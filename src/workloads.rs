//! What one task does. Every workload of the seeds is a plain function of its inputs with a known
//! answer, so each engine's results can be checked before a time is shown.
//!
//! A task has two phases: an optional blocking wait (the seeds' `sleep`), which an engine performs
//! its own way — a real blocking wait in a worker, an async wait on the page's main thread, and
//! with the GIL released — and then a computation, which calls [`Checkpoint::check`] regularly so
//! a GIL can be handed over mid-task, as CPython does every 5 ms, and a cancelled run stops
//! mid-task.

pub mod empty_loop;
pub mod factorial;
pub mod file_write;
pub mod list_append;
pub mod script;
pub mod shared_counter;
pub mod sleep;
pub mod square;
pub mod sum_range;

use crate::cancel::Cancel;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Called regularly from inside long computations: where a GIL may switch threads.
pub trait Checkpoint {
    /// `false` when the task should stop at once because its run was cancelled; what it returns
    /// then is never used.
    fn check(&mut self) -> bool;

    /// Runs a blocking wait, with the GIL released around it where the task holds one (as
    /// CPython releases it around `time.sleep` and I/O).
    fn blocking(&mut self, wait: &mut dyn FnMut()) {
        wait();
    }

    /// A task's own `sleep(ms)` (a script's): a blocking wait, or `Err` saying why this
    /// thread cannot wait that long.
    fn sleep(&mut self, ms: u32) -> Result<(), String> {
        self.blocking(&mut || std::thread::sleep(std::time::Duration::from_millis(ms.into())));
        Ok(())
    }

    /// Why [`check`](Checkpoint::check) said stop. A task stopped by a cancel ends with these
    /// words in its value; the run itself ends with [`Cancelled`](crate::cancel::Cancelled),
    /// which its engine returns from the cancel flag, never from these words.
    fn stopped_why(&self) -> &'static str {
        crate::cancel::Cancelled::WHY
    }
}

/// The checkpoint of a task on the page's own thread, which may not block and cannot take a
/// click while a task runs: a script's sleep spins on the clock, and a script task stops at
/// [`PAGE_SCRIPT_LIMIT_MS`] instead of freezing the tab for good (a sleep that would end past
/// it fails at once: a shortened sleep would be a wrong time shown as right).
pub struct PageThread {
    deadline: Option<web_time::Instant>,
}

/// The longest one script task may run on the page's own thread.
pub const PAGE_SCRIPT_LIMIT_MS: u64 = 3_000;

impl PageThread {
    pub fn for_job(job: &Job) -> Self {
        let limit = std::time::Duration::from_millis(PAGE_SCRIPT_LIMIT_MS);
        Self {
            deadline: matches!(job.workload, Workload::Script { .. })
                .then(|| web_time::Instant::now() + limit),
        }
    }
}

impl Checkpoint for PageThread {
    fn check(&mut self) -> bool {
        self.deadline.is_none_or(|d| web_time::Instant::now() < d)
    }

    fn sleep(&mut self, ms: u32) -> Result<(), String> {
        let end = web_time::Instant::now() + std::time::Duration::from_millis(ms.into());
        if self.deadline.is_some_and(|d| end > d) {
            return Err(format!(
                "sleep({ms}) would end past the limit: {}",
                self.stopped_why()
            ));
        }
        while web_time::Instant::now() < end {
            std::hint::spin_loop();
        }
        Ok(())
    }

    fn stopped_why(&self) -> &'static str {
        "a script task may run 3 s on the page's own thread, which cannot respond meanwhile"
    }
}

/// No GIL: checkpoints cost nothing.
pub struct NoGil;

impl Checkpoint for NoGil {
    #[inline]
    fn check(&mut self) -> bool {
        true
    }
}

/// A checkpoint that also stops its task once the run is cancelled.
pub struct Stoppable<'a> {
    pub inner: &'a mut dyn Checkpoint,
    pub cancel: &'a Cancel,
}

impl Checkpoint for Stoppable<'_> {
    fn check(&mut self) -> bool {
        self.inner.check() && !self.cancel.is_cancelled()
    }

    fn blocking(&mut self, wait: &mut dyn FnMut()) {
        self.inner.blocking(wait);
    }

    fn sleep(&mut self, ms: u32) -> Result<(), String> {
        let cancel = self.cancel;
        self.inner
            .blocking(&mut || sleep_unless_cancelled(ms, cancel));
        Ok(())
    }

    fn stopped_why(&self) -> &'static str {
        if self.cancel.is_cancelled() {
            crate::cancel::Cancelled::WHY
        } else {
            self.inner.stopped_why()
        }
    }
}

/// Sleeps `ms` in slices of at most [`SLEEP_SLICE_MS`], returning early once `cancel` is set: a
/// worker's blocking wait that a cancel ends promptly.
pub fn sleep_unless_cancelled(ms: u32, cancel: &Cancel) {
    let end = web_time::Instant::now() + std::time::Duration::from_millis(ms.into());
    while !cancel.is_cancelled() {
        let left = end.saturating_duration_since(web_time::Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(std::time::Duration::from_millis(SLEEP_SLICE_MS)));
    }
}

/// The longest a cancelled worker sleeps on before it notices.
pub const SLEEP_SLICE_MS: u64 = 10;

/// A deliberate failure for trying out how each engine takes a crashing task: task `task` fails
/// the way `kind` says instead of computing. The bench offers it in a clearly marked corner;
/// links never carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub task: usize,
    pub kind: FaultKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// A Rust panic. The module is built with `panic = "abort"`, so in the browser the panic
    /// message is reported and then the thread traps.
    Panic,
    /// A WebAssembly trap (`unreachable`) with no message first, like a crash in native code.
    Trap,
}

impl FaultKind {
    pub const ALL: [FaultKind; 2] = [FaultKind::Panic, FaultKind::Trap];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Panic => "panics",
            FaultKind::Trap => "traps",
        }
    }

    /// What it does, for the page.
    pub fn description(self) -> &'static str {
        match self {
            FaultKind::Panic => "panics (a Rust panic, then a trap)",
            FaultKind::Trap => "traps (WebAssembly unreachable, no message)",
        }
    }
}

/// What a panicking fault says.
pub fn fault_message(task: usize) -> String {
    format!("task {task} failed on purpose (fault injection)")
}

impl Fault {
    fn strike(self) -> ! {
        match self.kind {
            FaultKind::Panic => panic!("{}", fault_message(self.task)),
            #[cfg(target_arch = "wasm32")]
            FaultKind::Trap => core::arch::wasm32::unreachable(),
            #[cfg(not(target_arch = "wasm32"))]
            FaultKind::Trap => std::process::abort(),
        }
    }
}

/// Loop iterations between checkpoints: rare enough to cost nothing, often enough (well under a
/// millisecond of work) for a 5 ms switch interval.
pub const CHECK_EVERY: u64 = 1 << 16;

/// The most memory one run may need: three quarters of the shared memory's 1 GiB maximum
/// (`--max-memory` in .cargo/config.toml), leaving room for the page itself. A run that needs
/// more is refused before it starts instead of trapping out of memory mid-run.
pub const RUN_MEMORY_BUDGET: u64 = 768 << 20;
/// A list of f64, its room reserved once ([`list_append::append`]).
const LIST_BYTES_PER_NUMBER: u64 = 8;

/// Decides when a warm-up has done its job. Browsers run wasm first in a baseline tier and swap
/// in optimized code, compiled in the background, only for later calls; until then a long task
/// runs several times slower (measured here: 130 ms instead of 30). A warm-up calls a short
/// version of the task repeatedly, with pauses for the compiler, until one call runs in at most
/// half the time of the slowest (the optimized code is in) after a third of its time budget,
/// or the budget is spent.
pub struct WarmUp {
    started: web_time::Instant,
    budget: std::time::Duration,
    slowest: std::time::Duration,
}

impl WarmUp {
    pub fn new(budget: std::time::Duration) -> Self {
        Self {
            started: web_time::Instant::now(),
            budget,
            slowest: std::time::Duration::ZERO,
        }
    }

    /// Times one call; `true` when warming up is over.
    pub fn call(&mut self, f: impl FnOnce()) -> bool {
        let t = web_time::Instant::now();
        f();
        let took = t.elapsed();
        self.slowest = self.slowest.max(took);
        let elapsed = self.started.elapsed();
        (took * 2 <= self.slowest && elapsed * 3 >= self.budget) || elapsed >= self.budget
    }
}

/// Bytes this memory has grown to and touched for tasks so far (see [`reserve_memory`]). A
/// static, so each memory has its own: the page and its shared-memory threads one, every
/// isolated worker another.
static RESERVED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Grows this memory to hold `bytes` at once and touches every page of it: the first run that
/// allocates a big list pays for growing the memory and for the system's first touch of each
/// page, later runs reuse what the allocator kept (a WebAssembly memory never shrinks). An
/// engine calls this before its clock starts, so a lesson compares engines, not whichever ran
/// first.
pub fn reserve_memory(bytes: u64) {
    use std::sync::atomic::Ordering;
    if bytes <= RESERVED.load(Ordering::Relaxed) {
        return;
    }
    let Ok(len) = usize::try_from(bytes) else {
        return;
    };
    let mut block: Vec<u8> = Vec::new();
    if block.try_reserve_exact(len).is_err() {
        // Out of memory: the run itself will say so.
        return;
    }
    for page in block.spare_capacity_mut().chunks_mut(4096) {
        page[0].write(1);
    }
    std::hint::black_box(&mut block);
    RESERVED.fetch_max(bytes, Ordering::Relaxed);
}

/// What a task returns. Results are compared across engines, so each is exact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Int(i64),
    /// A float that is exact for the workload (powers of two).
    Float(f64),
    /// A big integer in decimal.
    Big(String),
    /// A list summarized: its length and a checksum of its contents.
    List {
        len: u64,
        checksum: u32,
    },
    /// A script task's value, as the interpreter prints it.
    Text(String),
    /// A script task that failed: where and why.
    Failed(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v:e}"),
            Value::Big(v) if v.len() > 24 => write!(f, "{}…({} digits)", &v[..12], v.len()),
            Value::Big(v) => f.write_str(v),
            Value::List { len, checksum } => write!(f, "list of {len} (#{checksum:08x})"),
            Value::Text(v) if v.chars().count() > 40 => {
                write!(f, "{}…", v.chars().take(39).collect::<String>())
            }
            Value::Text(v) => f.write_str(v),
            Value::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

impl From<Result<String, script::ScriptError>> for Value {
    /// A script task's value, or where and why it failed.
    fn from(result: Result<String, script::ScriptError>) -> Self {
        match result {
            Ok(text) => Value::Text(text),
            Err(e) => Value::Failed(e.to_string()),
        }
    }
}

/// The first script task in `values` that failed: `task i: where and why`.
pub fn first_failure(values: &[Value]) -> Option<String> {
    values.iter().enumerate().find_map(|(i, v)| match v {
        Value::Failed(why) => Some(format!("task {i}: {why}")),
        _ => None,
    })
}

/// `[a, b, c, … (n in all)]`: at most `limit` values of a list, for messages and the page.
pub fn show_list(values: &[Value], limit: usize) -> String {
    let shown: Vec<String> = values.iter().take(limit).map(|v| v.to_string()).collect();
    let more = if values.len() > limit {
        format!(", … ({} in all)", values.len())
    } else {
        String::new()
    };
    format!("[{}{more}]", shown.join(", "))
}

/// 60000000 → "60,000,000", for sizes on the page.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Results gathered by task index into submission order; names the first task missing.
pub fn in_submission_order(slots: Vec<Option<Value>>) -> Result<Vec<Value>, String> {
    slots
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.ok_or_else(|| format!("task {i} never came back")))
        .collect()
}

/// The seeds' workloads with their parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Workload {
    /// Wait `ms`, then add the pair (10, i + 1) — seed 000's `add`.
    SleepAdd { ms: u32 },
    /// Task i waits i × `unit_ms` — seed 004's `map(sleep, range(5))`; returns i.
    SleepRamp { unit_ms: u32 },
    /// Count to `count`, then add the pair (10, i + 1) — seed 000's `add_compute`.
    EmptyLoop { count: u64 },
    /// Sum 0..numbers\[i\] × `unit` — seed 002's `cpu_bound`.
    SumRange { numbers: Vec<u64>, unit: u64 },
    /// Append `total / tasks` pseudo-random numbers to a list — seed 001's `list_append`, one big
    /// list split over the tasks.
    ListAppend { total: u64, seed: u64 },
    /// Exact (offset + i)! — seed 004's `map(factorial, range(10))`.
    Factorial { offset: u32 },
    /// 2^i — seed 004's `pow(2, x)`: so tiny that overheads dominate.
    Square,
    /// i × i after waiting (tasks − 1 − i) × `stagger_ms`, so later tasks can finish first — seed
    /// 003's queue example (with `stagger_ms` 0, exactly the seed's `x*x`).
    QueueSquare { stagger_ms: u32 },
    /// Add `amount` to a global total and report the subtotal seen — seeds 000 and 004.
    SharedCounter { amount: i64 },
    /// `total = total + 1`, `adds` times, on the same global total under `guard`, reporting the
    /// subtotal last seen: the race free threads bring (see [`shared_counter::race`]).
    Race {
        adds: u32,
        guard: shared_counter::Guard,
    },
    /// Write and close a small file of `bytes` bytes — seed 001's I/O task.
    FileWrite { bytes: u32 },
    /// The visitor's own `fn task(i)`, in Rhai (see [`script`]).
    Script { source: String },
}

impl Workload {
    /// Whether its tasks all cost about the same, whatever their index: then a pool's worker
    /// can be handed chunks ahead of asking, and none ends up holding much more than another.
    /// Not so where task i waits or computes in proportion to i, or runs the visitor's code.
    pub fn even_tasks(&self) -> bool {
        match self {
            Workload::EmptyLoop { .. }
            | Workload::SleepAdd { .. }
            | Workload::ListAppend { .. }
            | Workload::Square
            | Workload::SharedCounter { .. }
            | Workload::Race { .. }
            | Workload::FileWrite { .. } => true,
            Workload::QueueSquare { stagger_ms } => *stagger_ms == 0,
            Workload::SleepRamp { .. }
            | Workload::SumRange { .. }
            | Workload::Factorial { .. }
            | Workload::Script { .. } => false,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Workload::SleepAdd { .. } => "sleep-add",
            Workload::SleepRamp { .. } => "sleep ramp",
            Workload::EmptyLoop { .. } => "empty loop",
            Workload::SumRange { .. } => "sum of range",
            Workload::ListAppend { .. } => "random list append",
            Workload::Factorial { .. } => "factorial",
            Workload::Square => "square",
            Workload::QueueSquare { .. } => "queue square",
            Workload::SharedCounter { .. } => "shared counter",
            Workload::Race { .. } => "race on a global",
            Workload::FileWrite { .. } => "write a file",
            Workload::Script { .. } => "your script",
        }
    }

    /// The workload and its size, as the page names it: the pickers, a preset's sizes, a
    /// chart's caption.
    pub fn describe(&self) -> String {
        match self {
            Workload::EmptyLoop { count } => format!("empty loop — count to {}", grouped(*count)),
            Workload::SleepAdd { ms } => format!("sleep-add — wait {ms} ms"),
            Workload::SumRange { unit, .. } => {
                format!("sum of range — [11, 23, 53, 34] × {}", grouped(*unit))
            }
            Workload::ListAppend { total, .. } => {
                format!("random list append — {} numbers split", grouped(*total))
            }
            Workload::Factorial { offset } => format!("factorial — {offset}! and up"),
            Workload::Square => "square — 2^i, tiny".into(),
            Workload::SharedCounter { amount } => format!("shared counter — add {amount}"),
            Workload::Race { adds, guard } => {
                format!(
                    "race on a global — {}, {} times",
                    guard.describe(),
                    grouped(u64::from(*adds))
                )
            }
            Workload::FileWrite { bytes } => {
                format!("write a file — {bytes} bytes, {}", file_write::STAND_IN)
            }
            Workload::SleepRamp { unit_ms } => {
                format!("sleep ramp — task i waits i × {unit_ms} ms")
            }
            Workload::QueueSquare { stagger_ms: 0 } => "x*x".into(),
            Workload::QueueSquare { stagger_ms } => {
                format!("x*x, earlier tasks waiting {stagger_ms} ms more")
            }
            Workload::Script { source } => {
                format!("your script — {} lines", source.lines().count())
            }
        }
    }

    /// The workload at `percent` of its size (at least 1 of each unit): the bench's task-size
    /// slider. Workloads without a size are unchanged.
    pub fn scaled(&self, percent: u32) -> Workload {
        let scale = |x: u64| (x.saturating_mul(u64::from(percent)) / 100).max(1);
        let scale32 = |x: u32| scale(u64::from(x)).min(u64::from(u32::MAX)) as u32;
        match self {
            Workload::SleepAdd { ms } => Workload::SleepAdd { ms: scale32(*ms) },
            Workload::SleepRamp { unit_ms } => Workload::SleepRamp {
                unit_ms: scale32(*unit_ms),
            },
            Workload::EmptyLoop { count } => Workload::EmptyLoop {
                count: scale(*count),
            },
            Workload::SumRange { numbers, unit } => Workload::SumRange {
                numbers: numbers.clone(),
                unit: scale(*unit),
            },
            Workload::ListAppend { total, seed } => Workload::ListAppend {
                total: scale(*total),
                seed: *seed,
            },
            Workload::Factorial { offset } => Workload::Factorial {
                offset: scale32(*offset),
            },
            Workload::QueueSquare { stagger_ms } => Workload::QueueSquare {
                stagger_ms: scale32(*stagger_ms),
            },
            Workload::FileWrite { bytes } => Workload::FileWrite {
                bytes: scale32(*bytes),
            },
            Workload::Race { adds, guard } => Workload::Race {
                adds: scale32(*adds),
                guard: *guard,
            },
            Workload::Square | Workload::SharedCounter { .. } | Workload::Script { .. } => {
                self.clone()
            }
        }
    }
}

/// A workload over a number of tasks: what every engine is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub workload: Workload,
    pub tasks: usize,
    /// A task made to fail on purpose; `None` in every normal run.
    pub fault: Option<Fault>,
}

impl Job {
    pub fn new(workload: Workload, tasks: usize) -> Self {
        Self {
            workload,
            tasks,
            fault: None,
        }
    }

    /// The same job with task `fault.task` failing on purpose.
    pub fn with_fault(self, fault: Option<Fault>) -> Self {
        Self { fault, ..self }
    }

    /// The seed's pair for task `i`: (10, i + 1).
    fn pair(i: usize) -> (i64, i64) {
        (10, i as i64 + 1)
    }

    /// How long task `i` waits before it computes, in ms.
    pub fn wait_ms(&self, i: usize) -> u32 {
        match &self.workload {
            Workload::SleepAdd { ms } => *ms,
            Workload::SleepRamp { unit_ms } => unit_ms.saturating_mul(i as u32),
            Workload::QueueSquare { stagger_ms } => {
                stagger_ms.saturating_mul((self.tasks - 1 - i.min(self.tasks - 1)) as u32)
            }
            _ => 0,
        }
    }

    /// The computing part of task `i`.
    pub fn compute(&self, i: usize, cp: &mut dyn Checkpoint) -> Value {
        if let Some(fault) = self.fault
            && fault.task == i
        {
            fault.strike();
        }
        match &self.workload {
            Workload::SleepAdd { .. } => Value::Int(sleep::add(Self::pair(i))),
            Workload::SleepRamp { .. } => Value::Int(i as i64),
            Workload::EmptyLoop { count } => Value::Int(empty_loop::add(*count, Self::pair(i), cp)),
            Workload::SumRange { numbers, unit } => {
                Value::Int(sum_range::sum(sum_range::limit(numbers, *unit, i), cp))
            }
            Workload::ListAppend { total, seed } => {
                let (len, checksum) = list_append::append(
                    list_append::share(*total, self.tasks, i),
                    list_append::stream_seed(*seed, i),
                    cp,
                );
                Value::List { len, checksum }
            }
            Workload::Factorial { offset } => {
                Value::Big(factorial::factorial(offset + i as u32, cp))
            }
            Workload::Square => Value::Float(square::pow2(i as u32)),
            Workload::QueueSquare { .. } => Value::Int((i * i) as i64),
            Workload::SharedCounter { amount } => Value::Int(shared_counter::add(*amount)),
            Workload::Race { adds, guard } => Value::Int(shared_counter::race(*adds, *guard, cp)),
            Workload::FileWrite { bytes } => Value::Int(file_write::write_and_close(*bytes) as i64),
            Workload::Script { source } => script::run_task(source, i, cp, false).into(),
        }
    }

    /// Waits the task's wait with a blocking sleep, then computes: for workers, where blocking is
    /// allowed. A cancel ends the wait and the computation early.
    pub fn run_blocking(&self, i: usize, cp: &mut dyn Checkpoint, cancel: &Cancel) -> Value {
        let ms = self.wait_ms(i);
        if ms > 0 {
            sleep_unless_cancelled(ms, cancel);
        }
        self.compute(i, &mut Stoppable { inner: cp, cancel })
    }

    /// The most memory the job's tasks can hold at once, in bytes: every task in flight at the
    /// same moment, each at its peak. Only the random list append needs more than a few KB.
    pub fn peak_memory_bytes(&self) -> u64 {
        match &self.workload {
            Workload::ListAppend { total, .. } => total.saturating_mul(LIST_BYTES_PER_NUMBER),
            _ => 0,
        }
    }

    /// The most memory one task can hold at its peak, in bytes: what each isolated worker,
    /// which runs its tasks one after another, needs of its own memory.
    pub fn peak_task_bytes(&self) -> u64 {
        match &self.workload {
            Workload::ListAppend { total, .. } => {
                list_append::share(*total, self.tasks, 0).saturating_mul(LIST_BYTES_PER_NUMBER)
            }
            _ => 0,
        }
    }

    /// `Err` naming the limit when the job needs more memory than a run may use.
    pub fn check_memory(&self) -> Result<(), String> {
        let (need, budget) = (self.peak_memory_bytes(), RUN_MEMORY_BUDGET);
        if need <= budget {
            return Ok(());
        }
        Err(format!(
            "{} of {} numbers needs up to {} MiB for its lists, over the {} MiB a run may \
             use of the shared memory's 1024 MiB maximum",
            self.workload.name(),
            grouped(need / LIST_BYTES_PER_NUMBER),
            need >> 20,
            budget >> 20
        ))
    }

    /// The answer in submission order, computed independently of the engines where the
    /// workload allows (closed forms); for a shared counter, the serial answer.
    pub fn expected(&self) -> Vec<Value> {
        self.answer().values
    }

    /// [`Job::expected`] with the total the tasks leave a global at, where they touch one.
    pub fn answer(&self) -> Answer {
        let mut expecting = self.expecting();
        loop {
            if let Some(answer) = expecting.advance(u64::MAX) {
                return answer;
            }
        }
    }

    /// [`Job::answer`] worked out a slice at a time (see [`Expecting::advance`]).
    pub fn expecting(&self) -> Expecting {
        self.expecting_in((0..self.tasks).collect())
    }

    /// The answer for tasks `order`, run one after another in that order in one memory of
    /// their own: what an isolated worker that ran them should have got, when they touch a
    /// global (each task's value in `order`'s order).
    pub fn expecting_in(&self, order: Vec<usize>) -> Expecting {
        Expecting {
            job: self.clone(),
            values: Vec::with_capacity(order.len()),
            order,
            list: None,
            total: None,
        }
    }

    /// Task `i`'s answer where it takes no long loop to work out; `None` for a list append.
    fn expected_at_once(&self, i: usize) -> Option<Value> {
        Some(match &self.workload {
            Workload::SleepAdd { .. } | Workload::EmptyLoop { .. } => {
                let (x, y) = Self::pair(i);
                Value::Int(x + y)
            }
            Workload::SleepRamp { .. } => Value::Int(i as i64),
            Workload::SumRange { numbers, unit } => {
                Value::Int(sum_range::closed_form(sum_range::limit(numbers, *unit, i)))
            }
            Workload::ListAppend { .. } | Workload::Script { .. } => return None,
            Workload::Factorial { offset } => Value::Big(factorial::by_primes(offset + i as u32)),
            Workload::Square => Value::Float(2f64.powi(i as i32)),
            Workload::QueueSquare { .. } => Value::Int((i * i) as i64),
            Workload::SharedCounter { amount } => Value::Int(amount * (i as i64 + 1)),
            Workload::Race { adds, .. } => Value::Int(i64::from(*adds) * (i as i64 + 1)),
            Workload::FileWrite { bytes } => Value::Int(i64::from(*bytes)),
        })
    }

    /// A few tasks of the same workload at a small size: enough for the browser to optimize its
    /// code before anything is timed.
    pub fn warm_up(&self) -> Job {
        let workload = match &self.workload {
            Workload::SleepAdd { .. } => Workload::SleepAdd { ms: 0 },
            Workload::SleepRamp { .. } => Workload::SleepRamp { unit_ms: 0 },
            Workload::EmptyLoop { .. } => Workload::EmptyLoop { count: 2_000_000 },
            Workload::SumRange { .. } => Workload::SumRange {
                numbers: vec![1],
                unit: 2_000_000,
            },
            Workload::ListAppend { seed, .. } => Workload::ListAppend {
                total: 500_000,
                seed: *seed,
            },
            Workload::Factorial { .. } => Workload::Factorial { offset: 100 },
            Workload::QueueSquare { .. } => Workload::QueueSquare { stagger_ms: 0 },
            Workload::SharedCounter { .. } => Workload::SharedCounter { amount: 0 },
            Workload::Race { guard, .. } => Workload::Race {
                adds: 0,
                guard: *guard,
            },
            // The interpreter's own code is what needs optimizing, whatever the script; a
            // visitor's script may not even end.
            Workload::Script { .. } => Workload::Script {
                source: script::WARM_UP.into(),
            },
            other => other.clone(),
        };
        Job::new(workload, 1)
    }

    /// Whether the job's tasks are known to touch global state, so that each memory has its own
    /// answer. A script's answer says whether it did ([`Answer::total`]).
    pub fn uses_globals(&self) -> bool {
        matches!(
            self.workload,
            Workload::SharedCounter { .. } | Workload::Race { .. }
        )
    }

    /// Whether threads running the job may lose updates to the global total: the race without
    /// a guard, or a script that stores the total with `set_total` (where any end is possible).
    pub fn may_lose_updates(&self) -> bool {
        match &self.workload {
            Workload::Race { guard, .. } => *guard == shared_counter::Guard::Unguarded,
            Workload::Script { source } => source.contains("set_total"),
            _ => false,
        }
    }
}

/// A job's serial answer: each task's value, and where the tasks touched a global total, the
/// total they left it at (in one memory that ran them all, from 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub values: Vec<Value>,
    pub total: Option<i64>,
}

/// A job's expected answer being worked out: a list append's numbers are folded a slice at a
/// time, so the page that checks a run never stops for the whole list at once.
#[derive(Clone, Debug)]
pub struct Expecting {
    job: Job,
    /// The tasks whose values are wanted, in the order they run.
    order: Vec<usize>,
    values: Vec<Value>,
    /// The list of the task being worked out, for a list append.
    list: Option<list_append::Checksum>,
    /// The total the tasks so far left a global at, where they touched one.
    total: Option<i64>,
}

impl Expecting {
    /// Works for about `steps` steps of a list append (a task's closed form counts as one); the
    /// whole answer once every task is worked out.
    pub fn advance(&mut self, steps: u64) -> Option<Answer> {
        let mut left = steps;
        while self.values.len() < self.order.len() && left > 0 {
            let i = self.order[self.values.len()];
            if let Some(value) = self.job.expected_at_once(i) {
                self.values.push(value);
                left -= 1;
                continue;
            }
            if let Workload::Script { source } = &self.job.workload {
                // On the page, counted as CHECK_EVERY steps of a slice: no sleeping, a private
                // total (carried from task to task), a time limit.
                script::start_answer(self.total.unwrap_or(0));
                let value: Value =
                    script::run_task(source, i, &mut PageThread::for_job(&self.job), true).into();
                self.total = script::answer_total().or(self.total);
                if let Value::Failed(_) = value {
                    // The same failure stands for the tasks after it.
                    self.values.resize(self.order.len(), value);
                    break;
                }
                self.values.push(value);
                left = left.saturating_sub(CHECK_EVERY);
                continue;
            }
            let Workload::ListAppend { total, seed } = self.job.workload else {
                unreachable!("only a list append and a script are worked out in slices")
            };
            let count = list_append::share(total, self.job.tasks, i);
            let list = self.list.get_or_insert_with(|| {
                list_append::Checksum::new(count, list_append::stream_seed(seed, i))
            });
            // This slice: what is left of the budget, or of the list.
            let slice = left.min(list.left());
            left -= slice;
            if let Some((len, checksum)) = list.advance(slice) {
                self.values.push(Value::List { len, checksum });
                self.list = None;
            }
        }
        if self.values.len() < self.order.len() {
            return None;
        }
        let total = match self.job.workload {
            Workload::SharedCounter { amount } => Some(amount * self.order.len() as i64),
            Workload::Race { adds, .. } => Some(i64::from(adds) * self.order.len() as i64),
            _ => self.total,
        };
        Some(Answer {
            values: std::mem::take(&mut self.values),
            total,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A checkpoint that counts how often a task checks in, and never stops it.
    pub(crate) struct CountChecks(pub u64);

    impl Checkpoint for CountChecks {
        fn check(&mut self) -> bool {
            self.0 += 1;
            true
        }
    }

    #[test]
    fn the_expected_answer_in_slices_is_the_whole_answer() {
        let jobs = [
            Job::new(
                Workload::ListAppend {
                    total: 10_001,
                    seed: 2017,
                },
                3,
            ),
            Job::new(Workload::Square, 5),
            Job::new(Workload::Factorial { offset: 10 }, 2),
        ];
        for job in jobs {
            let whole = job.expected();
            let mut expecting = job.expecting();
            let mut slices = 1;
            let sliced = loop {
                match expecting.advance(1000) {
                    Some(answer) => break answer.values,
                    None => slices += 1,
                }
            };
            assert_eq!(sliced, whole, "{job:?}");
            let lists = matches!(job.workload, Workload::ListAppend { .. });
            // 10,001 numbers folded at most 1,000 at a time take at least 11 slices.
            assert!(!lists || slices >= 11, "{slices} slices");
        }
    }

    fn run_serially(job: &Job) -> Vec<Value> {
        (0..job.tasks).map(|i| job.compute(i, &mut NoGil)).collect()
    }

    #[test]
    fn every_workload_computes_its_known_answer() {
        let jobs = [
            Job::new(Workload::SleepAdd { ms: 0 }, 10),
            Job::new(Workload::SleepRamp { unit_ms: 0 }, 5),
            Job::new(Workload::EmptyLoop { count: 1000 }, 10),
            Job::new(
                Workload::SumRange {
                    numbers: vec![11, 23, 53, 34],
                    unit: 1000,
                },
                4,
            ),
            Job::new(
                Workload::ListAppend {
                    total: 10_000,
                    seed: 7,
                },
                4,
            ),
            Job::new(Workload::Factorial { offset: 0 }, 10),
            Job::new(Workload::Square, 1000),
            Job::new(Workload::QueueSquare { stagger_ms: 0 }, 5),
            Job::new(Workload::FileWrite { bytes: 5 }, 3),
        ];
        for job in jobs {
            assert_eq!(
                run_serially(&job),
                job.expected(),
                "{}",
                job.workload.name()
            );
        }
    }

    #[test]
    fn the_seeds_answers() {
        let ints = |v: &[i64]| v.iter().map(|&x| Value::Int(x)).collect::<Vec<_>>();
        assert_eq!(
            Job::new(Workload::EmptyLoop { count: 3_000_000 }, 10).expected(),
            ints(&(11..=20).collect::<Vec<_>>())
        );
        let factorials = [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880];
        assert_eq!(
            Job::new(Workload::Factorial { offset: 0 }, 10).expected(),
            factorials
                .iter()
                .map(|f: &i64| Value::Big(f.to_string()))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            Job::new(Workload::QueueSquare { stagger_ms: 0 }, 5).expected(),
            ints(&[0, 1, 4, 9, 16])
        );
        let sums = Job::new(
            Workload::SumRange {
                numbers: vec![11],
                unit: 1_000_000,
            },
            1,
        )
        .expected();
        assert_eq!(sums, ints(&[60_499_994_500_000]), "sum(range(11_000_000))");
    }

    #[test]
    fn waits_follow_the_seeds() {
        let ramp = Job::new(Workload::SleepRamp { unit_ms: 100 }, 5);
        assert_eq!(
            (0..5).map(|i| ramp.wait_ms(i)).collect::<Vec<_>>(),
            [0, 100, 200, 300, 400]
        );
        let queue = Job::new(Workload::QueueSquare { stagger_ms: 10 }, 3);
        assert_eq!(
            (0..3).map(|i| queue.wait_ms(i)).collect::<Vec<_>>(),
            [20, 10, 0]
        );
        assert_eq!(Job::new(Workload::EmptyLoop { count: 1 }, 2).wait_ms(1), 0);
        // An index past the last task is treated as the last, which waits nothing.
        assert_eq!((queue.wait_ms(3), queue.wait_ms(9)), (0, 0));
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(60_000_000), "60,000,000");
    }

    #[test]
    fn a_workload_is_described_with_its_size() {
        assert_eq!(
            Workload::EmptyLoop { count: 3_000_000 }.describe(),
            "empty loop — count to 3,000,000"
        );
        assert_eq!(
            Workload::SumRange {
                numbers: vec![11, 23, 53, 34],
                unit: 250_000
            }
            .describe(),
            "sum of range — [11, 23, 53, 34] × 250,000"
        );
        assert_eq!(
            Workload::FileWrite { bytes: 5 }.describe(),
            "write a file — 5 bytes, in-memory file (a stand-in for disk I/O)"
        );
        assert_eq!(Workload::QueueSquare { stagger_ms: 0 }.describe(), "x*x");
        assert_eq!(
            Workload::QueueSquare { stagger_ms: 10 }.describe(),
            "x*x, earlier tasks waiting 10 ms more"
        );
    }

    #[test]
    fn values_read_well() {
        assert_eq!(Value::Int(42).to_string(), "42");
        assert_eq!(Value::Float(1024.0).to_string(), "1.024e3");
        assert_eq!(
            Value::Big("1".repeat(30)).to_string(),
            "111111111111…(30 digits)"
        );
        assert_eq!(
            Value::List {
                len: 3,
                checksum: 255
            }
            .to_string(),
            "list of 3 (#000000ff)"
        );
        let digits = "9".repeat(24);
        assert_eq!(
            Value::Big(digits.clone()).to_string(),
            digits,
            "24 digits fit"
        );
        let forty = "é".repeat(40);
        assert_eq!(
            Value::Text(forty.clone()).to_string(),
            forty,
            "40 characters fit"
        );
        assert_eq!(
            Value::Text("é".repeat(41)).to_string(),
            format!("{}…", "é".repeat(39))
        );
        assert_eq!(Value::Failed("why".into()).to_string(), "failed: why");
    }

    #[test]
    fn lists_of_values_are_shown_to_a_limit_and_the_first_failure_is_named() {
        let values: Vec<Value> = (1..=3).map(Value::Int).collect();
        assert_eq!(show_list(&values, 3), "[1, 2, 3]");
        assert_eq!(show_list(&values, 2), "[1, 2, … (3 in all)]");
        assert_eq!(show_list(&values, 4), "[1, 2, 3]");
        assert_eq!(first_failure(&values), None);
        let failing = [
            Value::Text("ok".into()),
            Value::Failed("line 2: x is not defined".into()),
            Value::Failed("later".into()),
        ];
        assert_eq!(
            first_failure(&failing).as_deref(),
            Some("task 1: line 2: x is not defined")
        );
        let slots = vec![Some(Value::Int(7)), Some(Value::Int(8))];
        assert_eq!(
            in_submission_order(slots),
            Ok(vec![Value::Int(7), Value::Int(8)])
        );
        let missing = vec![Some(Value::Int(7)), None, None];
        assert_eq!(
            in_submission_order(missing),
            Err("task 1 never came back".to_string())
        );
    }

    #[test]
    fn an_answer_is_worked_out_a_few_steps_at_a_time() {
        let mut squares = Job::new(Workload::Square, 5).expecting();
        assert!(squares.advance(2).is_none(), "two of five");
        assert!(squares.advance(2).is_none(), "four of five");
        let answer = squares.advance(2).expect("all five");
        assert_eq!(answer.values[4], Value::Float(16.0));
        let race = Workload::Race {
            adds: 1000,
            guard: shared_counter::Guard::Atomic,
        };
        let totals = [1000, 2000, 3000].map(Value::Int);
        assert_eq!(Job::new(race, 3).expected(), totals, "each task's subtotal");
    }

    #[test]
    fn even_tasks_are_those_whose_cost_does_not_grow_with_the_index() {
        let even = [
            Workload::EmptyLoop { count: 10 },
            Workload::SleepAdd { ms: 5 },
            Workload::ListAppend { total: 10, seed: 1 },
            Workload::Square,
            Workload::QueueSquare { stagger_ms: 0 },
            Workload::SharedCounter { amount: 5 },
            Workload::Race {
                adds: 10,
                guard: shared_counter::Guard::Atomic,
            },
            Workload::FileWrite { bytes: 10 },
        ];
        let uneven = [
            Workload::SleepRamp { unit_ms: 1 },
            Workload::SumRange {
                numbers: vec![1, 2],
                unit: 1,
            },
            Workload::Factorial { offset: 1 },
            Workload::QueueSquare { stagger_ms: 1 },
            Workload::Script {
                source: "fn task(i) { i }".into(),
            },
        ];
        for w in even {
            assert!(w.even_tasks(), "{}", w.name());
        }
        for w in uneven {
            assert!(!w.even_tasks(), "{}", w.name());
        }
    }

    #[test]
    fn memory_reserved_for_a_run_is_kept_for_the_next() {
        use std::sync::atomic::Ordering;
        let mb = 1 << 20;
        reserve_memory(3 * mb);
        assert!(RESERVED.load(Ordering::Relaxed) >= 3 * mb);
        reserve_memory(mb);
        assert!(RESERVED.load(Ordering::Relaxed) >= 3 * mb, "never less");
    }

    #[test]
    fn a_cancelled_task_stops_mid_wait_and_mid_computation() {
        let cancel = Cancel::new();
        cancel.cancel();
        let started = web_time::Instant::now();
        // Centuries of counting, and a minute's sleep, without the checkpoints.
        let endless = Job::new(Workload::EmptyLoop { count: u64::MAX }, 1);
        assert_eq!(endless.run_blocking(0, &mut NoGil, &cancel), Value::Int(11));
        let sleepy = Job::new(Workload::SleepAdd { ms: 60_000 }, 1);
        sleepy.run_blocking(0, &mut NoGil, &cancel);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
        // Not cancelled: the wait is whole.
        let started = web_time::Instant::now();
        Job::new(Workload::SleepAdd { ms: 30 }, 1).run_blocking(0, &mut NoGil, &Cancel::new());
        assert!(started.elapsed() >= std::time::Duration::from_millis(30));
    }

    #[test]
    fn the_page_thread_refuses_a_sleep_that_would_end_past_its_limit() {
        let job = Job::new(
            Workload::Script {
                source: "fn task(i) { i }".into(),
            },
            1,
        );
        let mut page = PageThread::for_job(&job);
        let err = page.sleep(5000).expect_err("5 s is past 3 s");
        assert_eq!(
            err,
            "sleep(5000) would end past the limit: a script task may run 3 s on the page's own \
             thread, which cannot respond meanwhile"
        );
        let t = web_time::Instant::now();
        assert_eq!(page.sleep(20), Ok(()));
        assert!(
            t.elapsed() >= std::time::Duration::from_millis(20),
            "it waited"
        );
        // A built-in workload has no limit on the page.
        let built_in = Job::new(Workload::SleepAdd { ms: 1 }, 1);
        assert_eq!(PageThread::for_job(&built_in).sleep(1), Ok(()));
    }

    #[test]
    fn a_script_task_on_the_page_stops_at_its_deadline_and_a_built_in_one_never() {
        let ms = std::time::Duration::from_millis;
        let now = web_time::Instant::now();
        let mut within = PageThread {
            deadline: Some(now + ms(60_000)),
        };
        assert!(within.check());
        let mut past = PageThread {
            deadline: Some(now - ms(1)),
        };
        assert!(!past.check());
        assert!(PageThread { deadline: None }.check());
        let built_in = Job::new(Workload::SleepAdd { ms: 1 }, 1);
        assert!(PageThread::for_job(&built_in).deadline.is_none());
    }

    #[test]
    fn a_checkpoints_waits_are_whole_unless_its_run_is_cancelled() {
        let ms = std::time::Duration::from_millis;
        let mut waited = false;
        NoGil.blocking(&mut || waited = true);
        assert!(waited, "the wait itself runs");
        let t = web_time::Instant::now();
        assert_eq!(NoGil.sleep(20), Ok(()));
        assert!(t.elapsed() >= ms(20), "a worker's sleep blocks");

        let cancel = Cancel::new();
        let mut page = PageThread { deadline: None };
        let mut stoppable = Stoppable {
            inner: &mut page,
            cancel: &cancel,
        };
        assert!(stoppable.check());
        let mut waited = false;
        stoppable.blocking(&mut || waited = true);
        assert!(waited);
        let t = web_time::Instant::now();
        assert_eq!(stoppable.sleep(20), Ok(()));
        assert!(t.elapsed() >= ms(20), "not cancelled, the sleep is whole");
        assert_eq!(
            stoppable.stopped_why(),
            PageThread { deadline: None }.stopped_why()
        );
        cancel.cancel();
        assert!(!stoppable.check());
        let t = web_time::Instant::now();
        assert_eq!(stoppable.sleep(60_000), Ok(()));
        assert!(t.elapsed() < ms(5_000), "cancelled, it ends at once");
        assert_eq!(stoppable.stopped_why(), crate::cancel::Cancelled::WHY);
        assert_ne!(
            crate::cancel::Cancelled::WHY,
            PageThread { deadline: None }.stopped_why()
        );
    }

    #[test]
    fn each_fault_is_named_and_described_by_what_it_does() {
        let said: Vec<_> = (FaultKind::ALL.iter())
            .map(|k| (k.name(), k.description()))
            .collect();
        assert_eq!(said[0].0, "panics");
        assert_eq!(said[1].0, "traps");
        for (name, description) in &said {
            assert!(
                description.starts_with(&format!("{name} (")),
                "{description}"
            );
        }
        assert!(said[0].1.contains("Rust panic") && said[1].1.contains("unreachable"));
    }

    #[test]
    fn a_warm_up_goes_on_until_a_call_is_twice_as_fast_after_a_third_of_its_budget() {
        let ms = std::time::Duration::from_millis;
        let mut warm = WarmUp::new(ms(60_000));
        assert!(!warm.call(|| std::thread::sleep(ms(5))), "the first call");
        assert!(!warm.call(|| {}), "fast, but before a third of the budget");
        // A call that is the slowest so far is never twice as fast, however loaded the machine.
        let mut warm = WarmUp::new(ms(600));
        assert!(!warm.call(|| std::thread::sleep(ms(10))));
        assert!(!warm.call(|| std::thread::sleep(ms(20))), "slower");
        std::thread::sleep(ms(250));
        assert!(
            !warm.call(|| std::thread::sleep(ms(30))),
            "past a third, but slower"
        );
        assert!(warm.call(|| {}), "twice as fast, past a third");
        let mut spent = WarmUp::new(ms(10));
        assert!(!spent.call(|| {}));
        std::thread::sleep(ms(10));
        assert!(spent.call(|| {}), "the budget is spent");
    }

    #[test]
    fn a_script_answer_in_one_memory_counts_from_its_own_0() {
        let global = Workload::Script {
            source: script::EXAMPLES[3].1.into(),
        };
        let job = Job::new(global, 5);
        let serial = job.answer();
        let ints = |v: &[i64]| {
            v.iter()
                .map(|&x| Value::Text(x.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(serial.values, ints(&[5, 10, 15, 20, 25]));
        assert_eq!(serial.total, Some(25));
        let mut worker = job.expecting_in(vec![3, 1]);
        let own = worker.advance(1).map(|a| a.values);
        assert_eq!(own, None, "one task per slice");
        let own = worker.advance(1).expect("both tasks");
        assert_eq!(own.values, ints(&[5, 10]));
        assert_eq!(own.total, Some(10));
        let plain = Job::new(
            Workload::Script {
                source: "fn task(i) { i * 2 }".into(),
            },
            3,
        );
        assert_eq!(
            plain.answer().total,
            None,
            "a script that never touched the total"
        );
        let counter = Job::new(Workload::SharedCounter { amount: 5 }, 4);
        assert_eq!(counter.answer().total, Some(20));
        assert_eq!(Job::new(Workload::Square, 4).answer().total, None);
    }

    #[test]
    fn a_faulty_task_fails_naming_itself_and_the_others_compute() {
        let fault = Fault {
            task: 2,
            kind: FaultKind::Panic,
        };
        let job = Job::new(Workload::Square, 4).with_fault(Some(fault));
        assert_eq!(job.compute(1, &mut NoGil), Value::Float(2.0));
        assert_eq!(job.compute(3, &mut NoGil), Value::Float(8.0));
        let why = std::panic::catch_unwind(|| job.compute(2, &mut NoGil)).expect_err("task 2");
        let why = why.downcast_ref::<String>().expect("a message");
        assert!(why.starts_with("task 2 failed on purpose"), "{why}");
        assert_eq!(job.warm_up().fault, None, "a warm-up never fails");
    }

    #[test]
    fn a_run_that_would_outgrow_the_shared_memory_is_refused_naming_the_limit() {
        let fits = Job::new(
            Workload::ListAppend {
                total: 10_000_000,
                seed: 1,
            },
            10,
        );
        assert_eq!(fits.check_memory(), Ok(()));
        let too_big = Job::new(
            Workload::ListAppend {
                total: 120_000_000,
                seed: 1,
            },
            10,
        );
        let why = too_big.check_memory().expect_err("120 million numbers");
        assert!(why.contains("915 MiB") && why.contains("768 MiB"), "{why}");
        assert_eq!(Job::new(Workload::Square, 1000).check_memory(), Ok(()));
        // Each isolated worker holds one task's list at a time: a tenth of the whole.
        assert_eq!(fits.peak_memory_bytes(), 10_000_000 * LIST_BYTES_PER_NUMBER);
        assert_eq!(fits.peak_task_bytes(), 1_000_000 * LIST_BYTES_PER_NUMBER);
        assert_eq!(Job::new(Workload::Square, 1000).peak_task_bytes(), 0);
    }
}
