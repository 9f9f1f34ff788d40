//! A shared counter, first with a lost update, then fixed.
//!
//! The code is generic over [`AtomicCell`] so that the same two functions run on std's
//! `AtomicUsize` (in the library and the notebooks) and on loom's `AtomicUsize` (in
//! `tests/loom_counter.rs`, through a small wrapper type): loom checks the code we ship, not a
//! copy of it.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The atomic operations the counter uses.
pub trait AtomicCell {
    /// Read the value.
    fn load(&self) -> usize;
    /// Overwrite the value.
    fn store(&self, value: usize);
    /// Add `value` in one indivisible step and return the previous value.
    fn fetch_add(&self, value: usize) -> usize;
}

impl AtomicCell for AtomicUsize {
    // SeqCst everywhere: the lesson is about the lost update, not about memory orderings.
    fn load(&self) -> usize {
        AtomicUsize::load(self, Ordering::SeqCst)
    }
    fn store(&self, value: usize) {
        AtomicUsize::store(self, value, Ordering::SeqCst);
    }
    fn fetch_add(&self, value: usize) -> usize {
        AtomicUsize::fetch_add(self, value, Ordering::SeqCst)
    }
}

/// The bug: read, then write back one more. Each step is atomic, the pair is not: two threads
/// can read the same value and both write value + 1, and one increment is lost. No `unsafe`,
/// no data race in Rust's sense, and still wrong.
pub fn increment_racy<C: AtomicCell>(counter: &C) {
    let seen = counter.load();
    counter.store(seen + 1);
}

/// The fix: one read-modify-write that no other thread can split.
pub fn increment_atomic<C: AtomicCell>(counter: &C) {
    counter.fetch_add(1);
}

/// Run `threads` threads that each call `increment` `per_thread` times on one shared counter,
/// and return the final value. The correct answer is `threads * per_thread`.
pub fn count_with_threads(threads: usize, per_thread: usize, increment: fn(&AtomicUsize)) -> usize {
    let counter = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    increment(&counter);
                }
            });
        }
    });
    counter.into_inner()
}
