//! Line and bar charts for measurements, with optional log axes (cost per spawned unit as N
//! grows spans several orders of magnitude on both axes).

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Area, PlotError, SERIES, Svg, clean_label, draw_err, render_svg, short_number};

/// A number a chart accepts: every primitive integer and float type, converted to `f64`.
///
/// # Examples
///
/// ```
/// use interleave::Value;
/// assert_eq!(3_u64.to_f64(), 3.0);
/// assert_eq!(2.5_f32.to_f64(), 2.5);
/// ```
pub trait Value: Copy {
    /// The value as an `f64` (large integers round to the nearest `f64`).
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::Value;
    /// assert_eq!(u64::MAX.to_f64(), 18446744073709551615.0);
    /// ```
    fn to_f64(self) -> f64;
}

macro_rules! impl_value {
    ($($t:ty),*) => {$(
        impl Value for $t {
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
impl_value!(
    f64, f32, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Line,
    Bars,
}

/// A line chart (several named series of (x, y) points) or a bar chart (named bars), with
/// optional log axes.
///
/// Points that cannot be drawn (NaN, infinite, or not positive on a log axis) are skipped and
/// the picture says how many.
///
/// # Examples
///
/// ```
/// use interleave::Chart;
///
/// let svg = Chart::line("cost per unit")
///     .x_label("N")
///     .y_label("ns per unit")
///     .log_x()
///     .log_y()
///     .series("std thread", vec![(10, 52_000.0), (100, 48_000.0), (1000, 51_000.0)])
///     .series("tokio task", vec![(10, 900.0), (100, 520.0), (1000, 480.0)])
///     .render()
///     .unwrap();
/// assert!(svg.as_str().contains("tokio task"));
///
/// let svg = Chart::bars("which case won").bar("ch1", 512).bar("ch2", 488).render().unwrap();
/// assert!(svg.as_str().contains("ch2"));
/// ```
#[derive(Debug, Clone)]
pub struct Chart {
    kind: Kind,
    title: String,
    x_label: String,
    y_label: String,
    log_x: bool,
    log_y: bool,
    series: Vec<(String, Vec<(f64, f64)>)>,
    bars: Vec<(String, f64)>,
    size: (u32, u32),
}

impl Chart {
    fn new(kind: Kind, title: String) -> Self {
        Chart {
            kind,
            title,
            x_label: String::new(),
            y_label: String::new(),
            log_x: false,
            log_y: false,
            series: Vec::new(),
            bars: Vec::new(),
            size: (640, 360),
        }
    }

    /// A line chart with a title; add lines with [`series`](Chart::series).
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::line("t").series("a", [(1, 1), (2, 4)]);
    /// assert!(c.render().is_ok());
    /// ```
    pub fn line(title: impl Into<String>) -> Self {
        Self::new(Kind::Line, title.into())
    }

    /// A bar chart with a title; add bars with [`bar`](Chart::bar).
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::bars("t").bar("a", 1.0);
    /// assert!(c.render().is_ok());
    /// ```
    pub fn bars(title: impl Into<String>) -> Self {
        Self::new(Kind::Bars, title.into())
    }

    /// Replace the title.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Chart::line("old").title("new").render().unwrap();
    /// assert!(svg.as_str().contains("new"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The x axis label.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Chart::line("t").x_label("threads").render().unwrap();
    /// assert!(svg.as_str().contains("threads"));
    /// ```
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// The y axis label.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Chart::line("t").y_label("ns").render().unwrap();
    /// assert!(svg.as_str().contains("ns"));
    /// ```
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Logarithmic x axis (line charts; ignored for bars).
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::line("t").log_x().series("a", [(0.0, 1.0), (10.0, 2.0)]);
    /// assert!(c.render().unwrap().as_str().contains("1 point"));  // x = 0 cannot be drawn
    /// ```
    pub fn log_x(mut self) -> Self {
        self.log_x = true;
        self
    }

    /// Logarithmic y axis.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::bars("t").log_y().bar("a", 10).bar("b", 10_000);
    /// assert!(c.render().is_ok());
    /// ```
    pub fn log_y(mut self) -> Self {
        self.log_y = true;
        self
    }

    /// Add a named line of (x, y) points (drawn in the given order).
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::line("t").series("squares", (1..10).map(|x| (x, x * x)));
    /// assert!(c.render().unwrap().as_str().contains("squares"));
    /// ```
    pub fn series<X: Value, Y: Value>(
        mut self,
        name: impl Into<String>,
        points: impl IntoIterator<Item = (X, Y)>,
    ) -> Self {
        let points = points
            .into_iter()
            .map(|(x, y)| (x.to_f64(), y.to_f64()))
            .collect();
        self.series.push((name.into(), points));
        self
    }

    /// Add a named bar.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = interleave::Chart::bars("t").bar("yes", 3).bar("no", 1.5);
    /// assert!(c.render().unwrap().as_str().contains("yes"));
    /// ```
    pub fn bar(mut self, label: impl Into<String>, value: impl Value) -> Self {
        self.bars.push((label.into(), value.to_f64()));
        self
    }

    /// Size in pixels (default 640x360).
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Chart::bars("t").size(300, 200).render().unwrap();
    /// assert_eq!(svg.height(), 200);
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Draw the picture. No data draws an empty frame with a note.
    ///
    /// # Errors
    ///
    /// [`PlotError::Size`] for a size out of bounds, [`PlotError::Draw`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Chart::line("nothing yet").render().unwrap();
    /// assert!(svg.as_str().contains("no data"));
    /// ```
    pub fn render(&self) -> Result<Svg, PlotError> {
        render_svg(self.size, |root| match self.kind {
            Kind::Line => self.draw_lines(root),
            Kind::Bars => self.draw_bars(root),
        })
    }

    /// Draw and write to an `.svg` file.
    ///
    /// # Errors
    ///
    /// As [`render`](Chart::render), plus [`PlotError::Io`].
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join("interleave-doc-chart.svg");
    /// interleave::Chart::bars("t").bar("a", 1).save(&path).unwrap();
    /// assert!(path.exists());
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        self.render()?.save(path)
    }

    /// Show inline in an evcxr cell.
    ///
    /// # Examples
    ///
    /// ```
    /// interleave::Chart::bars("t").bar("a", 1).evcxr_display();
    /// ```
    pub fn evcxr_display(&self) {
        super::svg::display_result(self.render());
    }

    /// Whether a point can be drawn: finite, positive on a log axis, and within the range that
    /// plotters can map to pixels (see [`LIMIT`]).
    fn drawable(&self, x: f64, y: f64) -> bool {
        let ok = |v: f64, log: bool| {
            if log {
                (LOG_LIMIT.0..=LOG_LIMIT.1).contains(&v)
            } else {
                (-LIMIT..=LIMIT).contains(&v)
            }
        };
        ok(x, self.log_x) && ok(y, self.log_y)
    }

    fn skipped_note(&self, skipped: usize, what: &str) -> Option<String> {
        (skipped > 0).then(|| {
            let why = match (self.log_x, self.log_y) {
                (false, false) => "NaN, infinite or beyond ±4e307",
                _ => "NaN, infinite, beyond ±4e307, or outside 1e-100..1e100 on a log axis",
            };
            let s = if skipped == 1 { "" } else { "s" };
            format!("{skipped} {what}{s} skipped ({why})")
        })
    }

    fn draw_lines(&self, root: &Area<'_>) -> Result<(), PlotError> {
        let mut skipped = 0;
        let series: Vec<(String, Vec<(f64, f64)>)> = self
            .series
            .iter()
            .map(|(name, pts)| {
                let kept: Vec<(f64, f64)> = pts
                    .iter()
                    .copied()
                    .filter(|&(x, y)| self.drawable(x, y))
                    .collect();
                skipped += pts.len() - kept.len();
                (name.clone(), kept)
            })
            .collect();
        let mut notes: Vec<String> = self.skipped_note(skipped, "point").into_iter().collect();
        if self.kind == Kind::Line && !self.bars.is_empty() {
            notes.push(format!("{} bars ignored on a line chart", self.bars.len()));
        }
        let all = series.iter().flat_map(|(_, p)| p.iter().copied());
        let (xs, ys): (Vec<f64>, Vec<f64>) = all.unzip();
        if xs.is_empty() {
            notes.insert(0, String::from("no data to draw"));
        }
        let (x0, x1) = axis_range(&xs, self.log_x, false);
        let (y0, y1) = axis_range(&ys, self.log_y, true);
        let data = Plot {
            title: &self.title,
            x_label: &self.x_label,
            y_label: &self.y_label,
            notes,
        };
        match (self.log_x, self.log_y) {
            (false, false) => draw_xy(root, x0..x1, y0..y1, &data, &series),
            (true, false) => draw_xy(root, (x0..x1).log_scale(), y0..y1, &data, &series),
            (false, true) => draw_xy(root, x0..x1, (y0..y1).log_scale(), &data, &series),
            (true, true) => draw_xy(
                root,
                (x0..x1).log_scale(),
                (y0..y1).log_scale(),
                &data,
                &series,
            ),
        }
    }

    fn draw_bars(&self, root: &Area<'_>) -> Result<(), PlotError> {
        let bars: Vec<(usize, &str, f64)> = self
            .bars
            .iter()
            .enumerate()
            .filter(|(_, (_, v))| self.drawable(1.0, *v))
            .map(|(i, (l, v))| (i, l.as_str(), *v))
            .collect();
        let mut notes: Vec<String> = self
            .skipped_note(self.bars.len() - bars.len(), "bar")
            .into_iter()
            .collect();
        if !self.series.is_empty() {
            notes.push(format!(
                "{} series ignored on a bar chart",
                self.series.len()
            ));
        }
        if self.bars.is_empty() {
            notes.insert(0, String::from("no data to draw"));
        }
        let ys: Vec<f64> = bars.iter().map(|b| b.2).collect();
        let (y0, y1) = axis_range(&ys, self.log_y, true);
        let labels: Vec<String> = self.bars.iter().map(|(l, _)| clean_label(l, 24)).collect();
        let data = Plot {
            title: &self.title,
            x_label: &self.x_label,
            y_label: &self.y_label,
            notes,
        };
        if self.log_y {
            draw_bar_chart(root, (y0..y1).log_scale(), y0, &data, &bars, &labels)
        } else {
            draw_bar_chart(root, y0..y1, 0.0, &data, &bars, &labels)
        }
    }
}

/// The largest magnitude drawn on a linear axis. plotters needs a finite axis width (`hi - lo`)
/// to place its ticks (it loops forever otherwise) and maps values to `i32` pixels (which
/// overflows for values far outside the axis), so larger values are skipped and counted.
const LIMIT: f64 = f64::MAX / 4.0;
/// The range drawn on a log axis; plotters' log ticks stall on spans of hundreds of decades.
const LOG_LIMIT: (f64, f64) = (1e-100, 1e100);

/// Labels and notes common to both chart kinds.
struct Plot<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    notes: Vec<String>,
}

/// A padded range covering `values`, always finite and non-empty. For y axes
/// (`include_zero`), a linear range includes 0 so that bar heights and trends are not
/// exaggerated, and there is room at the top for the legend.
fn axis_range(values: &[f64], log: bool, include_zero: bool) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return if log { (1.0, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        // Values are > 0 here. Pad by a factor.
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo / 2.0, hi * 2.0)
        };
        // On the y axis, extra room at the top keeps the legend off the lines.
        let top = if include_zero { 8.0 } else { 1.25 };
        let (lo, hi) = ((lo / 1.25).max(LOG_LIMIT.0), (hi * top).min(LOG_LIMIT.1));
        return if hi > lo { (lo, hi) } else { LOG_LIMIT };
    }
    let (lo, hi) = if include_zero {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    };
    let (lo, hi) = (lo.max(-LIMIT), hi.min(LIMIT));
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - lo.abs() / 10.0 - 1.0, hi + hi.abs() / 10.0 + 1.0)
    };
    let pad = (hi - lo) / 20.0;
    let top = if include_zero { 5.0 } else { 1.0 };
    let (plo, phi) = (lo - pad, hi + top * pad);
    if include_zero && lo >= 0.0 {
        (0.0, phi)
    } else {
        (plo, phi)
    }
}

fn split_for_notes<'a>(root: &Area<'a>, notes: &[String]) -> (Area<'a>, Area<'a>) {
    let n = notes.len().min(3) as u32;
    let (_, h) = root.dim_in_pixel();
    root.split_vertically(h.saturating_sub(14 * n + 2))
}

fn draw_xy<X, Y>(
    root: &Area<'_>,
    x: X,
    y: Y,
    plot: &Plot<'_>,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<(), PlotError>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let (area, note_area) = split_for_notes(root, &plot.notes);
    let mut chart = ChartBuilder::on(&area)
        .caption(clean_label(plot.title, 100), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(clean_label(plot.x_label, 80))
        .y_desc(clean_label(plot.y_label, 80))
        .x_label_formatter(&|v| short_number(*v))
        .y_label_formatter(&|v| short_number(*v))
        .draw()
        .map_err(draw_err)?;
    for (i, (name, points)) in series.iter().enumerate() {
        let color = SERIES[i % SERIES.len()];
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(draw_err)?
            .label(clean_label(name, 40))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(draw_err)?;
    }
    if !series.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(draw_err)?;
    }
    super::timeline::draw_notes(&note_area, &plot.notes, 0.0, 3, RGBColor(192, 57, 43))
}

fn draw_bar_chart<Y>(
    root: &Area<'_>,
    y: Y,
    base: f64,
    plot: &Plot<'_>,
    bars: &[(usize, &str, f64)],
    labels: &[String],
) -> Result<(), PlotError>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let n = labels.len().max(1);
    let (area, note_area) = split_for_notes(root, &plot.notes);
    let mut chart = ChartBuilder::on(&area)
        .caption(clean_label(plot.title, 100), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), y)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(n + 1)
        .x_desc(clean_label(plot.x_label, 80))
        .y_desc(clean_label(plot.y_label, 80))
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() < 1e-9 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| short_number(*v))
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(bars.iter().map(|&(i, _, v)| {
            let color = SERIES[i % SERIES.len()];
            let x = i as f64;
            Rectangle::new([(x - 0.35, base), (x + 0.35, v)], color.mix(0.8).filled())
        }))
        .map_err(draw_err)?;
    if bars.len() <= 30 {
        chart
            .draw_series(bars.iter().map(|&(i, _, v)| {
                Text::new(
                    short_number(v),
                    (i as f64, v),
                    TextStyle::from(("sans-serif", 11).into_font())
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(draw_err)?;
    }
    super::timeline::draw_notes(&note_area, &plot.notes, 0.0, 3, RGBColor(192, 57, 43))
}
