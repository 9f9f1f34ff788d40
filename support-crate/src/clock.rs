//! Where a trace's timestamps come from.
//!
//! Real time shows what actually happened, but it differs on every run, so a picture of it can't
//! be compared byte for byte. The two deterministic clocks exist for tests and for snapshot
//! images: logical ticks (every event takes the next number) and tokio's clock (which a paused
//! runtime advances only when every task is asleep).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Which clock a [`Trace`](crate::Trace) reads.
///
/// # Examples
///
/// ```
/// use interleave::{Clock, Trace};
///
/// let trace = Trace::builder().clock(Clock::Logical).build();
/// let lane = trace.lane("main");
/// lane.mark("a");
/// lane.mark("b");
/// let snap = trace.snapshot();
/// assert_eq!(snap.first_time_of("a"), Some(0));
/// assert_eq!(snap.first_time_of("b"), Some(1));
/// assert_eq!(snap.clock(), Clock::Logical);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Clock {
    /// Nanoseconds since the trace was made, from [`std::time::Instant`]. The default.
    #[default]
    Real,
    /// Logical ticks: each recorded event takes the next integer (0, 1, 2, ...), shared by all
    /// lanes, so the order of events is kept and the numbers are the same on every run of a
    /// deterministic program.
    Logical,
    /// Nanoseconds from [`tokio::time::Instant`], counted from the trace's first event. Inside a
    /// runtime with paused time (see [`bounded::Flavor::Paused`](crate::bounded::Flavor::Paused))
    /// this time only moves when tasks sleep, so timelines are identical on every run.
    Tokio,
}

impl Clock {
    /// The unit the clock counts in, for axis labels.
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::Clock;
    /// assert_eq!(Clock::Logical.unit(), "ticks");
    /// assert_eq!(Clock::Real.unit(), "ns");
    /// ```
    pub fn unit(self) -> &'static str {
        match self {
            Clock::Real | Clock::Tokio => "ns",
            Clock::Logical => "ticks",
        }
    }
}

/// The running clock of one trace.
#[derive(Debug)]
pub(crate) enum ClockSource {
    Real(Instant),
    Logical(AtomicU64),
    // The start is taken at the first event, not when the trace is made: a trace is often made
    // before the (paused) runtime exists, and the runtime's clock starts at its own creation.
    Tokio(OnceLock<tokio::time::Instant>),
}

impl ClockSource {
    pub(crate) fn new(kind: Clock) -> Self {
        match kind {
            Clock::Real => ClockSource::Real(Instant::now()),
            Clock::Logical => ClockSource::Logical(AtomicU64::new(0)),
            Clock::Tokio => ClockSource::Tokio(OnceLock::new()),
        }
    }

    pub(crate) fn kind(&self) -> Clock {
        match self {
            ClockSource::Real(_) => Clock::Real,
            ClockSource::Logical(_) => Clock::Logical,
            ClockSource::Tokio(_) => Clock::Tokio,
        }
    }

    /// The current time without taking a tick of the logical clock (for snapshots).
    pub(crate) fn peek(&self) -> u64 {
        match self {
            ClockSource::Logical(next) => next.load(Ordering::Relaxed),
            // Outside a runtime, tokio's clock is the real clock, which has nothing to do with
            // a paused runtime's time: fall back to the last event (0 here, raised later).
            ClockSource::Tokio(start)
                if start.get().is_none() || tokio::runtime::Handle::try_current().is_err() =>
            {
                0
            }
            _ => self.now(),
        }
    }

    /// The current time in the clock's unit.
    #[inline]
    pub(crate) fn now(&self) -> u64 {
        match self {
            // u64 nanoseconds last 584 years; saturate rather than wrap past that.
            ClockSource::Real(start) => {
                u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
            }
            ClockSource::Logical(next) => next.fetch_add(1, Ordering::Relaxed),
            ClockSource::Tokio(start) => {
                let now = tokio::time::Instant::now();
                let start = *start.get_or_init(|| now);
                u64::try_from(now.saturating_duration_since(start).as_nanos()).unwrap_or(u64::MAX)
            }
        }
    }
}
