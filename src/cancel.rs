//! Asking a run to stop: one flag that every clone of a [`Cancel`] shares, checked by the
//! engines and inside long tasks, and the error a cancelled run ends with.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Asks a run to stop. Engines check it before each task (or chunk of tasks) they hand out, so
/// a run stops within one task's time; points already measured are kept.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// What a cancelled engine returns instead of a run.
pub const CANCELLED: &str = "cancelled";

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

    /// `Err(CANCELLED)` once cancelled.
    pub fn check(&self) -> Result<(), String> {
        if self.is_cancelled() {
            Err(CANCELLED.into())
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
        assert_eq!(seen_elsewhere.check(), Err(CANCELLED.to_string()));
    }
}
