//! The timeline: one row per lane, spans as bars, marks as ticks, messages as arrows.
//!
//! Drawn in pixel coordinates on a plotters drawing area rather than through a chart, because
//! the point of the picture is to control what lands on each pixel: before drawing, spans that
//! are narrower than a pixel are merged per lane (and per nesting depth), marks in the same pixel
//! are drawn once, and arrows between the same pixels are drawn once. That keeps a picture of
//! 100,000 events fast and small, and a footer line says what was merged, dropped or left open.

use std::collections::HashSet;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    Area, PlotError, Svg, clean_label, color_for, draw_err, render_svg, short_number, text_width,
};
use crate::clock::Clock;
use crate::snapshot::{Snapshot, SpanRecord};

/// Message labels are written next to arrows only when there are this few arrows.
const MAX_ARROW_LABELS: usize = 40;
/// Spans nested deeper than this are drawn at this depth.
const MAX_DEPTH: usize = 4;
const FONT: &str = "sans-serif";

/// A timeline picture of a [`Snapshot`]: a row per lane, spans as bars (nested spans inset),
/// marks as ticks, messages as arrows from sender to receiver, and a labelled time axis.
///
/// What the picture cannot show exactly is written in a footer: events dropped past the
/// trace's capacity, spans narrower than a pixel merged into grey bars, spans never ended (drawn
/// open to the end of the trace with a red edge), receives without a send (a red `?`).
///
/// # Examples
///
/// ```
/// use interleave::{Timeline, Trace};
///
/// let trace = Trace::logical();
/// let (a, b) = (trace.lane("producer"), trace.lane("consumer"));
/// {
///     let _s = a.span("produce");
///     let m = a.send("item");
///     b.recv(m);
///     b.mark("got <item> & done");
/// }
/// let svg = Timeline::new(&trace.snapshot()).title("bounded(0)").size(600, 200).render().unwrap();
/// assert!(svg.as_str().contains("producer"));
/// assert!(svg.as_str().contains("got &lt;item&gt; &amp; done")); // labels are escaped
/// ```
#[derive(Debug, Clone)]
pub struct Timeline {
    snap: Snapshot,
    title: Option<String>,
    size: Option<(u32, u32)>,
}

impl Timeline {
    /// A timeline of a snapshot (copied, so the timeline can be kept and drawn later).
    ///
    /// # Examples
    ///
    /// ```
    /// let snap = interleave::Trace::new().snapshot();
    /// let svg = interleave::Timeline::new(&snap).render().unwrap();
    /// assert!(svg.as_str().contains("empty trace"));
    /// ```
    pub fn new(snapshot: &Snapshot) -> Self {
        Self {
            snap: snapshot.clone(),
            title: None,
            size: None,
        }
    }

    /// The title above the picture.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().title("unbounded").render().unwrap();
    /// assert!(svg.as_str().contains("unbounded"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Size in pixels (default: 800 wide, 44 pixels per lane plus room for the axis).
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().size(400, 200).render().unwrap();
    /// assert_eq!((svg.width(), svg.height()), (400, 200));
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// The snapshot being drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = interleave::Trace::new().timeline();
    /// assert!(t.snapshot().is_empty());
    /// ```
    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    fn chosen_size(&self) -> (u32, u32) {
        self.size.unwrap_or_else(|| {
            let lanes = self.snap.lane_count().max(1) as u32;
            (
                800,
                (lanes.saturating_mul(44).saturating_add(120)).clamp(160, 2_000),
            )
        })
    }

    /// Draw the picture.
    ///
    /// # Errors
    ///
    /// [`PlotError::Size`] for sizes outside [`MIN_SIZE`](crate::plot::MIN_SIZE)..=
    /// [`MAX_SIZE`](crate::plot::MAX_SIZE); [`PlotError::Draw`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let trace = interleave::Trace::logical();
    /// trace.lane("main").span("work").end();
    /// let svg = trace.timeline().render().unwrap();
    /// assert!(svg.as_str().contains("work"));
    /// ```
    pub fn render(&self) -> Result<Svg, PlotError> {
        render_svg(self.chosen_size(), |root| {
            draw_timeline(root, &self.snap, self.title.as_deref())
        })
    }

    /// Draw and write to an `.svg` file.
    ///
    /// # Errors
    ///
    /// As [`render`](Timeline::render), plus [`PlotError::Io`] if the file cannot be written.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join("interleave-doc-timeline.svg");
    /// interleave::Trace::new().timeline().save(&path).unwrap();
    /// assert!(path.exists());
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        self.render()?.save(path)
    }

    /// Show inline in an evcxr cell (called by evcxr for a cell's last expression). An error is
    /// shown as text instead of a picture.
    ///
    /// # Examples
    ///
    /// ```
    /// interleave::Trace::new().timeline().evcxr_display();
    /// ```
    pub fn evcxr_display(&self) {
        super::svg::display_result(self.render());
    }
}

/// Pixel geometry shared by the drawing steps.
struct Layout {
    left: f64,
    right: f64,
    top: f64,
    row_h: f64,
    /// Time at the left edge of the plot, in clock units.
    t0: u64,
    /// Time from the left edge to the right edge of the plot, in clock units (>= 1).
    t_end: f64,
    /// Reserve the top of each row for mark labels.
    label_band: f64,
}

impl Layout {
    fn x(&self, t: u64) -> f64 {
        self.left + (t.saturating_sub(self.t0) as f64 / self.t_end) * (self.right - self.left)
    }
    fn row_top(&self, lane: usize) -> f64 {
        self.top + lane as f64 * self.row_h
    }
    fn row_mid(&self, lane: usize) -> f64 {
        self.row_top(lane) + self.label_band + (self.row_h - self.label_band) / 2.0
    }
    /// Top and bottom of a span bar at nesting `depth`.
    fn bar(&self, lane: usize, depth: usize) -> (f64, f64) {
        let y0 = self.row_top(lane) + self.label_band + 2.0;
        let y1 = self.row_top(lane) + self.row_h - 3.0;
        let inset = ((y1 - y0) * 0.14).min(5.0) * depth as f64;
        let (a, b) = (y0 + inset, y1 - inset);
        if b - a < 1.0 { (a, a + 1.0) } else { (a, b) }
    }
}

fn px(v: f64) -> i32 {
    // Saturating float-to-int conversion: huge values cannot panic.
    v.round() as i32
}

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK)
}

/// The most span bars, mark ticks and arrows drawn. Past these, nearby items are merged more
/// coarsely (so coverage stays even across the picture) until they fit: together they bound the
/// SVG to well under 1 MB whatever the trace holds.
const SPAN_BUDGET: usize = 3_000;
const MARK_BUDGET: usize = 2_000;
const ARROW_BUDGET: usize = 1_000;

fn draw_timeline(root: &Area<'_>, snap: &Snapshot, title: Option<&str>) -> Result<(), PlotError> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let lanes = snap.lane_count();
    let spans = snap.spans();
    let marks = snap.marks();
    let messages = snap.messages();
    let orphans = snap.unmatched_receives();
    let red = RGBColor(192, 57, 43);

    // Footer notes are known only after layout, but their number decides the layout, so room
    // for the most shown is reserved.
    let mut notes: Vec<String> = Vec::new();
    let max_notes = 3;
    let top = if title.is_some() { 30.0 } else { 10.0 };
    let footer = 14.0 * max_notes as f64 + 4.0;
    let axis = 36.0;
    let plot_bottom = (h - footer - axis).max(top + 1.0);

    if let Some(t) = title {
        let style = font(16.0).pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(clean_label(t, 120), (10, 8), style))
            .map_err(draw_err)?;
    }

    let names: Vec<String> = snap
        .lane_names()
        .iter()
        .map(|n| clean_label(n, 28))
        .collect();
    let widest = names
        .iter()
        .map(|n| text_width(n, 12.0))
        .fold(0.0, f64::max);
    let left = (widest + 16.0).min(w * 0.3).max(20.0);
    let right = w - 14.0;
    let row_h = (plot_bottom - top) / lanes.max(1) as f64;
    let label_band = if row_h >= 34.0 { 12.0 } else { 0.0 };
    // Leave 1% of room after the last event so the last tick is not on the border.
    // Real time starts at the first event: a trace is often made well before anything happens
    // (in an earlier notebook cell). Logical ticks and tokio time already start at 0 there.
    let t0 = if snap.clock() == Clock::Real {
        snap.start_time()
    } else {
        0
    };
    // Spans still open run until the snapshot was taken: a stuck thread shows as a long bar.
    let end = if spans.iter().any(|s| s.end.is_none()) {
        snap.taken_at()
    } else {
        snap.end_time()
    };
    let span = end.saturating_sub(t0);
    let t_end = (span as f64 * 1.01).max(1.0);
    let lay = Layout {
        left,
        right,
        top,
        row_h,
        t0,
        t_end,
        label_band,
    };

    // Row backgrounds and lane names.
    for (i, name) in names.iter().enumerate() {
        let (y0, y1) = (lay.row_top(i), lay.row_top(i) + row_h);
        if i % 2 == 1 && px(y1) > px(y0) {
            root.draw(&Rectangle::new(
                [(px(left), px(y0)), (px(right), px(y1))],
                RGBColor(246, 246, 246).filled(),
            ))
            .map_err(draw_err)?;
        }
        if row_h >= 9.0 {
            let name_max = ((left - 10.0) / (12.0 * 0.58)).max(1.0) as usize;
            root.draw(&Text::new(
                clean_label(name, name_max),
                (px(left - 6.0), px(lay.row_mid(i))),
                font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    if lanes > 0 && row_h < 9.0 {
        notes.push(format!("{lanes} lanes: names hidden (picture too short)"));
    }

    // Spans: lay out, coarsening the merge until the bars fit the budget.
    let mut small = 1.0;
    let mut bars = layout_spans(&lay, lanes, &spans, small);
    while bars.rects.len() > SPAN_BUDGET && small < w {
        small *= 2.0;
        bars = layout_spans(&lay, lanes, &spans, small);
    }
    // Even the coarsest merge leaves a bar per lane: with more lanes than the budget (rows
    // thinner than a pixel) the rest are not drawn, and the note says so.
    let mut not_drawn = 0usize;
    for r in &bars.rects {
        if r.lane >= lanes || bars.rects.len() > SPAN_BUDGET && r.lane >= SPAN_BUDGET {
            not_drawn += 1;
            continue;
        }
        draw_span(root, &lay, r, &spans)?;
    }
    if bars.merged > 0 {
        let how = if small > 1.0 {
            format!("{small:.0} pixels")
        } else {
            String::from("a pixel")
        };
        notes.push(format!(
            "{} spans narrower than {how} merged into {} grey bars",
            bars.merged, bars.merged_bars
        ));
    }
    if bars.open > 0 {
        notes.push(format!(
            "{} never ended (drawn open to the end, red edge)",
            plural(bars.open, "span")
        ));
    }

    // Marks: one tick per lane and pixel (or per wider bucket if there are too many).
    let in_lanes = |l: usize| l < lanes;
    let bucket = coarsest_needed(MARK_BUDGET, |b| {
        marks
            .iter()
            .filter(|m| in_lanes(m.lane))
            .map(|m| (m.lane, px(lay.x(m.time)) / b))
            .collect()
    });
    let mut seen: HashSet<(usize, i32)> = HashSet::new();
    let mut marks_merged = 0usize;
    let mut last_label_end: Vec<f64> = vec![f64::NEG_INFINITY; lanes];
    for m in marks.iter().filter(|m| in_lanes(m.lane)) {
        let x = lay.x(m.time);
        if seen.len() >= MARK_BUDGET {
            not_drawn += 1;
            continue;
        }
        if !seen.insert((m.lane, px(x) / bucket)) {
            marks_merged += 1;
            continue;
        }
        let (y0, y1) = lay.bar(m.lane, 0);
        root.draw(&PathElement::new(
            vec![(px(x), px(y0 - 2.0)), (px(x), px(y1 + 1.0))],
            RGBColor(40, 40, 40).stroke_width(2),
        ))
        .map_err(draw_err)?;
        if label_band > 0.0 {
            // Right of the tick, or left of it near the right edge; never over another label.
            let label = clean_label(&m.label, 24);
            let tw = text_width(&label, 10.0);
            let (anchor, lx, end) = if x + tw <= w {
                (HPos::Left, x + 1.0, x + tw)
            } else {
                (HPos::Right, x - 1.0, x)
            };
            if end - tw >= last_label_end[m.lane] && end - tw >= 0.0 {
                root.draw(&Text::new(
                    label,
                    (px(lx), px(lay.row_top(m.lane) + 1.0)),
                    font(10.0).pos(Pos::new(anchor, VPos::Top)),
                ))
                .map_err(draw_err)?;
                last_label_end[m.lane] = end + 6.0;
            }
        }
    }
    if marks_merged > 0 {
        let within = if bucket > 1 {
            format!("{bucket} pixels")
        } else {
            String::from("a pixel")
        };
        notes.push(format!(
            "{} within {within} of another drawn once",
            plural(marks_merged, "mark")
        ));
    }

    // Messages: arrows from the send to the receive, one per pair of pixels (or buckets).
    let received: Vec<(&crate::snapshot::MessageRecord, usize, u64)> = messages
        .iter()
        .filter(|m| in_lanes(m.from_lane))
        .filter_map(|m| Some((m, m.to_lane.filter(|&l| in_lanes(l))?, m.received_at?)))
        .collect();
    let bucket = coarsest_needed(ARROW_BUDGET, |b| {
        received
            .iter()
            .map(|(m, to, at)| {
                (
                    m.from_lane,
                    *to,
                    px(lay.x(m.sent_at)) / b,
                    px(lay.x(*at)) / b,
                )
            })
            .collect()
    });
    let mut arrows: HashSet<(usize, usize, i32, i32)> = HashSet::new();
    let label_arrows = received.len() <= MAX_ARROW_LABELS;
    for (m, to, at) in &received {
        let (x0, y0) = (lay.x(m.sent_at), lay.row_mid(m.from_lane));
        let (x1, y1) = (lay.x(*at), lay.row_mid(*to));
        if arrows.len() >= ARROW_BUDGET {
            not_drawn += 1;
            continue;
        }
        if !arrows.insert((m.from_lane, *to, px(x0) / bucket, px(x1) / bucket)) {
            continue;
        }
        draw_arrow(root, (x0, y0), (x1, y1), red, label_arrows)?;
        if label_arrows && !m.label.is_empty() {
            // Next to the start of the arrow, where it leaves the sender's row.
            let (lx, ly) = (x0 + (x1 - x0) * 0.25 + 3.0, y0 + (y1 - y0) * 0.25);
            root.draw(&Text::new(
                clean_label(&m.label, 20),
                (px(lx), px(ly)),
                font(10.0)
                    .color(&red)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    let arrows_merged = received.len().saturating_sub(arrows.len() + not_drawn);
    if arrows_merged > 0 {
        let within = if bucket > 1 {
            format!("{bucket} pixels")
        } else {
            String::from("a pixel")
        };
        notes.push(format!(
            "{} between the same lanes within {within} drawn once",
            plural(arrows_merged, "message arrow")
        ));
    }
    let unreceived = messages
        .iter()
        .filter(|m| in_lanes(m.from_lane) && m.received_at.is_none());
    let mut unreceived_px: HashSet<(usize, i32)> = HashSet::new();
    let mut unreceived_count = 0;
    for m in unreceived {
        unreceived_count += 1;
        let (x, y) = (lay.x(m.sent_at), lay.row_mid(m.from_lane));
        if unreceived_px.len() < MARK_BUDGET && unreceived_px.insert((m.from_lane, px(x))) {
            root.draw(&Circle::new((px(x), px(y)), 3, red.stroke_width(1)))
                .map_err(draw_err)?;
        }
    }
    if unreceived_count > 0 {
        notes.push(format!(
            "{} never received (red circle)",
            plural(unreceived_count, "message")
        ));
    }
    let mut orphan_px: HashSet<(usize, i32)> = HashSet::new();
    for o in orphans.iter().filter(|o| in_lanes(o.lane)) {
        let x = lay.x(o.time);
        if orphan_px.len() < MARK_BUDGET && orphan_px.insert((o.lane, px(x))) {
            root.draw(&Text::new(
                "?",
                (px(x), px(lay.row_mid(o.lane))),
                font(14.0)
                    .color(&red)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    if !orphans.is_empty() {
        notes.push(format!(
            "{} without a send (red ?)",
            plural(orphans.len(), "receive")
        ));
    }

    draw_axis(root, &lay, plot_bottom, snap.clock(), span)?;

    if snap.is_empty() {
        root.draw(&Text::new(
            "empty trace: nothing was recorded",
            (px((left + right) / 2.0), px((top + plot_bottom) / 2.0)),
            font(14.0)
                .color(&RGBColor(120, 120, 120))
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(draw_err)?;
    }
    if not_drawn > 0 {
        notes.push(format!(
            "{} not drawn: too many lanes for the picture ({lanes})",
            plural(not_drawn, "item")
        ));
    }
    if snap.dropped() > 0 {
        // The most important note goes first so it is never folded away.
        notes.insert(
            0,
            format!(
                "{} dropped: the trace's capacity ({}) was full",
                plural(snap.dropped() as usize, "event"),
                snap.capacity()
            ),
        );
    }
    draw_notes(root, &notes, h - footer + 2.0, max_notes, red)
}

/// "1 span", "3 spans".
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The smallest bucket width (1, 2, 4, ... pixels) at which `keys(bucket)` has at most `budget`
/// distinct keys.
fn coarsest_needed<K: std::hash::Hash + Eq>(
    budget: usize,
    keys: impl Fn(i32) -> HashSet<K>,
) -> i32 {
    let mut bucket = 1;
    while keys(bucket).len() > budget && bucket < 1 << 20 {
        bucket *= 2;
    }
    bucket
}

/// One bar to draw: a span, or several merged ones.
#[derive(Debug, Clone, Copy)]
struct SpanRect {
    lane: usize,
    depth: usize,
    x0: f64,
    x1: f64,
    /// How many spans it stands for (more than 1: a grey merged bar).
    count: usize,
    /// Index of the first span (its colour and label are used when `count == 1`).
    first: usize,
    open: bool,
}

struct SpanLayout {
    rects: Vec<SpanRect>,
    merged: usize,
    merged_bars: usize,
    open: usize,
}

/// Place spans as bars: nested spans get a depth (drawn inset), and spans narrower than
/// `small` pixels that lie within `small` pixels of each other on the same lane and depth are
/// merged into one bar.
fn layout_spans(lay: &Layout, lanes: usize, spans: &[SpanRecord], small: f64) -> SpanLayout {
    // Per lane: ends (in pixels) of the spans still open, innermost last. Spans come sorted by
    // start, so a span's depth is how many spans of its lane are still open when it starts.
    let mut stacks: Vec<Vec<f64>> = vec![Vec::new(); lanes];
    // The merged run being built per lane and depth.
    let mut runs: Vec<Vec<Option<SpanRect>>> = vec![vec![None; MAX_DEPTH + 1]; lanes];
    let mut out = SpanLayout {
        rects: Vec::new(),
        merged: 0,
        merged_bars: 0,
        open: 0,
    };
    let push = |r: SpanRect, out: &mut SpanLayout| {
        if r.count > 1 {
            out.merged += r.count;
            out.merged_bars += 1;
        }
        out.rects.push(r);
    };
    for (i, s) in spans.iter().enumerate() {
        if s.lane >= lanes {
            continue;
        }
        let x0 = lay.x(s.start);
        let open = s.end.is_none();
        let x1 = s.end.map_or(lay.right, |end| lay.x(end));
        if open {
            out.open += 1;
        }
        let stack = &mut stacks[s.lane];
        while stack.last().is_some_and(|&end| end <= x0) {
            stack.pop();
        }
        let depth = stack.len().min(MAX_DEPTH);
        stack.push(x1);
        let rect = SpanRect {
            lane: s.lane,
            depth,
            x0,
            x1,
            count: 1,
            first: i,
            open,
        };
        let slot = &mut runs[s.lane][depth];
        if x1 - x0 < small && !open {
            match slot {
                Some(run) if x0 <= run.x1 + small => {
                    run.x1 = run.x1.max(x1);
                    run.count += 1;
                }
                _ => {
                    if let Some(run) = slot.replace(rect) {
                        push(run, &mut out);
                    }
                }
            }
        } else {
            if let Some(run) = slot.take() {
                push(run, &mut out);
            }
            push(rect, &mut out);
        }
    }
    for run in runs.into_iter().flatten().flatten() {
        push(run, &mut out);
    }
    out
}

fn draw_span(
    root: &Area<'_>,
    lay: &Layout,
    r: &SpanRect,
    spans: &[SpanRecord],
) -> Result<(), PlotError> {
    let (y0, y1) = lay.bar(r.lane, r.depth);
    let (x0, x1) = (r.x0, r.x1.max(r.x0 + 1.0));
    let color = if r.count > 1 {
        RGBColor(150, 150, 150)
    } else {
        color_for(&spans[r.first].label)
    };
    // Bars wider than 3 pixels leave a 1-pixel gap at their end, so neighbours stay apart
    // without drawing an outline (half the SVG of a stroked rectangle).
    let gap = if x1 - x0 > 3.0 { 1.0 } else { 0.0 };
    root.draw(&Rectangle::new(
        [(px(x0), px(y0)), (px(x1 - gap), px(y1))],
        color.filled(),
    ))
    .map_err(draw_err)?;
    if r.open {
        root.draw(&PathElement::new(
            vec![(px(x1) - 2, px(y0)), (px(x1) - 2, px(y1))],
            RGBColor(192, 57, 43).stroke_width(3),
        ))
        .map_err(draw_err)?;
    }
    // A label inside the bar when it fits.
    let size = 11.0;
    if r.count == 1 && y1 - y0 >= size {
        let label = clean_label(&spans[r.first].label, 40);
        let label = if r.open {
            format!("{label} (never ended)")
        } else {
            label
        };
        if text_width(&label, size) + 6.0 <= x1 - x0 {
            root.draw(&Text::new(
                label,
                (px(x0 + 3.0), px((y0 + y1) / 2.0)),
                font(size).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

fn draw_arrow(
    root: &Area<'_>,
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    color: RGBColor,
    dot: bool,
) -> Result<(), PlotError> {
    root.draw(&PathElement::new(
        vec![(px(x0), px(y0)), (px(x1), px(y1))],
        color.mix(0.8).stroke_width(1),
    ))
    .map_err(draw_err)?;
    if dot {
        root.draw(&Circle::new((px(x0), px(y0)), 2, color.filled()))
            .map_err(draw_err)?;
    }
    // Arrowhead: a small triangle pointing along the line (straight down for a zero-time hop).
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > 0.5 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let (bx, by) = (x1 - ux * 7.0, y1 - uy * 7.0);
    let (nx, ny) = (-uy * 3.5, ux * 3.5);
    root.draw(&Polygon::new(
        vec![
            (px(x1), px(y1)),
            (px(bx + nx), px(by + ny)),
            (px(bx - nx), px(by - ny)),
        ],
        color.filled(),
    ))
    .map_err(draw_err)
}

/// The time axis: a line, nice round ticks, and a label with the unit.
fn draw_axis(
    root: &Area<'_>,
    lay: &Layout,
    y: f64,
    clock: Clock,
    span: u64,
) -> Result<(), PlotError> {
    let grey = RGBColor(90, 90, 90);
    root.draw(&PathElement::new(
        vec![(px(lay.left), px(y)), (px(lay.right), px(y))],
        grey.stroke_width(1),
    ))
    .map_err(draw_err)?;
    let (scale, unit) = match clock {
        Clock::Logical => (1.0, "ticks"),
        Clock::Real | Clock::Tokio => {
            let end = span as f64;
            if end < 10_000.0 {
                (1.0, "ns")
            } else if end < 1e7 {
                (1e3, "µs")
            } else if end < 1e10 {
                (1e6, "ms")
            } else {
                (1e9, "s")
            }
        }
    };
    let range = lay.t_end / scale;
    let target = ((lay.right - lay.left) / 90.0).clamp(2.0, 10.0);
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| range / s <= target)
        .unwrap_or(10.0 * mag);
    if clock == Clock::Logical {
        step = step.max(1.0).round();
    }
    if !(step.is_finite() && step > 0.0) {
        return Ok(());
    }
    let mut v = 0.0;
    let mut n = 0;
    while v <= range && n < 50 {
        let x = lay.left + v / range * (lay.right - lay.left);
        root.draw(&PathElement::new(
            vec![(px(x), px(y)), (px(x), px(y + 4.0))],
            grey.stroke_width(1),
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(
            short_number(v),
            (px(x), px(y + 6.0)),
            font(10.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_err)?;
        n += 1;
        v = step * f64::from(n);
    }
    let what = match clock {
        Clock::Logical => "logical time",
        Clock::Real => "time since the first event",
        Clock::Tokio => "tokio time since the first event",
    };
    root.draw(&Text::new(
        format!("{what} ({unit})"),
        (px((lay.left + lay.right) / 2.0), px(y + 20.0)),
        font(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(draw_err)?;
    Ok(())
}

pub(crate) fn draw_notes(
    root: &Area<'_>,
    notes: &[String],
    y: f64,
    max: usize,
    color: RGBColor,
) -> Result<(), PlotError> {
    let mut shown: Vec<String> = notes.iter().take(max).cloned().collect();
    if notes.len() > max {
        // Fold the rest into the last line rather than drop them silently.
        let rest = notes[max - 1..].join("; ");
        shown[max - 1] = rest;
    }
    for (i, note) in shown.iter().enumerate() {
        root.draw(&Text::new(
            format!("⚠ {}", clean_label(note, 200)),
            (10, px(y + 14.0 * i as f64)),
            font(11.0)
                .color(&color)
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            left: 0.0,
            right: 100.0,
            top: 0.0,
            row_h: 40.0,
            t0: 0,
            t_end: 100.0,
            label_band: 0.0,
        }
    }

    fn span(lane: usize, start: u64, end: Option<u64>) -> SpanRecord {
        SpanRecord {
            lane,
            label: String::from("s"),
            start,
            end,
        }
    }

    #[test]
    fn nested_spans_get_depths_and_siblings_do_not() {
        let spans = [
            span(0, 0, Some(50)),
            span(0, 10, Some(20)),
            span(0, 30, Some(40)),
        ];
        let l = layout_spans(&layout(), 1, &spans, 1.0);
        let depths: Vec<usize> = l.rects.iter().map(|r| r.depth).collect();
        assert_eq!(depths, [0, 1, 1]);
        assert_eq!((l.merged, l.open), (0, 0));
    }

    #[test]
    fn sub_pixel_neighbours_merge_and_are_counted() {
        // 1000 spans of 0.01 pixel each, back to back: one merged bar.
        let lay = Layout {
            t_end: 100_000.0,
            ..layout()
        };
        let spans: Vec<_> = (0..1000)
            .map(|i| span(0, i * 10, Some(i * 10 + 5)))
            .collect();
        let l = layout_spans(&lay, 1, &spans, 1.0);
        assert_eq!(l.rects.len(), 1);
        assert_eq!((l.merged, l.merged_bars), (1000, 1));
    }

    #[test]
    fn a_lone_narrow_span_is_drawn_as_itself() {
        let lay = Layout {
            t_end: 100_000.0,
            ..layout()
        };
        let l = layout_spans(&lay, 1, &[span(0, 10, Some(11))], 1.0);
        assert_eq!(l.rects.len(), 1);
        assert_eq!((l.rects[0].count, l.merged), (1, 0));
    }

    #[test]
    fn open_spans_reach_the_right_edge() {
        let l = layout_spans(&layout(), 1, &[span(0, 10, None)], 1.0);
        assert_eq!(l.open, 1);
        assert!(l.rects[0].open);
        assert_eq!(l.rects[0].x1, 100.0);
    }

    #[test]
    fn spans_of_unknown_lanes_are_ignored() {
        let l = layout_spans(&layout(), 1, &[span(5, 10, Some(20))], 1.0);
        assert!(l.rects.is_empty());
    }

    #[test]
    fn coarsening_reaches_the_budget() {
        let keys = |b: i32| (0..10_000).map(|x| x / b).collect::<HashSet<i32>>();
        let b = coarsest_needed(100, keys);
        assert!(keys(b).len() <= 100);
        assert!(keys(b / 2).len() > 100);
        assert_eq!(coarsest_needed(100, |_| HashSet::<i32>::new()), 1);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "span"), "1 span");
        assert_eq!(plural(0, "span"), "0 spans");
    }
}
