//! loom checks `lessons::counter` under every interleaving of two threads.
//!
//! A normal test runs the racy counter and usually sees the right total: the bad interleaving
//! is rare. loom instead runs the model once per possible interleaving of the atomic operations,
//! so it finds the lost update every time, and proves the fix for this model.
//!
//! The code under test is the library's own `increment_racy` / `increment_atomic`, generic over
//! `AtomicCell`; here they run on loom's `AtomicUsize` through the `LoomCell` wrapper. (loom is
//! used directly, not through `--cfg loom`, which tokio does not build under.)

use std::panic::{AssertUnwindSafe, catch_unwind};

use lessons::counter::{AtomicCell, increment_atomic, increment_racy};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};

/// loom's atomic behind the library's trait.
struct LoomCell(AtomicUsize);

impl AtomicCell for LoomCell {
    fn load(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
    fn store(&self, value: usize) {
        self.0.store(value, Ordering::SeqCst);
    }
    fn fetch_add(&self, value: usize) -> usize {
        self.0.fetch_add(value, Ordering::SeqCst)
    }
}

/// Two threads increment once each; the model asserts the total is 2.
fn two_increments(increment: fn(&LoomCell)) {
    loom::model(move || {
        let counter = Arc::new(LoomCell(AtomicUsize::new(0)));
        let other = Arc::clone(&counter);
        let thread = loom::thread::spawn(move || increment(&other));
        increment(&counter);
        thread.join().unwrap();
        assert_eq!(counter.load(), 2, "lost update");
    });
}

#[test]
fn loom_finds_the_lost_update_in_the_racy_counter() {
    // The model must fail: catch the panic and check it is our assertion.
    let outcome = catch_unwind(AssertUnwindSafe(|| two_increments(increment_racy)));
    let payload = outcome.expect_err("loom should find an interleaving that loses an update");
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    assert!(
        message.contains("lost update"),
        "failed for another reason: {message}"
    );
}

#[test]
fn loom_passes_the_atomic_counter() {
    two_increments(increment_atomic);
}
