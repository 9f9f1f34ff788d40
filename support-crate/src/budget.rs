//! The capacity budget shared by all lanes of a trace.
//!
//! Why a budget and not a length check: every lane owns its own buffer so that recording never
//! contends with other threads. A global "events so far" counter would be touched by every
//! event of every thread, and that shared cache line is exactly what makes two recording threads
//! slow. Instead the trace starts with `capacity` units in one atomic counter, and each lane takes
//! a *chunk* of units at a time and spends them locally. The shared atomic is touched once per
//! chunk, not once per event.
//!
//! The counter type is a tiny trait so that the same code can run on `std`'s atomics in the
//! library and on `loom`'s atomics in a model test (see the tests at the bottom), without a
//! crate-wide `--cfg loom` (which tokio does not build under).

use std::sync::atomic::{AtomicUsize, Ordering};

/// The few atomic operations the budget needs.
pub(crate) trait Counter {
    /// Make a counter holding `value`.
    fn new(value: usize) -> Self;
    /// Read the current value.
    fn load(&self) -> usize;
    /// Replace `current` by `new` if the counter still holds `current`.
    fn compare_exchange_weak(&self, current: usize, new: usize) -> Result<usize, usize>;
    /// Add `value` and return the previous value.
    fn fetch_add(&self, value: usize) -> usize;
}

impl Counter for AtomicUsize {
    fn new(value: usize) -> Self {
        AtomicUsize::new(value)
    }

    fn load(&self) -> usize {
        // Relaxed is enough: the budget only hands out numbers; it publishes no other memory.
        AtomicUsize::load(self, Ordering::Relaxed)
    }

    fn compare_exchange_weak(&self, current: usize, new: usize) -> Result<usize, usize> {
        AtomicUsize::compare_exchange_weak(self, current, new, Ordering::Relaxed, Ordering::Relaxed)
    }

    fn fetch_add(&self, value: usize) -> usize {
        AtomicUsize::fetch_add(self, value, Ordering::Relaxed)
    }
}

/// The most units a lane takes at once. Large enough that the shared atomic is rarely touched
/// (once per 256 events), small enough that units parked in idle lanes stay a small fraction.
pub(crate) const MAX_CHUNK: usize = 256;

/// Units of trace capacity not yet handed to any lane.
#[derive(Debug)]
pub(crate) struct Budget<C: Counter = AtomicUsize> {
    remaining: C,
}

impl<C: Counter> Budget<C> {
    /// A budget of `capacity` units.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            remaining: C::new(capacity),
        }
    }

    /// Units not yet handed out.
    #[cfg_attr(not(test), allow(dead_code))] // read by tests and the loom model
    pub(crate) fn remaining(&self) -> usize {
        self.remaining.load()
    }

    /// Take at least `min` and at most `MAX_CHUNK` units (never less than `min`), or nothing.
    ///
    /// The chunk shrinks as the budget runs low (an eighth of what is left), so that with a small
    /// capacity one lane does not hoard what the others need.
    pub(crate) fn take(&self, min: usize) -> usize {
        let mut current = self.remaining.load();
        loop {
            if current == 0 || current < min {
                return 0;
            }
            let want = (current / 8).clamp(min.max(1), MAX_CHUNK.max(min));
            let take = want.min(current);
            match self
                .remaining
                .compare_exchange_weak(current, current - take)
            {
                Ok(_) => return take,
                Err(now) => current = now,
            }
        }
    }

    /// Return units a lane took but will not use.
    #[allow(dead_code)] // used by the loom model; kept for lanes that hand back their reserve
    pub(crate) fn give_back(&self, units: usize) {
        if units > 0 {
            self.remaining.fetch_add(units);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_chunks_and_never_more_than_capacity() {
        let b: Budget = Budget::new(1000);
        let mut total = 0;
        loop {
            let t = b.take(1);
            if t == 0 {
                break;
            }
            assert!(t <= MAX_CHUNK);
            total += t;
        }
        assert_eq!(total, 1000);
        assert_eq!(b.remaining(), 0);
    }

    #[test]
    fn min_is_all_or_nothing() {
        let b: Budget = Budget::new(1);
        assert_eq!(b.take(2), 0, "cannot take 2 of 1");
        assert_eq!(b.take(1), 1);
        assert_eq!(b.take(1), 0);
        b.give_back(3);
        assert_eq!(b.take(2), 2);
    }

    #[test]
    fn zero_capacity_hands_out_nothing() {
        let b: Budget = Budget::new(0);
        assert_eq!(b.take(1), 0);
        assert_eq!(b.take(0), 0);
    }

    /// loom's atomic behind the same trait, so the model checks the real `take` code.
    mod loom_model {
        use super::super::{Budget, Counter};
        use loom::sync::Arc;
        use loom::sync::atomic::{AtomicUsize, Ordering};

        impl Counter for AtomicUsize {
            fn new(value: usize) -> Self {
                AtomicUsize::new(value)
            }
            fn load(&self) -> usize {
                AtomicUsize::load(self, Ordering::Relaxed)
            }
            fn compare_exchange_weak(&self, current: usize, new: usize) -> Result<usize, usize> {
                AtomicUsize::compare_exchange_weak(
                    self,
                    current,
                    new,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
            }
            fn fetch_add(&self, value: usize) -> usize {
                AtomicUsize::fetch_add(self, value, Ordering::Relaxed)
            }
        }

        /// Two lanes drain a small budget at once: every unit is handed out exactly once, no
        /// lane gets more than was there, and nothing is lost (under every interleaving loom
        /// explores).
        #[test]
        fn two_lanes_share_the_budget_exactly() {
            loom::model(|| {
                let budget: Arc<Budget<AtomicUsize>> = Arc::new(Budget::new(5));
                let other = Arc::clone(&budget);
                let t = loom::thread::spawn(move || {
                    let a = other.take(2);
                    let b = other.take(1);
                    a + b
                });
                let mine = budget.take(2);
                let theirs = t.join().unwrap_or(usize::MAX);
                let total = mine + theirs + budget.remaining();
                assert_eq!(total, 5, "units created or lost");
            });
        }

        /// A lane giving units back while another takes: the sum stays exact.
        #[test]
        fn give_back_races_with_take() {
            loom::model(|| {
                let budget: Arc<Budget<AtomicUsize>> = Arc::new(Budget::new(2));
                let got = budget.take(2);
                assert_eq!(got, 2);
                let other = Arc::clone(&budget);
                let t = loom::thread::spawn(move || other.take(1));
                budget.give_back(1);
                let theirs = t.join().unwrap_or(usize::MAX);
                assert!(theirs <= 1);
                assert_eq!(budget.remaining() + theirs, 1);
            });
        }
    }
}
