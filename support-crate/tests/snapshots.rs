//! Snapshot tests: small deterministic timelines compared byte for byte with stored SVG files
//! in `tests/snapshots/`. After an intended change of the pictures, rewrite them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p interleave --test snapshots` and look at the new files.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use interleave::bounded::{self, Flavor};
use interleave::{Chart, Clock, Histogram, Svg, Trace};

fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"))
}

fn assert_snapshot(name: &str, svg: &Svg) {
    common::check_svg(svg.as_str()).expect("valid SVG");
    let path = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        svg.save(&path).expect("write snapshot");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if stored != svg.as_str() {
        let actual = path.with_extension("actual.svg");
        let _ = svg.save(&actual);
        panic!(
            "{name}: the picture changed; see {} (run with UPDATE_SNAPSHOTS=1 to accept)",
            actual.display()
        );
    }
}

/// A producer and a consumer on a rendezvous channel, on the logical clock. Single-threaded
/// so the order (and so every tick) is fixed.
fn producer_consumer() -> Trace {
    let trace = Trace::logical();
    let (p, c) = (trace.lane("producer"), trace.lane("consumer"));
    for i in 0..3 {
        let make = p.span(format!("make {i}"));
        let m = p.send(format!("item {i}"));
        drop(make);
        c.recv(m);
        c.in_span(format!("use {i}"), || c.mark(format!("got {i}")));
    }
    trace
}

#[test]
fn logical_producer_consumer() {
    let svg = producer_consumer()
        .timeline()
        .title("rendezvous: logical clock")
        .size(640, 220);
    assert_snapshot("logical_producer_consumer", &svg.render().expect("renders"));
}

#[test]
fn paused_tokio_tasks() {
    let trace = Trace::builder().clock(Clock::Tokio).build();
    let lanes: Vec<_> = (0..3).map(|i| trace.lane(format!("task {i}"))).collect();
    bounded::block_on(Flavor::Paused, Duration::from_secs(60), async move {
        let handles: Vec<_> = lanes
            .into_iter()
            .enumerate()
            .map(|(i, lane)| {
                tokio::spawn(async move {
                    let _s = lane.span("sleep");
                    tokio::time::sleep(Duration::from_millis(100 * (i as u64 + 1))).await;
                    lane.mark("awake");
                })
            })
            .collect();
        for h in handles {
            h.await.expect("task");
        }
    })
    .expect("in time");
    let svg = trace
        .timeline()
        .title("paused time: three sleepers")
        .size(640, 220);
    assert_snapshot("paused_tokio_tasks", &svg.render().expect("renders"));
}

#[test]
fn edge_cases_timeline() {
    let trace = Trace::builder().clock(Clock::Logical).capacity(12).build();
    let a = trace.lane("<a & b>");
    let b = trace.lane("unicode 🦀 ✓");
    std::mem::forget(a.span("forgotten guard"));
    let _ = a.send("never received");
    b.recv(Trace::logical().lane("elsewhere").send("stray"));
    for i in 0..10 {
        b.mark(format!("m{i}"));
    }
    let svg = trace
        .timeline()
        .title("open span, lost message, stray receive, full trace");
    assert_snapshot("edge_cases", &svg.size(640, 200).render().expect("renders"));
}

#[test]
fn histogram_and_charts() {
    let h = Histogram::of_values([2000, 1998, 2000, 1500, 2000, 1999, 1998])
        .title("final counter")
        .x_label("value")
        .y_label("runs")
        .size(480, 260);
    assert_snapshot("histogram_values", &h.render().expect("renders"));
    let c = Chart::line("cost per unit")
        .x_label("N")
        .y_label("ns per unit")
        .log_x()
        .log_y()
        .series(
            "std thread",
            vec![(10, 60_000.0), (100, 52_000.0), (1000, 55_000.0)],
        )
        .series(
            "tokio task",
            vec![(10, 2_000.0), (100, 700.0), (1000, 500.0)],
        )
        .size(480, 300);
    assert_snapshot("chart_log_log", &c.render().expect("renders"));
    let b = Chart::bars("which case won")
        .bar("ch1", 512)
        .bar("ch2", 488)
        .size(360, 240);
    assert_snapshot("chart_bars", &b.render().expect("renders"));
}
