//! The trace: one shared recording that many threads and tasks write into.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::budget::Budget;
use crate::clock::{Clock, ClockSource};
use crate::lane::{Lane, LaneShared};
use crate::plot::Timeline;
use crate::snapshot::Snapshot;

/// Events a trace keeps unless told otherwise: about 50 MB at most, enough for any notebook demo.
///
/// # Examples
///
/// ```
/// assert_eq!(interleave::Trace::new().capacity(), interleave::DEFAULT_CAPACITY);
/// ```
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// Gives every trace its own id, so a [`Msg`](crate::Msg) received on the wrong trace is noticed.
static NEXT_TRACE_ID: AtomicU64 = AtomicU64::new(1);

/// A recording of what several threads or tasks did, and when.
///
/// A trace is a cheap handle (an [`Arc`]): clone it into every thread or task. Each thread or task
/// asks for its own [`Lane`] (a named row of the picture) and records into it:
/// spans ([`Lane::span`]), marks ([`Lane::mark`]) and messages ([`Lane::send`], [`Lane::recv`]).
/// A trace holds at most [`capacity`](Trace::capacity) events; past that, events are counted in
/// [`dropped`](Trace::dropped) and the picture says so. Recording never panics and never grows
/// without bound.
///
/// # Examples
///
/// ```
/// use interleave::Trace;
///
/// let trace = Trace::new();
/// std::thread::scope(|s| {
///     for i in 0..2 {
///         let lane = trace.lane(format!("worker {i}"));
///         s.spawn(move || {
///             let _work = lane.span("work");
///             lane.mark("halfway");
///         });
///     }
/// });
/// let snap = trace.snapshot();
/// assert_eq!(snap.lane_names(), ["worker 0", "worker 1"]);
/// assert_eq!(snap.spans().len(), 2);
/// assert_eq!(trace.len(), 6); // per worker: span begin, mark, span end
/// ```
#[derive(Clone)]
pub struct Trace {
    pub(crate) inner: Arc<TraceInner>,
}

/// The shared state behind every clone of a [`Trace`] and every [`Lane`].
pub(crate) struct TraceInner {
    pub(crate) id: u64,
    pub(crate) clock: ClockSource,
    pub(crate) budget: Budget,
    pub(crate) capacity: usize,
    pub(crate) dropped: AtomicU64,
    /// Only touched when a lane is made or a snapshot is taken, never while recording.
    pub(crate) lanes: Mutex<Vec<Arc<LaneShared>>>,
}

/// Lock a mutex even if a thread panicked while holding it: a trace is for watching programs
/// that may panic, and our own critical sections leave the data valid at every point.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Trace {
    /// A trace on the real clock with [`DEFAULT_CAPACITY`].
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// assert!(trace.is_empty());
    /// assert_eq!(trace.capacity(), interleave::DEFAULT_CAPACITY);
    /// ```
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A trace on the real clock that keeps at most `capacity` events.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::with_capacity(2);
    /// let lane = trace.lane("main");
    /// for _ in 0..5 {
    ///     lane.mark("tick");
    /// }
    /// assert_eq!(trace.len(), 2);
    /// assert_eq!(trace.dropped(), 3);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        Self::builder().capacity(capacity).build()
    }

    /// A trace on the deterministic [`Clock::Logical`]: each event takes the next tick.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("first");
    /// lane.mark("second");
    /// assert_eq!(trace.snapshot().first_time_of("second"), Some(1));
    /// ```
    pub fn logical() -> Self {
        Self::builder().clock(Clock::Logical).build()
    }

    /// Start configuring a trace (capacity, clock).
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::{Clock, Trace};
    /// let trace = Trace::builder().capacity(100).clock(Clock::Tokio).build();
    /// assert_eq!(trace.capacity(), 100);
    /// assert_eq!(trace.clock(), Clock::Tokio);
    /// ```
    pub fn builder() -> TraceBuilder {
        TraceBuilder {
            capacity: DEFAULT_CAPACITY,
            clock: Clock::Real,
        }
    }

    /// A new named lane (a row of the timeline). Make one per thread or task.
    ///
    /// Each call makes a new lane, even with a name used before. Any string works as a name;
    /// markup characters are escaped when drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// let a = trace.lane("producer");
    /// let b = trace.lane(String::from("consumer"));
    /// assert_eq!(a.name(), "producer");
    /// assert_eq!(trace.snapshot().lane_names(), ["producer", "consumer"]);
    /// # drop(b);
    /// ```
    pub fn lane(&self, name: impl Into<Cow<'static, str>>) -> Lane {
        let mut lanes = lock(&self.inner.lanes);
        let shared = Arc::new(LaneShared::new(lanes.len(), name.into()));
        lanes.push(Arc::clone(&shared));
        Lane::new(Arc::clone(&self.inner), shared)
    }

    /// Events recorded so far (not counting dropped ones).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// trace.lane("main").mark("x");
    /// assert_eq!(trace.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let lanes: Vec<_> = lock(&self.inner.lanes).clone();
        lanes.iter().map(|l| l.len()).sum()
    }

    /// True if no event was recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(interleave::Trace::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events that did not fit in the capacity and were only counted.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::with_capacity(0);
    /// trace.lane("main").mark("lost");
    /// assert_eq!(trace.dropped(), 1);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// The most events this trace keeps.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::with_capacity(7).capacity(), 7);
    /// ```
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// The clock this trace reads.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::logical().clock(), interleave::Clock::Logical);
    /// ```
    pub fn clock(&self) -> Clock {
        self.inner.clock.kind()
    }

    /// A copy of everything recorded so far: lanes, events sorted by time, the dropped count.
    ///
    /// Recording may go on while (and after) a snapshot is taken; spans still open at that
    /// moment appear with no end.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// let open = lane.span("still running");
    /// let snap = trace.snapshot();
    /// assert_eq!(snap.spans()[0].end, None);
    /// drop(open);
    /// assert!(trace.snapshot().spans()[0].end.is_some());
    /// ```
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::take(&self.inner)
    }

    /// A timeline picture of a snapshot of this trace (display it as a cell's last expression,
    /// or call [`render`](Timeline::render) / [`save`](Timeline::save)).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// trace.lane("main").mark("hello");
    /// let svg = trace.timeline().title("one mark").render().unwrap();
    /// assert!(svg.as_str().contains("hello"));
    /// ```
    pub fn timeline(&self) -> Timeline {
        Timeline::new(&self.snapshot())
    }
}

impl Default for Trace {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace")
            .field("clock", &self.clock())
            .field("capacity", &self.capacity())
            .field("len", &self.len())
            .field("dropped", &self.dropped())
            .finish()
    }
}

/// Configures a [`Trace`]; made by [`Trace::builder`].
///
/// # Examples
///
/// ```
/// use interleave::{Clock, Trace};
/// let trace = Trace::builder().capacity(10_000).clock(Clock::Logical).build();
/// assert_eq!(trace.capacity(), 10_000);
/// ```
#[derive(Debug, Clone)]
pub struct TraceBuilder {
    capacity: usize,
    clock: Clock,
}

impl TraceBuilder {
    /// The most events the trace keeps (default [`DEFAULT_CAPACITY`]). Zero is allowed: every
    /// event is then only counted as dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = interleave::Trace::builder().capacity(3).build();
    /// assert_eq!(t.capacity(), 3);
    /// ```
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// The clock to read (default [`Clock::Real`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::{Clock, Trace};
    /// assert_eq!(Trace::builder().clock(Clock::Logical).build().clock(), Clock::Logical);
    /// ```
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Make the trace. A real clock starts counting now.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::builder().build();
    /// assert!(trace.is_empty());
    /// ```
    pub fn build(self) -> Trace {
        Trace {
            inner: Arc::new(TraceInner {
                id: NEXT_TRACE_ID.fetch_add(1, Ordering::Relaxed),
                clock: ClockSource::new(self.clock),
                budget: Budget::new(self.capacity),
                capacity: self.capacity,
                dropped: AtomicU64::new(0),
                lanes: Mutex::new(Vec::new()),
            }),
        }
    }
}
