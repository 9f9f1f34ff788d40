//! Snapshots: a trace's events copied out, sorted, and paired up (span begin with end, send
//! with receive) so that tests and pictures can read them without locks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

use crate::clock::Clock;
use crate::lane::RawKind;
use crate::plot::Timeline;
use crate::trace::{TraceInner, lock};

/// What kind of event an [`Event`] is.
///
/// # Examples
///
/// ```
/// use interleave::{EventKind, Trace};
/// let trace = Trace::logical();
/// trace.lane("main").mark("x");
/// assert_eq!(trace.snapshot().events()[0].kind, EventKind::Mark);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A span began; the id pairs it with its [`EventKind::SpanEnd`].
    SpanBegin(u64),
    /// A span ended.
    SpanEnd(u64),
    /// An instant mark.
    Mark,
    /// A message was sent; the id pairs it with its receives.
    Send(u64),
    /// A message was received. `matched` is false for a receive without a send in this trace.
    Recv {
        /// The id of the send.
        id: u64,
        /// Whether a send with that id is in this trace.
        matched: bool,
    },
}

/// One recorded event.
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// trace.lane("main").mark("hello");
/// let snap = trace.snapshot();
/// let e = &snap.events()[0];
/// assert_eq!((e.time, e.lane, e.label.as_ref()), (0, 0, "hello"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Time since the trace started, in the clock's unit (ns or ticks).
    pub time: u64,
    /// Index of the lane (see [`Snapshot::lane_names`]).
    pub lane: usize,
    /// What happened.
    pub kind: EventKind,
    /// The label given when recording. Span ends carry their span's label, receives their
    /// send's label (or `""` when unmatched).
    pub label: Cow<'static, str>,
}

/// A span: begun with [`Lane::span`](crate::Lane::span), ended when its guard dropped.
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// let lane = trace.lane("main");
/// lane.span("work").end();
/// let s = &trace.snapshot().spans()[0];
/// assert_eq!((s.lane, s.label.as_str(), s.start, s.end), (0, "work", 0, Some(1)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanRecord {
    /// Index of the lane.
    pub lane: usize,
    /// The span's label.
    pub label: String,
    /// When it began.
    pub start: u64,
    /// When it ended; `None` if it had not ended when the snapshot was taken.
    pub end: Option<u64>,
}

/// An instant mark.
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// trace.lane("main").mark("here");
/// let m = &trace.snapshot().marks()[0];
/// assert_eq!((m.lane, m.label.as_str(), m.time), (0, "here", 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkRecord {
    /// Index of the lane.
    pub lane: usize,
    /// The mark's label.
    pub label: String,
    /// When it happened.
    pub time: u64,
}

/// A message: a send, paired with its receive if there was one.
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// let msg = trace.lane("a").send("never received");
/// let m = &trace.snapshot().messages()[0];
/// assert_eq!((m.from_lane, m.sent_at, m.to_lane, m.received_at), (0, 0, None, None));
/// # let _ = msg;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// The label given to [`Lane::send`](crate::Lane::send).
    pub label: String,
    /// Index of the sending lane.
    pub from_lane: usize,
    /// When it was sent.
    pub sent_at: u64,
    /// Index of the receiving lane, if it was received.
    pub to_lane: Option<usize>,
    /// When it was received, if it was.
    pub received_at: Option<u64>,
}

/// A receive with no matching send in the trace (a [`Msg`](crate::Msg) from another trace).
///
/// # Examples
///
/// ```
/// let other = interleave::Trace::logical();
/// let trace = interleave::Trace::logical();
/// trace.lane("main").recv(other.lane("x").send("stray"));
/// let r = &trace.snapshot().unmatched_receives()[0];
/// assert_eq!((r.lane, r.time), (0, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnmatchedReceive {
    /// Index of the receiving lane.
    pub lane: usize,
    /// When it was received.
    pub time: u64,
}

/// A copy of a trace at one moment: lanes, events sorted by time, and the dropped count.
///
/// Made by [`Trace::snapshot`](crate::Trace::snapshot). It owns its data, so it can be kept in
/// a notebook variable, compared in tests and drawn any number of times.
///
/// # Examples
///
/// ```
/// let trace = interleave::Trace::logical();
/// let lane = trace.lane("main");
/// lane.mark("a");
/// lane.span("b").end();
/// let snap = trace.snapshot();
/// assert_eq!(snap.len(), 3);
/// assert_eq!(snap.end_time(), 2);
/// assert_eq!(snap.dropped(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    lanes: Vec<String>,
    events: Vec<Event>,
    dropped: u64,
    clock: Clock,
    capacity: usize,
    /// The clock's time when the snapshot was taken: spans still open run until then.
    taken_at: u64,
}

impl Snapshot {
    pub(crate) fn take(trace: &TraceInner) -> Self {
        // Read the clock first. Events recorded while we copy may be later than this; the
        // time is then raised to the last event's (see `clamp_taken_at`).
        let taken_at = trace.clock.peek();
        // Copy the list of lanes first and release it, so lanes can still be made meanwhile.
        let lanes: Vec<_> = lock(&trace.lanes).clone();
        let mut raw = Vec::new();
        for lane in &lanes {
            let buf = lock(&lane.buf);
            raw.extend(buf.events.iter().map(|e| (lane.index, e.clone())));
        }
        // Stable sort: events at the same time keep lane order, then their order in the lane.
        raw.sort_by_key(|(_, e)| e.time);

        // Labels of spans and sends by id, to label span ends and receives.
        let mut labels: HashMap<u64, Cow<'static, str>> = HashMap::new();
        for (_, e) in &raw {
            if let RawKind::Begin(id) | RawKind::Send(id) = e.kind {
                labels.insert(id, e.label.clone());
            }
        }
        let events = raw
            .into_iter()
            .map(|(lane, e)| {
                let (kind, label) = match e.kind {
                    RawKind::Begin(id) => (EventKind::SpanBegin(id), e.label),
                    RawKind::End(id) => (
                        EventKind::SpanEnd(id),
                        labels.get(&id).cloned().unwrap_or_default(),
                    ),
                    RawKind::Mark => (EventKind::Mark, e.label),
                    RawKind::Send(id) => (EventKind::Send(id), e.label),
                    RawKind::Recv { trace: t, msg } => {
                        let label = if t == trace.id {
                            labels.get(&msg).cloned()
                        } else {
                            None
                        };
                        let matched = label.is_some();
                        (
                            EventKind::Recv { id: msg, matched },
                            label.unwrap_or_default(),
                        )
                    }
                };
                Event {
                    time: e.time,
                    lane,
                    kind,
                    label,
                }
            })
            .collect();
        Snapshot {
            lanes: lanes.iter().map(|l| l.name.to_string()).collect(),
            events,
            dropped: trace.dropped.load(Ordering::Relaxed),
            clock: trace.clock.kind(),
            capacity: trace.capacity,
            taken_at,
        }
        .clamp_taken_at()
    }

    fn clamp_taken_at(mut self) -> Self {
        self.taken_at = self.taken_at.max(self.end_time());
        self
    }

    /// A snapshot made from parts, for tests and for drawing events that were not recorded
    /// live. Events are sorted by time; lanes named by events but missing from `lanes` are
    /// added as `lane N`.
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::{Clock, Event, EventKind, Snapshot};
    /// let snap = Snapshot::from_parts(
    ///     vec!["a".into()],
    ///     vec![Event { time: 5, lane: 0, kind: EventKind::Mark, label: "x".into() }],
    ///     0,
    ///     Clock::Logical,
    /// );
    /// assert_eq!(snap.marks()[0].time, 5);
    /// ```
    pub fn from_parts(
        mut lanes: Vec<String>,
        mut events: Vec<Event>,
        dropped: u64,
        clock: Clock,
    ) -> Self {
        events.sort_by_key(|e| e.time);
        let needed = events.iter().map(|e| e.lane + 1).max().unwrap_or(0);
        while lanes.len() < needed {
            lanes.push(format!("lane {}", lanes.len()));
        }
        let capacity = events.len();
        Snapshot {
            lanes,
            events,
            dropped,
            clock,
            capacity,
            taken_at: 0,
        }
        .clamp_taken_at()
    }

    /// Lane names, in the order the lanes were made (index = row = `lane` in records).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// let _lanes = (trace.lane("a"), trace.lane("b"));
    /// assert_eq!(trace.snapshot().lane_names(), ["a", "b"]);
    /// ```
    pub fn lane_names(&self) -> Vec<String> {
        self.lanes.clone()
    }

    /// The name of lane `index`, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::new();
    /// let _a = trace.lane("a");
    /// assert_eq!(trace.snapshot().lane_name(0), Some("a"));
    /// assert_eq!(trace.snapshot().lane_name(1), None);
    /// ```
    pub fn lane_name(&self, index: usize) -> Option<&str> {
        self.lanes.get(index).map(String::as_str)
    }

    /// Number of lanes.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::new().snapshot().lane_count(), 0);
    /// ```
    pub fn lane_count(&self) -> usize {
        self.lanes.len()
    }

    /// All events, sorted by time.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("1");
    /// lane.mark("2");
    /// let times: Vec<u64> = trace.snapshot().events().iter().map(|e| e.time).collect();
    /// assert_eq!(times, [0, 1]);
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Number of events.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::new().snapshot().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True if there are no events.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(interleave::Trace::new().snapshot().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Events that did not fit in the trace's capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::with_capacity(1);
    /// let lane = trace.lane("main");
    /// lane.mark("kept");
    /// lane.mark("dropped");
    /// assert_eq!(trace.snapshot().dropped(), 1);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The trace's capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::with_capacity(9).snapshot().capacity(), 9);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The clock the times are in.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Trace::new().snapshot().clock(), interleave::Clock::Real);
    /// ```
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Time of the last event (0 when empty).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("a");
    /// lane.mark("b");
    /// assert_eq!(trace.snapshot().end_time(), 1);
    /// ```
    pub fn end_time(&self) -> u64 {
        self.events.last().map_or(0, |e| e.time)
    }

    /// The clock's time when the snapshot was taken (never before the last event). Spans still
    /// open then are drawn up to this time, so a thread stuck in a span (a deadlock demo) shows
    /// as a long bar.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("stuck");
    /// std::mem::forget(lane.span("waiting for a lock"));
    /// lane.mark("x");
    /// lane.mark("y");
    /// let snap = trace.snapshot();
    /// assert_eq!((snap.end_time(), snap.taken_at()), (2, 3));
    /// ```
    pub fn taken_at(&self) -> u64 {
        self.taken_at
    }

    /// Time of the first event (0 when empty).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// trace.lane("main").mark("a");
    /// assert_eq!(trace.snapshot().start_time(), 0);
    /// ```
    pub fn start_time(&self) -> u64 {
        self.events.first().map_or(0, |e| e.time)
    }

    /// Spans, sorted by start time. A span not yet ended has `end: None`.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// std::mem::forget(lane.span("leaked"));
    /// assert_eq!(trace.snapshot().spans()[0].end, None);
    /// ```
    pub fn spans(&self) -> Vec<SpanRecord> {
        let mut open: HashMap<u64, usize> = HashMap::new();
        let mut spans = Vec::new();
        for e in &self.events {
            match e.kind {
                EventKind::SpanBegin(id) => {
                    open.insert(id, spans.len());
                    spans.push(SpanRecord {
                        lane: e.lane,
                        label: e.label.to_string(),
                        start: e.time,
                        end: None,
                    });
                }
                EventKind::SpanEnd(id) => {
                    if let Some(i) = open.remove(&id) {
                        spans[i].end = Some(e.time);
                    }
                }
                _ => {}
            }
        }
        spans
    }

    /// Marks, sorted by time.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// trace.lane("main").mark("m");
    /// assert_eq!(trace.snapshot().marks().len(), 1);
    /// ```
    pub fn marks(&self) -> Vec<MarkRecord> {
        self.events
            .iter()
            .filter(|e| e.kind == EventKind::Mark)
            .map(|e| MarkRecord {
                lane: e.lane,
                label: e.label.to_string(),
                time: e.time,
            })
            .collect()
    }

    /// Messages, sorted by send time; each send is paired with its receive. A message received
    /// twice appears twice; one never received has `to_lane: None`.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let (a, b) = (trace.lane("a"), trace.lane("b"));
    /// let m = a.send("x");
    /// b.recv(m);
    /// let msg = &trace.snapshot().messages()[0];
    /// assert_eq!((msg.sent_at, msg.received_at), (0, Some(1)));
    /// ```
    pub fn messages(&self) -> Vec<MessageRecord> {
        let mut by_id: HashMap<u64, usize> = HashMap::new();
        let mut out = Vec::new();
        for e in &self.events {
            if let EventKind::Send(id) = e.kind {
                by_id.insert(id, out.len());
                out.push(MessageRecord {
                    label: e.label.to_string(),
                    from_lane: e.lane,
                    sent_at: e.time,
                    to_lane: None,
                    received_at: None,
                });
            }
        }
        // Receives in a second pass: with equal timestamps a receive can sort before its send.
        let mut extra = Vec::new();
        for e in &self.events {
            if let EventKind::Recv { id, matched: true } = e.kind {
                let Some(&i) = by_id.get(&id) else { continue };
                if out[i].to_lane.is_none() {
                    out[i].to_lane = Some(e.lane);
                    out[i].received_at = Some(e.time);
                } else {
                    let mut again = out[i].clone();
                    again.to_lane = Some(e.lane);
                    again.received_at = Some(e.time);
                    extra.push(again);
                }
            }
        }
        out.extend(extra);
        out.sort_by_key(|m| m.sent_at);
        out
    }

    /// Receives that match no send in this trace.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(interleave::Trace::new().snapshot().unmatched_receives().is_empty());
    /// ```
    pub fn unmatched_receives(&self) -> Vec<UnmatchedReceive> {
        self.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Recv { matched: false, .. }))
            .map(|e| UnmatchedReceive {
                lane: e.lane,
                time: e.time,
            })
            .collect()
    }

    /// Time of the first event (of any kind) with this label.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("a");
    /// lane.mark("b");
    /// lane.mark("a");
    /// let snap = trace.snapshot();
    /// assert_eq!(snap.first_time_of("a"), Some(0));
    /// assert_eq!(snap.first_time_of("missing"), None);
    /// ```
    pub fn first_time_of(&self, label: &str) -> Option<u64> {
        self.events
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.time)
    }

    /// The given labels ordered by when each first happened; labels never seen are left out.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("world");
    /// lane.mark("hello");
    /// assert_eq!(trace.snapshot().order_of(&["hello", "world", "nope"]), ["world", "hello"]);
    /// ```
    pub fn order_of(&self, labels: &[&str]) -> Vec<String> {
        let mut seen: Vec<(u64, usize, &str)> = labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| self.first_time_of(l).map(|t| (t, i, *l)))
            .collect();
        seen.sort();
        seen.into_iter().map(|(_, _, l)| l.to_string()).collect()
    }

    /// Labels of all marks in time order (handy to compare a printed order with the trace).
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// let lane = trace.lane("main");
    /// lane.mark("x");
    /// lane.mark("y");
    /// assert_eq!(trace.snapshot().mark_labels(), ["x", "y"]);
    /// ```
    pub fn mark_labels(&self) -> Vec<String> {
        self.marks().into_iter().map(|m| m.label).collect()
    }

    /// A timeline picture of this snapshot.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// trace.lane("main").mark("x");
    /// let svg = trace.snapshot().timeline().render().unwrap();
    /// assert!(svg.as_str().starts_with("<svg"));
    /// ```
    pub fn timeline(&self) -> Timeline {
        Timeline::new(self)
    }
}
