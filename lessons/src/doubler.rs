//! The Go tutorial's `NumberDoubler`: take numbers from an input channel, send each one doubled
//! to an output channel, stop when the input is closed.
//!
//! Several doublers share one input channel, so which doubler takes which number, and therefore
//! the order of the outputs, changes from run to run. The tests in `tests/doubler_threads.rs` and
//! `tests/doubler_tasks.rs` accept every order.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use tokio::sync::{Mutex, mpsc};

/// Double every number from `input` and send it to `output`, until `input` is closed (every
/// sender dropped) and empty. Returns early if `output` has no receiver left.
///
/// Takes its channel ends by value, like Go's `go NumberDoubler(in, out)`: each worker thread
/// owns a clone, and the output channel closes when the last worker returns.
pub fn number_doubler(input: Receiver<i64>, output: Sender<i64>) {
    // `iter()` ends when the channel is closed and drained: Go's `for n := range input`.
    for number in input.iter() {
        if output.send(number * 2).is_err() {
            return; // nobody is listening any more: stop instead of doubling into the void
        }
    }
}

/// Start `workers` threads, each running [`number_doubler`] on clones of the two channel ends.
///
/// The caller must join the returned handles (see [`crate::join::join_all_within`]).
pub fn spawn_doublers(
    workers: usize,
    input: &Receiver<i64>,
    output: &Sender<i64>,
) -> Vec<thread::JoinHandle<()>> {
    (0..workers)
        .map(|_| {
            let (input, output) = (input.clone(), output.clone());
            thread::spawn(move || number_doubler(input, output))
        })
        .collect()
}

/// The input end shared by several async doublers.
///
/// tokio's mpsc channel has a single receiver, so the workers take turns through a tokio
/// `Mutex` (not a std one: the lock is held across the `.await` of `recv`).
pub type SharedReceiver = Arc<Mutex<mpsc::Receiver<i64>>>;

/// The async `NumberDoubler`: like [`number_doubler`], for tokio tasks. Each number takes
/// `latency` of simulated work (a `tokio::time::sleep`; zero means no sleep at all).
pub async fn number_doubler_async(
    input: SharedReceiver,
    output: mpsc::Sender<i64>,
    latency: Duration,
) {
    loop {
        // Hold the lock only while waiting for the next number, not while working on it, so the
        // other workers can take numbers meanwhile.
        let next = input.lock().await.recv().await;
        let Some(number) = next else { return };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if output.send(number * 2).await.is_err() {
            return;
        }
    }
}
