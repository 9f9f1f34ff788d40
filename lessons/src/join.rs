//! Joining threads with a deadline.
//!
//! `JoinHandle::join` waits forever. A test (or a notebook cell) that joins a stuck thread hangs
//! instead of failing, so these helpers poll `is_finished` until a deadline and report the
//! threads still running.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Wait until every thread in `handles` has finished, at most `timeout` in all, and return
/// their results in the order of `handles`.
///
/// # Errors
///
/// `Err` names how many threads were still running at the deadline (they are left running:
/// Rust cannot stop a thread from outside), or that a thread panicked.
pub fn join_all_within<T>(
    handles: Vec<JoinHandle<T>>,
    timeout: Duration,
) -> Result<Vec<T>, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let running = handles.iter().filter(|h| !h.is_finished()).count();
        if running == 0 {
            break;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{running} of {} threads still running after {timeout:?}",
                handles.len()
            ));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    handles
        .into_iter()
        .enumerate()
        .map(|(i, h)| h.join().map_err(|_| format!("thread {i} panicked")))
        .collect()
}
