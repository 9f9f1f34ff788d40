//! Recording from std threads and tokio tasks into one trace: lanes, spans, marks, messages,
//! capacity and clocks.

use std::time::Duration;

use interleave::bounded::{self, Flavor};
use interleave::{Clock, EventKind, Trace};

#[test]
fn threads_and_tasks_record_into_one_trace() {
    let trace = Trace::new();
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    std::thread::scope(|s| {
        let lane = trace.lane("std thread");
        s.spawn(move || {
            for i in 0..3 {
                let _s = lane.span("produce");
                let msg = lane.send(format!("job {i}"));
                tx.blocking_send(msg).expect("receiver alive");
            }
        });
        let trace = trace.clone();
        s.spawn(move || {
            bounded::block_on(
                Flavor::MultiThread(2),
                Duration::from_secs(10),
                async move {
                    let lane = trace.lane("tokio task");
                    let handle = tokio::spawn(async move {
                        while let Some(msg) = rx.recv().await {
                            lane.recv(msg);
                            lane.mark("handled");
                        }
                    });
                    handle.await.expect("task ok");
                },
            )
            .expect("in time");
        });
    });
    let snap = trace.snapshot();
    assert_eq!(snap.lane_names(), ["std thread", "tokio task"]);
    let msgs = snap.messages();
    assert_eq!(msgs.len(), 3);
    for m in &msgs {
        assert_eq!((m.from_lane, m.to_lane), (0, Some(1)));
        assert!(m.received_at >= Some(m.sent_at));
    }
    assert_eq!(snap.marks().len(), 3);
    assert!(snap.spans().iter().all(|s| s.end.is_some()));
    // Events are sorted by time.
    assert!(snap.events().windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn span_ends_when_its_thread_panics() {
    let trace = Trace::logical();
    let lane = trace.lane("doomed");
    let r = std::thread::spawn(move || {
        let _s = lane.span("work");
        panic!("boom");
    })
    .join();
    assert!(r.is_err());
    let spans = trace.snapshot().spans();
    assert_eq!(spans.len(), 1);
    assert!(
        spans[0].end.is_some(),
        "the guard ended the span during unwinding"
    );
}

#[test]
fn capacity_is_never_exceeded_and_drops_are_counted() {
    for capacity in [0, 1, 2, 3, 10, 257, 1000] {
        let trace = Trace::with_capacity(capacity);
        std::thread::scope(|s| {
            for t in 0..3 {
                let lane = trace.lane(format!("t{t}"));
                s.spawn(move || {
                    for i in 0..500 {
                        match i % 3 {
                            0 => lane.mark("m"),
                            1 => lane.span("s").end(),
                            _ => lane.recv(lane.send("x")),
                        }
                    }
                });
            }
        });
        let (len, dropped) = (trace.len(), trace.dropped());
        assert!(len <= capacity, "capacity {capacity}: {len} events kept");
        // 3 threads x 500 iterations: marks 1 event, spans 2, send+recv 2.
        let attempted = 3 * (167 + 2 * 167 + 2 * 166);
        assert_eq!(
            len as u64 + dropped,
            attempted as u64,
            "capacity {capacity}"
        );
        // A kept span is always whole: no end without a begin, no begin lost its end.
        let snap = trace.snapshot();
        let begins = snap
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::SpanBegin(_)))
            .count();
        let ends = snap
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::SpanEnd(_)))
            .count();
        assert_eq!(begins, ends);
        assert_eq!(snap.dropped(), dropped);
    }
}

#[test]
fn a_full_trace_drops_the_receive_of_a_dropped_send() {
    let trace = Trace::with_capacity(0);
    let lane = trace.lane("x");
    let msg = lane.send("lost");
    assert!(!msg.is_recorded());
    lane.recv(msg);
    assert_eq!(trace.dropped(), 2);
    assert!(trace.snapshot().unmatched_receives().is_empty());
}

#[test]
fn message_received_twice_gives_two_arrows() {
    let trace = Trace::logical();
    let (a, b, c) = (trace.lane("a"), trace.lane("b"), trace.lane("c"));
    let m = a.send("broadcast");
    b.recv(m);
    c.recv(m);
    let msgs = trace.snapshot().messages();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].to_lane, Some(1));
    assert_eq!(msgs[1].to_lane, Some(2));
}

#[test]
fn logical_clock_is_deterministic_and_dense() {
    let run = || {
        let trace = Trace::logical();
        let lane = trace.lane("main");
        for i in 0..10 {
            let _s = lane.span(format!("step {i}"));
            lane.mark("mid");
        }
        trace.snapshot()
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    let times: Vec<u64> = a.events().iter().map(|e| e.time).collect();
    assert_eq!(times, (0..30).collect::<Vec<_>>());
}

#[test]
fn tokio_clock_in_a_paused_runtime_is_deterministic() {
    let run = || {
        let trace = Trace::builder().clock(Clock::Tokio).build();
        let (a, b) = (trace.lane("a"), trace.lane("b"));
        bounded::block_on(Flavor::Paused, Duration::from_secs(100), async move {
            let t = tokio::spawn(async move {
                let _s = b.span("sleep 3s");
                tokio::time::sleep(Duration::from_secs(3)).await;
            });
            let _s = a.span("sleep 1s");
            tokio::time::sleep(Duration::from_secs(1)).await;
            a.mark("woke");
            t.await.expect("task ok");
        })
        .expect("in time");
        trace.snapshot()
    };
    let snap = run();
    assert_eq!(snap, run());
    assert_eq!(snap.first_time_of("woke"), Some(1_000_000_000));
    let spans = snap.spans();
    let three = spans.iter().find(|s| s.label == "sleep 3s").expect("span");
    assert_eq!(three.end.map(|e| e - three.start), Some(3_000_000_000));
}

#[test]
fn lanes_made_while_others_record_are_safe() {
    let trace = Trace::new();
    std::thread::scope(|s| {
        for i in 0..4 {
            let trace = trace.clone();
            s.spawn(move || {
                for j in 0..50 {
                    let lane = trace.lane(format!("{i}/{j}"));
                    lane.mark("hi");
                    let _ = trace.snapshot();
                }
            });
        }
    });
    let snap = trace.snapshot();
    assert_eq!(snap.lane_count(), 200);
    assert_eq!(snap.marks().len(), 200);
    // Lane indices match names.
    for m in snap.marks() {
        assert!(snap.lane_name(m.lane).is_some());
    }
}

#[test]
fn snapshot_while_spans_are_open() {
    let trace = Trace::logical();
    let lane = trace.lane("main");
    let outer = lane.span("outer");
    std::mem::forget(lane.span("forgotten"));
    let snap = trace.snapshot();
    assert_eq!(snap.spans().iter().filter(|s| s.end.is_none()).count(), 2);
    drop(outer);
    let snap = trace.snapshot();
    assert_eq!(snap.spans().iter().filter(|s| s.end.is_none()).count(), 1);
    let svg = snap.timeline().render().expect("renders");
    assert!(svg.as_str().contains("never ended"));
}

#[test]
fn labels_are_kept_verbatim() {
    let trace = Trace::logical();
    let lane = trace.lane("<lane & \"name\">");
    lane.mark("\u{0}weird\nlabel🦀");
    let snap = trace.snapshot();
    assert_eq!(snap.lane_names(), ["<lane & \"name\">"]);
    assert_eq!(snap.marks()[0].label, "\u{0}weird\nlabel🦀");
}

#[test]
fn debug_output_is_informative() {
    let trace = Trace::with_capacity(5);
    let lane = trace.lane("x");
    lane.mark("a");
    let d = format!("{trace:?} {lane:?}");
    assert!(
        d.contains("capacity: 5") && d.contains("len: 1") && d.contains("\"x\""),
        "{d}"
    );
}

#[test]
fn handles_are_shareable_across_threads_and_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Trace>();
    shareable::<interleave::Lane>();
    shareable::<interleave::Msg>();
    shareable::<interleave::Snapshot>();
    shareable::<interleave::Timeline>();
    shareable::<interleave::Svg>();
    fn sendable<T: Send>() {}
    sendable::<interleave::Span<'static>>();
}

#[test]
fn open_spans_last_until_the_snapshot() {
    let trace = Trace::new();
    let lane = trace.lane("stuck");
    let _held = lane.span("holding the lock");
    std::thread::sleep(Duration::from_millis(20));
    let snap = trace.snapshot();
    // Only the begin was recorded, but the snapshot knows how long the span has been open.
    assert_eq!(snap.end_time(), snap.start_time());
    assert!(snap.taken_at() - snap.start_time() >= 20_000_000);
}
