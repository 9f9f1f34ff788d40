//! Pictures: valid SVG for any input, clear errors or drawn notes for bad input, never a panic.

mod common;

use std::borrow::Cow;

use common::{HOSTILE, check_svg};
use interleave::{
    Chart, Clock, Event, EventKind, Histogram, PlotError, Snapshot, Svg, Timeline, Trace,
};

fn valid(svg: &Svg) {
    if let Err(e) = check_svg(svg.as_str()) {
        panic!("invalid SVG: {e}\n{}", svg.as_str());
    }
}

#[test]
fn empty_trace_draws_a_note() {
    let svg = Trace::new().timeline().render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("empty trace"));
}

#[test]
fn hostile_labels_give_valid_svg_everywhere() {
    let trace = Trace::logical();
    for &label in HOSTILE {
        let lane = trace.lane(label);
        lane.span(label).end();
        lane.mark(label);
        let other = trace.lane(label);
        other.recv(lane.send(label));
    }
    valid(
        &trace
            .timeline()
            .title(HOSTILE.concat())
            .render()
            .expect("timeline"),
    );

    let mut chart = Chart::line(HOSTILE.concat())
        .x_label(HOSTILE[1])
        .y_label(HOSTILE[6]);
    let mut bars = Chart::bars(HOSTILE[2]);
    for (i, &label) in HOSTILE.iter().enumerate() {
        chart = chart.series(label, [(i as f64, 1.0), (i as f64 + 1.0, 2.0)]);
        bars = bars.bar(label, i as f64);
    }
    valid(&chart.render().expect("chart"));
    valid(&bars.render().expect("bars"));
    valid(
        &Histogram::of_values([1, 2])
            .title(HOSTILE[4])
            .x_label(HOSTILE[7])
            .render()
            .expect("h"),
    );
}

#[test]
fn script_markup_is_escaped_not_injected() {
    let trace = Trace::logical();
    trace.lane("<script>alert(1)</script>").mark("<b>bold</b>");
    let svg = trace.timeline().render().expect("renders");
    assert!(!svg.as_str().contains("<script"));
    assert!(!svg.as_str().contains("<b>"));
    assert!(svg.as_str().contains("&lt;script&gt;"));
}

#[test]
fn sizes_out_of_bounds_are_errors_not_panics() {
    let t = Trace::new().timeline();
    for (w, h) in [
        (0, 0),
        (0, 300),
        (300, 0),
        (1, 1),
        (100_000, 300),
        (u32::MAX, u32::MAX),
    ] {
        let r = t.clone().size(w, h).render();
        assert!(matches!(r, Err(PlotError::Size { .. })), "{w}x{h}");
        assert!(Chart::bars("x").size(w, h).render().is_err());
        assert!(Histogram::of_values([1]).size(w, h).render().is_err());
    }
    // The smallest and a large size work.
    valid(&t.clone().size(120, 80).render().expect("small"));
    valid(&t.size(4000, 3000).render().expect("large"));
}

#[test]
fn small_pictures_with_many_lanes_still_render() {
    let trace = Trace::logical();
    for i in 0..500 {
        trace.lane(format!("lane {i}")).span("s").end();
    }
    let svg = trace.timeline().size(200, 100).render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("names hidden"));
}

#[test]
fn nan_and_infinite_values_are_skipped_and_reported() {
    let c = Chart::line("nan")
        .series(
            "a",
            vec![
                (1.0, f64::NAN),
                (2.0, 3.0),
                (f64::INFINITY, 1.0),
                (3.0, 4.0),
            ],
        )
        .render()
        .expect("renders");
    valid(&c);
    assert!(c.as_str().contains("2 points skipped"));

    let only_nan = Chart::line("all nan")
        .log_x()
        .log_y()
        .series("a", vec![(f64::NAN, -1.0)]);
    let svg = only_nan.render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("no data"));

    let bars = Chart::bars("b")
        .bar("nan", f64::NAN)
        .bar("ok", 1)
        .bar("inf", f64::NEG_INFINITY);
    let svg = bars.render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("2 bars skipped"));

    let h = Histogram::of_samples(&[f64::NAN, f64::INFINITY], 10);
    assert_eq!(h.skipped(), 2);
    valid(&h.render().expect("renders"));
}

#[test]
fn extreme_values_render() {
    let c = Chart::line("extremes")
        .series(
            "a",
            vec![(f64::MIN, f64::MAX), (0.0, 0.0), (f64::MAX, f64::MIN)],
        )
        .render()
        .expect("renders");
    valid(&c);
    let c = Chart::line("tiny")
        .log_x()
        .log_y()
        .series("a", vec![(1e-300, 1e300), (1e300, 1e-300)]);
    valid(&c.render().expect("renders"));
    let c = Chart::line("one point").series("a", vec![(5, 5)]);
    valid(&c.render().expect("renders"));
    let c = Chart::bars("negative").bar("a", -5).bar("b", 3);
    valid(&c.render().expect("renders"));

    let h = Histogram::of_values([i64::MIN, 0, i64::MAX]);
    valid(&h.render().expect("renders"));
    let h = Histogram::of_samples(&[f64::MIN, f64::MAX], 3);
    assert_eq!(h.total(), 2);
    valid(&h.render().expect("renders"));
    let h = Histogram::of_samples(&[4.0; 10], 0);
    assert_eq!(h.bins().len(), 1);
    valid(&h.render().expect("renders"));
    let h = Histogram::of_samples(&[1.0, 2.0], usize::MAX);
    assert_eq!(h.bins().len(), interleave::plot::MAX_BINS);
    valid(&h.render().expect("renders"));
}

#[test]
fn huge_times_render() {
    let events = vec![
        Event {
            time: 0,
            lane: 0,
            kind: EventKind::SpanBegin(1),
            label: Cow::Borrowed("a"),
        },
        Event {
            time: u64::MAX,
            lane: 1,
            kind: EventKind::SpanEnd(1),
            label: Cow::Borrowed("a"),
        },
        Event {
            time: u64::MAX / 2,
            lane: 3,
            kind: EventKind::Mark,
            label: Cow::Borrowed("m"),
        },
    ];
    let snap = Snapshot::from_parts(vec![], events, 0, Clock::Real);
    assert_eq!(snap.lane_count(), 4);
    valid(&Timeline::new(&snap).render().expect("renders"));
}

#[test]
fn malformed_parts_are_drawn_not_panicked() {
    // End without begin, receive of an unknown id, duplicate begin ids.
    let events = vec![
        Event {
            time: 1,
            lane: 0,
            kind: EventKind::SpanEnd(9),
            label: Cow::Borrowed(""),
        },
        Event {
            time: 2,
            lane: 0,
            kind: EventKind::Recv {
                id: 5,
                matched: true,
            },
            label: Cow::Borrowed(""),
        },
        Event {
            time: 3,
            lane: 0,
            kind: EventKind::SpanBegin(1),
            label: Cow::Borrowed("x"),
        },
        Event {
            time: 4,
            lane: 0,
            kind: EventKind::SpanBegin(1),
            label: Cow::Borrowed("y"),
        },
        Event {
            time: 5,
            lane: 0,
            kind: EventKind::Recv {
                id: 7,
                matched: false,
            },
            label: Cow::Borrowed(""),
        },
    ];
    let snap = Snapshot::from_parts(vec!["only".into()], events, 3, Clock::Logical);
    let svg = Timeline::new(&snap).render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("3 events dropped"));
    assert!(
        svg.as_str().contains("1 receive without a send"),
        "{}",
        svg.as_str()
    );
}

#[test]
fn dropped_events_are_reported_in_the_picture() {
    let trace = Trace::with_capacity(3);
    let lane = trace.lane("main");
    for _ in 0..10 {
        lane.mark("m");
    }
    let svg = trace.timeline().render().expect("renders");
    assert!(
        svg.as_str().contains("7 events dropped"),
        "{}",
        svg.as_str()
    );
}

#[test]
fn sub_pixel_spans_are_merged_and_reported() {
    let trace = Trace::logical();
    let lane = trace.lane("busy");
    for _ in 0..10_000 {
        lane.span("tiny").end();
    }
    let svg = trace.timeline().size(400, 150).render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().contains("narrower than a pixel merged"));
    assert!(svg.as_str().len() < 100_000, "merged picture stays small");
}

#[test]
fn many_messages_are_capped() {
    let trace = Trace::logical();
    let lanes: Vec<_> = (0..6).map(|i| trace.lane(format!("l{i}"))).collect();
    for i in 0..20_000usize {
        let m = lanes[i % 6].send("m");
        lanes[(i * 7 + 1) % 6].recv(m);
    }
    let svg = trace.timeline().render().expect("renders");
    valid(&svg);
    assert!(svg.as_str().len() < 1_000_000);
    assert!(svg.as_str().contains("arrows"));
}

#[test]
fn svg_row_is_valid_and_side_by_side() {
    let trace = Trace::logical();
    trace.lane("a").mark("x");
    let a = trace.timeline().size(300, 120).render().expect("a");
    let b = Histogram::of_values([1, 1, 2])
        .size(200, 150)
        .render()
        .expect("b");
    let row = Svg::row([a, b]);
    valid(&row);
    assert_eq!((row.width(), row.height()), (500, 150));
    assert!(row.as_str().contains("<svg x=\"300\""));
    valid(&Svg::row(Vec::new()));
}

#[test]
fn evcxr_payload_wraps_the_svg() {
    let svg = Trace::new().timeline().render().expect("renders");
    let p = svg.evcxr_payload();
    let lines: Vec<&str> = p.lines().collect();
    assert_eq!(lines[0], "EVCXR_BEGIN_CONTENT text/html");
    assert!(lines[1].starts_with("<svg"));
    assert_eq!(*lines.last().expect("lines"), "EVCXR_END_CONTENT");
    // A hostile label cannot end the payload early: it never sits alone on a line.
    let trace = Trace::logical();
    trace.lane("EVCXR_END_CONTENT").mark("EVCXR_END_CONTENT");
    trace
        .lane("\nEVCXR_END_CONTENT\n")
        .mark("\nEVCXR_BEGIN_CONTENT text/html\n");
    let p = trace.timeline().render().expect("renders").evcxr_payload();
    assert_eq!(
        p.lines().filter(|l| l.trim().starts_with("EVCXR_")).count(),
        2,
        "{p}"
    );
}

#[test]
fn save_writes_files_and_reports_io_errors() {
    let dir = std::env::temp_dir().join(format!("interleave-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("t.svg");
    Trace::new().timeline().save(&path).expect("saves");
    check_svg(&std::fs::read_to_string(&path).expect("reads")).expect("valid");
    let err = Chart::bars("x")
        .save(dir.join("missing/dir/x.svg"))
        .unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }));
    assert!(err.to_string().contains("could not write"));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn many_marks_on_many_lanes_stay_small() {
    let events: Vec<Event> = (0..30_000u64)
        .map(|i| Event {
            time: i * 10,
            lane: (i % 100) as usize,
            kind: EventKind::Mark,
            label: Cow::Borrowed("m"),
        })
        .collect();
    let snap = Snapshot::from_parts(vec![], events, 0, Clock::Real);
    let svg = Timeline::new(&snap)
        .size(1000, 600)
        .render()
        .expect("renders");
    valid(&svg);
    assert!(
        svg.as_str().len() < 1_000_000,
        "{} bytes",
        svg.as_str().len()
    );
    assert!(svg.as_str().contains("marks within"));
}

#[test]
fn a_hundred_thousand_lanes_stay_bounded() {
    let events: Vec<Event> = (0..100_000u64)
        .flat_map(|i| {
            let lane = i as usize;
            [
                Event {
                    time: i,
                    lane,
                    kind: EventKind::Mark,
                    label: Cow::Borrowed("m"),
                },
                Event {
                    time: i,
                    lane,
                    kind: EventKind::SpanBegin(i),
                    label: Cow::Borrowed("s"),
                },
                Event {
                    time: i + 5,
                    lane,
                    kind: EventKind::SpanEnd(i),
                    label: Cow::Borrowed("s"),
                },
            ]
        })
        .collect();
    let snap = Snapshot::from_parts(vec![], events, 0, Clock::Logical);
    let svg = Timeline::new(&snap)
        .size(800, 600)
        .render()
        .expect("renders");
    valid(&svg);
    assert!(
        svg.as_str().len() < 1_000_000,
        "{} bytes",
        svg.as_str().len()
    );
    assert!(svg.as_str().contains("not drawn"));
}
