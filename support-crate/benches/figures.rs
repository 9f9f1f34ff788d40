//! The crate's performance figures, one line each (`name: value unit`), checked against the
//! targets the notebooks promise. Exits with status 1 if a target is missed.
//!
//! Run with `cargo bench -p interleave --bench figures`. Wall-clock figures live here only:
//! tests never assert them (a busy machine would make tests flaky).

use std::borrow::Cow;
use std::process::ExitCode;
use std::sync::Barrier;
use std::time::Instant;

use interleave::{Clock, Event, EventKind, Snapshot, Trace, experiments};

/// Events per timed batch: big enough that `Instant::now` around the batch is noise, small
/// enough to get many batches.
const BATCH: usize = 250;
/// Batches per recording figure (the median is reported).
const BATCHES: usize = 400;

struct Figures {
    failed: Vec<String>,
}

impl Figures {
    fn report(&mut self, name: &str, value: f64, unit: &str, limit: Option<f64>) {
        println!("{name}: {value:.1} {unit}");
        // A NaN figure is a miss too.
        let met = limit.is_none_or(|limit| value <= limit);
        if let (false, Some(limit)) = (met, limit) {
            self.failed.push(format!(
                "{name} = {value:.1} {unit}, target <= {limit} {unit}"
            ));
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// Nanoseconds per event for each batch of `BATCH` marks recorded on `lane`.
fn record_batches(lane: &interleave::Lane) -> Vec<f64> {
    (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..BATCH {
                lane.mark("tick");
            }
            start.elapsed().as_nanos() as f64 / BATCH as f64
        })
        .collect()
}

/// Recording into memory never used before: each new page costs a page fault. Reported for
/// the record, without a target.
fn record_one_thread_cold() -> f64 {
    let trace = Trace::with_capacity(2 * BATCH * BATCHES);
    let lane = trace.lane("main");
    median(record_batches(&lane))
}

/// The steady state of a notebook: earlier traces were dropped and their buffers are reused.
fn record_one_thread() -> f64 {
    let trace = Trace::with_capacity(2 * BATCH * BATCHES);
    let lane = trace.lane("main");
    median(record_batches(&lane))
}

fn record_two_threads() -> f64 {
    // Warm-up: fill the pool of reusable buffers (as earlier traces in a notebook would).
    let _ = record_one_thread_cold();
    let trace = Trace::with_capacity(4 * BATCH * BATCHES);
    let barrier = Barrier::new(2);
    let per_batch: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let lane = trace.lane(format!("thread {i}"));
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    record_batches(&lane)
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    median(per_batch)
}

/// 100,000 events spread evenly over time on 8 lanes: spans, marks and messages. Spread out,
/// they are the hard case for drawing (nothing coincides in time).
fn spread_snapshot() -> Snapshot {
    let lanes: Vec<String> = (0..8).map(|i| format!("worker {i}")).collect();
    let mut events = Vec::with_capacity(100_000);
    let mut t = 0u64;
    let mut id = 1u64;
    while events.len() < 100_000 {
        let lane = (id % 8) as usize;
        match id % 4 {
            0 | 1 => {
                events.push(Event {
                    time: t,
                    lane,
                    kind: EventKind::SpanBegin(id),
                    label: Cow::Borrowed("work"),
                });
                events.push(Event {
                    time: t + 700,
                    lane,
                    kind: EventKind::SpanEnd(id),
                    label: Cow::Borrowed("work"),
                });
            }
            2 => events.push(Event {
                time: t,
                lane,
                kind: EventKind::Mark,
                label: Cow::Owned(format!("m{id}")),
            }),
            _ => {
                events.push(Event {
                    time: t,
                    lane,
                    kind: EventKind::Send(id),
                    label: Cow::Borrowed("job"),
                });
                events.push(Event {
                    time: t + 900,
                    lane: (lane + 3) % 8,
                    kind: EventKind::Recv { id, matched: true },
                    label: Cow::Borrowed("job"),
                });
            }
        }
        t += 1_000;
        id += 1;
    }
    events.truncate(100_000);
    Snapshot::from_parts(lanes, events, 0, Clock::Real)
}

/// 100,000 events recorded live by 4 threads as fast as they can.
fn recorded_snapshot() -> Snapshot {
    let trace = Trace::new();
    std::thread::scope(|s| {
        for i in 0..4 {
            let lane = trace.lane(format!("thread {i}"));
            let next = trace.lane(format!("peer {i}"));
            s.spawn(move || {
                for j in 0..6_250 {
                    let _s = lane.span("step");
                    lane.mark("tick");
                    if j % 2 == 0 {
                        next.recv(lane.send("msg"));
                    }
                }
            });
        }
    });
    trace.snapshot()
}

fn render_figures(f: &mut Figures, name: &str, snap: &Snapshot, limits: bool) {
    let timeline = snap
        .timeline()
        .title(format!("{} events", snap.len()))
        .size(1000, 500);
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let svg = timeline.render();
        times.push(start.elapsed().as_secs_f64() * 1e3);
        bytes = svg.map(|s| s.as_str().len()).unwrap_or(usize::MAX);
    }
    f.report(
        &format!("render_ms_{name}"),
        median(times),
        "ms",
        limits.then_some(1000.0),
    );
    f.report(
        &format!("svg_bytes_{name}"),
        bytes as f64,
        "bytes",
        limits.then_some(1_000_000.0),
    );
}

fn main() -> ExitCode {
    let mut f = Figures { failed: Vec::new() };

    f.report(
        "record_ns_per_event_1_thread_cold",
        record_one_thread_cold(),
        "ns",
        None,
    );
    f.report(
        "record_ns_per_event_1_thread",
        record_one_thread(),
        "ns",
        Some(60.0),
    );
    f.report(
        "record_ns_per_event_2_threads",
        record_two_threads(),
        "ns",
        Some(150.0),
    );

    let spread = spread_snapshot();
    render_figures(&mut f, "100k_events", &spread, true);
    let recorded = recorded_snapshot();
    f.report("recorded_events", recorded.len() as f64, "events", None);
    render_figures(&mut f, "100k_recorded_events", &recorded, true);

    // The worst case for marks: 100,000 of them spread over 100 lanes.
    let marks: Vec<Event> = (0..100_000u64)
        .map(|i| Event {
            time: i * 10,
            lane: (i % 100) as usize,
            kind: EventKind::Mark,
            label: Cow::Borrowed("m"),
        })
        .collect();
    let many_lanes = Snapshot::from_parts(vec![], marks, 0, Clock::Real);
    render_figures(&mut f, "100k_marks_100_lanes", &many_lanes, true);

    let trace = Trace::new();
    let lane = trace.lane("main");
    for _ in 0..100_000 {
        lane.mark("x");
    }
    let start = Instant::now();
    let snap = trace.snapshot();
    f.report(
        "snapshot_ms_100k_events",
        start.elapsed().as_secs_f64() * 1e3,
        "ms",
        None,
    );
    drop(snap);

    // The first notebook's experiments, for the record (no targets: they measure the OS).
    // Memory first: memory freed by earlier experiments would be reused without growing RSS.
    let point = |r: experiments::Result<f64>| r.unwrap_or(f64::NAN);
    f.report(
        "parked_bytes_per_thread_1000",
        point(experiments::parked_threads(1000).map(|p| p.per_unit_bytes)),
        "bytes",
        None,
    );
    f.report(
        "parked_bytes_per_task_100000",
        point(experiments::parked_tasks(100_000).map(|p| p.per_unit_bytes)),
        "bytes",
        None,
    );

    f.report(
        "spawn_join_ns_per_thread_1000",
        point(experiments::spawn_join_threads(1000).map(|p| p.per_unit_ns)),
        "ns",
        None,
    );
    f.report(
        "spawn_join_ns_per_task_100000",
        point(experiments::spawn_join_tasks(100_000).map(|p| p.per_unit_ns)),
        "ns",
        None,
    );
    if f.failed.is_empty() {
        println!("all targets met");
        ExitCode::SUCCESS
    } else {
        for miss in &f.failed {
            println!("TARGET MISSED: {miss}");
        }
        ExitCode::FAILURE
    }
}
