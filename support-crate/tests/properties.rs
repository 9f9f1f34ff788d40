//! Property tests: whatever is recorded or charted, with whatever labels, the pictures are SVG
//! that parses as XML, and nothing panics.

mod common;

use std::borrow::Cow;

use common::{HOSTILE, check_svg};
use interleave::{
    Chart, Clock, Event, EventKind, Histogram, Msg, PlotError, Snapshot, Span, Timeline, Trace,
};
use proptest::prelude::*;

/// Labels: the hand-picked hostile ones, or any string at all (control characters, markup,
/// any Unicode).
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(HOSTILE).prop_map(String::from),
        any::<String>(),
        "[<>&\"' a-z]{0,12}",
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Mark(usize, String),
    Begin(usize, String),
    End(usize),
    Forget(usize),
    Send(usize, String),
    Recv(usize, usize),
    StrayRecv(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let lane = 0..6usize;
    prop_oneof![
        (lane.clone(), label()).prop_map(|(l, s)| Op::Mark(l, s)),
        (lane.clone(), label()).prop_map(|(l, s)| Op::Begin(l, s)),
        lane.clone().prop_map(Op::End),
        lane.clone().prop_map(Op::Forget),
        (lane.clone(), label()).prop_map(|(l, s)| Op::Send(l, s)),
        (lane.clone(), any::<prop::sample::Index>())
            .prop_map(|(l, i)| Op::Recv(l, i.index(1 << 16))),
        lane.prop_map(Op::StrayRecv),
    ]
}

/// Apply the operations to a trace, the way threads would (spans may be left open, messages
/// unreceived or received twice, receives may come from another trace).
fn record(trace: &Trace, lane_names: &[String], ops: &[Op]) {
    let lanes: Vec<_> = lane_names.iter().map(|n| trace.lane(n.clone())).collect();
    let other = Trace::logical().lane("other");
    let mut open: Vec<Vec<Span<'_>>> = (0..lanes.len()).map(|_| Vec::new()).collect();
    let mut sent: Vec<Msg> = Vec::new();
    for op in ops {
        match op.clone() {
            Op::Mark(l, s) => lanes[l % lanes.len()].mark(s),
            Op::Begin(l, s) => {
                let l = l % lanes.len();
                open[l].push(lanes[l].span(s));
            }
            Op::End(l) => drop(open[l % lanes.len()].pop()),
            Op::Forget(l) => {
                if let Some(s) = open[l % lanes.len()].pop() {
                    std::mem::forget(s);
                }
            }
            Op::Send(l, s) => sent.push(lanes[l % lanes.len()].send(s)),
            Op::Recv(l, i) => {
                if !sent.is_empty() {
                    lanes[l % lanes.len()].recv(sent[i % sent.len()]);
                }
            }
            Op::StrayRecv(l) => lanes[l % lanes.len()].recv(other.send("stray")),
        }
    }
    // Spans still in `open` end here, in reverse order, like guards going out of scope.
    for mut spans in open {
        while spans.pop().is_some() {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_recording_renders_valid_svg(
        names in prop::collection::vec(label(), 1..6),
        ops in prop::collection::vec(op(), 0..120),
        capacity in prop_oneof![Just(usize::MAX), 0..60usize],
        title in label(),
        logical in any::<bool>(),
    ) {
        let clock = if logical { Clock::Logical } else { Clock::Real };
        let trace = Trace::builder().clock(clock).capacity(capacity).build();
        record(&trace, &names, &ops);
        prop_assert!(trace.len() <= capacity);
        let snap = trace.snapshot();
        // Whole spans only: every end has its begin.
        let ends = snap.events().iter().filter(|e| matches!(e.kind, EventKind::SpanEnd(_))).count();
        prop_assert!(snap.spans().iter().filter(|s| s.end.is_some()).count() == ends);
        let svg = Timeline::new(&snap).title(title).size(500, 260).render();
        let svg = svg.map_err(|e| TestCaseError::fail(e.to_string()))?;
        if let Err(e) = check_svg(svg.as_str()) {
            return Err(TestCaseError::fail(format!("{e}\n{}", svg.as_str())));
        }
    }

    #[test]
    fn any_events_render_valid_svg(
        events in prop::collection::vec(
            (any::<u64>(), 0..40usize, 0..5u8, any::<u64>(), label()),
            0..80,
        ),
        dropped in any::<u64>(),
        (w, h) in (0..3000u32, 0..3000u32),
    ) {
        let events: Vec<Event> = events
            .into_iter()
            .map(|(time, lane, kind, id, label)| Event {
                time,
                lane,
                kind: match kind {
                    0 => EventKind::SpanBegin(id % 8),
                    1 => EventKind::SpanEnd(id % 8),
                    2 => EventKind::Mark,
                    3 => EventKind::Send(id % 8),
                    _ => EventKind::Recv { id: id % 8, matched: id % 3 != 0 },
                },
                label: Cow::Owned(label),
            })
            .collect();
        let snap = Snapshot::from_parts(vec![], events, dropped, Clock::Real);
        match Timeline::new(&snap).size(w, h).render() {
            Ok(svg) => {
                if let Err(e) = check_svg(svg.as_str()) {
                    return Err(TestCaseError::fail(format!("{e}\n{}", svg.as_str())));
                }
            }
            Err(PlotError::Size { .. }) => {
                prop_assert!(w < 120 || h < 80 || w > 10_000 || h > 10_000);
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        }
    }

    #[test]
    fn any_chart_renders_valid_svg(
        series in prop::collection::vec(
            (label(), prop::collection::vec((any::<f64>(), any::<f64>()), 0..12)),
            0..4,
        ),
        bars in prop::collection::vec((label(), any::<f64>()), 0..8),
        log_x in any::<bool>(),
        log_y in any::<bool>(),
        title in label(),
    ) {
        let mut line = Chart::line(title.clone());
        for (name, points) in series {
            line = line.series(name, points);
        }
        let mut bar = Chart::bars(title);
        for (name, v) in bars {
            bar = bar.bar(name, v);
        }
        if log_x {
            line = line.log_x();
            bar = bar.log_x();
        }
        if log_y {
            line = line.log_y();
            bar = bar.log_y();
        }
        for chart in [line, bar] {
            let svg = chart.size(400, 260).render().map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Err(e) = check_svg(svg.as_str()) {
                return Err(TestCaseError::fail(format!("{e}\n{}", svg.as_str())));
            }
        }
    }

    #[test]
    fn any_histogram_renders_valid_svg(
        values in prop::collection::vec(any::<i64>(), 0..50),
        samples in prop::collection::vec(any::<f64>(), 0..50),
        bins in prop_oneof![0..100usize, Just(usize::MAX)],
        label in label(),
    ) {
        let h = Histogram::of_values(values.clone()).title(label.clone()).x_label(label.clone());
        prop_assert_eq!(h.total(), values.len() as u64);
        let svg = h.size(400, 240).render().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(check_svg(svg.as_str()).is_ok());

        let h = Histogram::of_samples(&samples, bins).title(label);
        let finite = samples.iter().filter(|v| v.is_finite()).count();
        prop_assert_eq!(h.total(), finite as u64);
        prop_assert_eq!(h.bins().iter().map(|b| b.count).sum::<u64>(), finite as u64);
        let svg = h.size(400, 240).render().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(check_svg(svg.as_str()).is_ok());
    }
}
