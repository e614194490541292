//! The script interpreter's stand-in in a module built without the `script` feature (the
//! page's own module): every way into it says the interpreter is missing. Compiled only there,
//! so the native tests, built with the feature, never run it, and mutation testing leaves it
//! out (`.cargo/mutants.toml`).

use super::{Checkpoint, ScriptError, Step};

const MISSING: &str = "this build of the module has no script interpreter (the `script` feature)";

pub fn with_ast(
    _: &str,
    _: impl FnOnce(&(), &()) -> Result<(), ScriptError>,
) -> Result<(), ScriptError> {
    Err(ScriptError::plain(MISSING))
}

pub fn run_task(_: &str, _: usize, _: &mut dyn Checkpoint, _: bool) -> Result<String, ScriptError> {
    Err(ScriptError::plain(MISSING))
}

pub fn start_answer(_: i64) {}

pub fn answer_total() -> Option<i64> {
    None
}

/// Never made: without an interpreter [`start_steps`] fails.
pub enum Stepped {}

impl Stepped {
    pub fn step(&mut self, _: &mut dyn Checkpoint) -> Step {
        match *self {}
    }
}

pub fn start_steps(_: &str, _: usize) -> Result<Stepped, ScriptError> {
    Err(ScriptError::plain(MISSING))
}
