//! Lanes: the recording fast path.
//!
//! Every lane owns its events behind its own `Mutex`. With one lane per thread (the intended
//! use) that mutex is never contended, so locking it costs one uncontended atomic operation. This
//! is simpler than a lock-free ring and, measured, just as fast for our budget (see
//! `benches/figures.rs`). The only state shared between lanes is the capacity
//! [`Budget`](crate::budget::Budget), which a lane touches once per chunk of events.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::trace::{TraceInner, lock};

/// One recorded event, as stored in a lane (the public form is [`crate::Event`]).
#[derive(Debug, Clone)]
pub(crate) struct RawEvent {
    pub(crate) time: u64,
    pub(crate) kind: RawKind,
    pub(crate) label: Cow<'static, str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum RawKind {
    Begin(u64),
    End(u64),
    Mark,
    Send(u64),
    Recv { trace: u64, msg: u64 },
}

/// Ids of spans and messages: the lane's index in the high bits and a per-lane counter in the
/// low bits, so ids are unique in the trace without a shared counter. Zero means "not recorded".
const LOCAL_BITS: u32 = 40;

/// Events per storage chunk (48 KB): small enough for the allocator to recycle chunks of
/// dropped traces (no fresh pages to fault in), large enough that a new chunk is rare.
const CHUNK: usize = 1024;

/// A lane's events, stored in fixed-size chunks rather than one growing `Vec`: a `Vec` that
/// doubles copies all its events at once (a multi-millisecond pause for one unlucky event in a
/// big trace) and takes fresh memory from the OS every time.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    chunks: Vec<Vec<RawEvent>>,
    len: usize,
}

impl EventLog {
    #[inline]
    fn push(&mut self, event: RawEvent) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(event),
            _ => {
                let mut chunk = new_chunk();
                chunk.push(event);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &RawEvent> {
        self.chunks.iter().flatten()
    }
}

/// Chunks of dropped traces, kept for the next traces (at most `POOL_MAX`, 6 MB). Memory that
/// was written before is already mapped: reusing it spares the page faults that fresh memory
/// costs (about 20 ns per event, a third of the recording budget). Notebooks make many short
/// traces one after another, which is exactly the case this helps.
static POOL: Mutex<Vec<Vec<RawEvent>>> = Mutex::new(Vec::new());
const POOL_MAX: usize = 128;

fn new_chunk() -> Vec<RawEvent> {
    lock(&POOL)
        .pop()
        .unwrap_or_else(|| Vec::with_capacity(CHUNK))
}

impl Drop for EventLog {
    fn drop(&mut self) {
        let room = POOL_MAX.saturating_sub(lock(&POOL).len());
        let mut recycled: Vec<Vec<RawEvent>> = self.chunks.drain(..).take(room).collect();
        // Drop the events (and their owned labels) outside the pool's lock.
        recycled.iter_mut().for_each(Vec::clear);
        let mut pool = lock(&POOL);
        let room = POOL_MAX.saturating_sub(pool.len());
        pool.extend(recycled.into_iter().take(room));
    }
}

#[derive(Debug)]
pub(crate) struct LaneBuf {
    pub(crate) events: EventLog,
    /// Units of capacity taken from the trace's budget and not yet spent.
    reserved: usize,
    next_local: u64,
}

/// The part of a lane the trace keeps to take snapshots.
///
/// Aligned to two cache lines so that two lanes written by two threads never share a line
/// (false sharing would make each record pay a cache miss).
#[repr(align(128))]
#[derive(Debug)]
pub(crate) struct LaneShared {
    pub(crate) index: usize,
    pub(crate) name: Cow<'static, str>,
    pub(crate) buf: Mutex<LaneBuf>,
}

impl LaneShared {
    pub(crate) fn new(index: usize, name: Cow<'static, str>) -> Self {
        Self {
            index,
            name,
            buf: Mutex::new(LaneBuf {
                events: EventLog::default(),
                reserved: 0,
                next_local: 1,
            }),
        }
    }

    pub(crate) fn len(&self) -> usize {
        lock(&self.buf).events.len()
    }
}

/// A named row of a trace: one thread or task records into it.
///
/// A lane is `Clone + Send + Sync + 'static` and cheap to clone (two reference counts), so it
/// can be moved into a thread or a `tokio::spawn`ed task. Several threads *may* share a lane
/// (it stays correct), but recording is fastest with one lane per thread.
///
/// # Examples
///
/// ```
/// use interleave::Trace;
///
/// let trace = Trace::logical();
/// let main = trace.lane("main");
/// let worker = trace.lane("worker");
/// let handle = std::thread::spawn(move || {
///     let _s = worker.span("compute");
///     worker.mark("done");
/// });
/// handle.join().unwrap();
/// main.mark("joined");
/// assert_eq!(trace.snapshot().order_of(&["joined", "done"]), ["done", "joined"]);
/// ```
#[derive(Clone)]
pub struct Lane {
    trace: Arc<TraceInner>,
    shared: Arc<LaneShared>,
}

impl Lane {
    pub(crate) fn new(trace: Arc<TraceInner>, shared: Arc<LaneShared>) -> Self {
        Self { trace, shared }
    }

    /// The lane's name.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::new().lane("io").name(), "io");
    /// ```
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// The lane's row number in the trace (0 for the first lane made).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// let _a = trace.lane("a");
    /// assert_eq!(trace.lane("b").index(), 1);
    /// ```
    pub fn index(&self) -> usize {
        self.shared.index
    }

    /// Record one event that costs `units` of capacity (a span costs two: its begin now and its
    /// end later, so an ended span is never cut in half by the capacity). `make` gets the lane's
    /// next local id and returns the event kind. Returns the id, or 0 if the event was dropped.
    #[inline]
    fn record(
        &self,
        units: usize,
        label: Cow<'static, str>,
        make: impl FnOnce(u64) -> RawKind,
    ) -> u64 {
        let mut buf = lock(&self.shared.buf);
        if buf.reserved < units {
            // Slow path, once per chunk: refill from the shared budget.
            let missing = units - buf.reserved;
            buf.reserved += self.trace.budget.take(missing);
            if buf.reserved < units {
                drop(buf);
                self.trace
                    .dropped
                    .fetch_add(units as u64, Ordering::Relaxed);
                return 0;
            }
        }
        buf.reserved -= units;
        let id = ((self.shared.index as u64) << LOCAL_BITS) | buf.next_local;
        buf.next_local += 1;
        // Read the clock under the lock so a lane's events are in time order even when several
        // threads share the lane.
        let time = self.trace.clock.now();
        buf.events.push(RawEvent {
            time,
            kind: make(id),
            label,
        });
        id
    }

    /// The end of a span: its capacity was reserved by the begin, so it is always recorded.
    fn record_end(&self, id: u64) {
        let mut buf = lock(&self.shared.buf);
        let time = self.trace.clock.now();
        buf.events.push(RawEvent {
            time,
            kind: RawKind::End(id),
            label: Cow::Borrowed(""),
        });
    }

    /// Begin a span; it ends when the returned guard is dropped (also during a panic's unwind).
    ///
    /// A span whose guard is never dropped (e.g. [`std::mem::forget`], or a thread still
    /// running when the snapshot is taken) has no end: timelines draw it open to the end of the
    /// trace and say so.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// {
    ///     let _outer = lane.span("outer");
    ///     let _inner = lane.span("inner");
    /// }
    /// let spans = trace.snapshot().spans();
    /// assert_eq!(spans[0].label, "outer");
    /// assert_eq!((spans[0].start, spans[0].end), (0, Some(3)));
    /// assert_eq!((spans[1].start, spans[1].end), (1, Some(2)));
    /// ```
    #[must_use = "the span ends when this guard is dropped; bind it with `let _s = ...`"]
    pub fn span(&self, label: impl Into<Cow<'static, str>>) -> Span<'_> {
        let id = self.record(2, label.into(), RawKind::Begin);
        Span { lane: self, id }
    }

    /// Run `f` inside a span named `label` and return its result.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// let x = lane.in_span("add", || 2 + 2);
    /// assert_eq!(x, 4);
    /// assert_eq!(trace.snapshot().spans()[0].label, "add");
    /// ```
    pub fn in_span<R>(&self, label: impl Into<Cow<'static, str>>, f: impl FnOnce() -> R) -> R {
        let _span = self.span(label);
        f()
    }

    /// Record an instant event with a label.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("got lock");
    /// lane.mark(format!("value = {}", 42));
    /// let marks = trace.snapshot().marks();
    /// assert_eq!(marks[1].label, "value = 42");
    /// ```
    pub fn mark(&self, label: impl Into<Cow<'static, str>>) {
        self.record(1, label.into(), |_| RawKind::Mark);
    }

    /// Record sending a message; pass the returned [`Msg`] along with the message and call
    /// [`recv`](Lane::recv) on the receiving lane, so the timeline draws an arrow.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let (producer, consumer) = (trace.lane("producer"), trace.lane("consumer"));
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// tx.send((7, producer.send("job 7"))).unwrap();
    /// let (job, msg) = rx.recv().unwrap();
    /// consumer.recv(msg);
    /// let m = &trace.snapshot().messages()[0];
    /// assert_eq!((job, m.from_lane, m.to_lane), (7, 0, Some(1)));
    /// ```
    pub fn send(&self, label: impl Into<Cow<'static, str>>) -> Msg {
        let id = self.record(1, label.into(), RawKind::Send);
        Msg {
            trace: self.trace.id,
            id,
        }
    }

    /// Record receiving a message sent with [`send`](Lane::send) (on any lane of this trace).
    ///
    /// Receiving the same `Msg` twice records two arrows. A `Msg` from another trace is recorded
    /// as a receive without a send: snapshots list it in
    /// [`unmatched_receives`](crate::Snapshot::unmatched_receives) and timelines draw a `?`.
    /// If the send was dropped (capacity), the receive is dropped too.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = interleave::Trace::logical();
    /// let b = interleave::Trace::logical();
    /// let msg = a.lane("a").send("hello");
    /// b.lane("b").recv(msg); // wrong trace
    /// assert_eq!(b.snapshot().unmatched_receives().len(), 1);
    /// ```
    pub fn recv(&self, msg: Msg) {
        if msg.id == 0 {
            self.trace.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.record(1, Cow::Borrowed(""), |_| RawKind::Recv {
            trace: msg.trace,
            msg: msg.id,
        });
    }
}

impl fmt::Debug for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lane")
            .field("index", &self.index())
            .field("name", &self.name())
            .finish()
    }
}

/// A span in progress; the span ends when this guard is dropped.
///
/// Made by [`Lane::span`].
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// let lane = trace.lane("main");
/// let span = lane.span("step");
/// lane.mark("inside");
/// span.end(); // same as drop(span)
/// assert_eq!(trace.snapshot().spans()[0].end, Some(2));
/// ```
#[must_use = "the span ends when this guard is dropped; bind it with `let _s = ...`"]
pub struct Span<'a> {
    lane: &'a Lane,
    id: u64,
}

impl Span<'_> {
    /// End the span now (the same as dropping the guard).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.span("short").end();
    /// assert_eq!(trace.snapshot().spans()[0].end, Some(1));
    /// ```
    pub fn end(self) {}

    /// False if the span was not recorded because the trace was full.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::with_capacity(1); // a span needs 2
    /// let lane = trace.lane("main");
    /// assert!(!lane.span("too big").is_recorded());
    /// ```
    pub fn is_recorded(&self) -> bool {
        self.id != 0
    }
}

impl Drop for Span<'_> {
    fn drop(&mut self) {
        if self.id != 0 {
            self.lane.record_end(self.id);
        }
    }
}

impl fmt::Debug for Span<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Span")
            .field("lane", &self.lane.name())
            .field("id", &self.id)
            .finish()
    }
}

/// A token for a message in flight: made by [`Lane::send`], consumed by [`Lane::recv`].
///
/// `Copy` and 16 bytes, so it travels inside whatever the program sends (a tuple, a struct).
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// let (tx, rx) = std::sync::mpsc::sync_channel::<interleave::Msg>(1);
/// let sender = trace.lane("sender");
/// let receiver = trace.lane("receiver");
/// std::thread::scope(|s| {
///     s.spawn(move || tx.send(sender.send("ping")).unwrap());
///     s.spawn(move || receiver.recv(rx.recv().unwrap()));
/// });
/// assert_eq!(trace.snapshot().messages()[0].label, "ping");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Msg {
    trace: u64,
    id: u64,
}

impl Msg {
    /// False if the send was not recorded because the trace was full.
    ///
    /// # Examples
    ///
    /// ```
    /// let full = interleave::Trace::with_capacity(0);
    /// assert!(!full.lane("x").send("m").is_recorded());
    /// ```
    pub fn is_recorded(&self) -> bool {
        self.id != 0
    }
}
