//! Asking a run to stop: one flag that every clone of a [`Cancel`] shares, checked by the
//! engines and inside long tasks, and the error a cancelled run ends with ([`Cancelled`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Asks a run to stop. Engines check it before each task (or chunk of tasks) they hand out, so
/// a run stops within one task's time; points already measured are kept.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// What a cancelled engine returns instead of a run: an error of its own, so that whoever waits
/// for the run tells a cancel from a failure by its type, never by its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl Cancelled {
    /// How a cancel reads where it can only travel as words: a task's value, stopped mid-task.
    pub const WHY: &'static str = "cancelled";
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::WHY)
    }
}

impl std::error::Error for Cancelled {}

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_is_seen_by_every_clone() {
        let cancel = Cancel::new();
        let seen_elsewhere = cancel.clone();
        assert_eq!(seen_elsewhere.check(), Ok(()));
        cancel.cancel();
        assert_eq!(seen_elsewhere.check(), Err(Cancelled));
    }

    #[test]
    fn a_cancel_reads_as_cancelled() {
        assert_eq!(Cancelled.to_string(), "cancelled");
    }
}
