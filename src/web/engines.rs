//! The three engines. Each takes the same job and worker count and returns a [`RawRun`]
//! (results in submission order, arrival order, elapsed time) for the caller to check against
//! the serial answer.
//!
//! [`RawRun`]: crate::run::RawRun

pub mod isolated;
pub mod main_thread;
pub mod shared_pool;
