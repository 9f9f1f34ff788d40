//! Histograms: how often each value (or range of values) occurred, e.g. the final value of a
//! racy counter over many runs, or latencies.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;

use super::{PlotError, SERIES, Svg, clean_label, draw_err, render_svg, short_number};

/// Most bins for [`Histogram::of_samples`]; more would be thinner than a pixel.
///
/// # Examples
///
/// ```
/// use interleave::{Histogram, plot::MAX_BINS};
/// assert_eq!(Histogram::of_samples(&[1.0, 2.0], 1_000_000).bins().len(), MAX_BINS);
/// ```
pub const MAX_BINS: usize = 1_000;

/// One bar of a histogram: values in `lo..hi` occurred `count` times (for
/// [`Histogram::of_values`], `lo` is the value and `hi = lo + 1`).
///
/// # Examples
///
/// ```
/// let h = interleave::Histogram::of_values([3, 3, 5]);
/// let bins = h.bins();
/// assert_eq!((bins[0].lo, bins[0].count), (3.0, 2));
/// assert_eq!((bins[1].lo, bins[1].count), (5.0, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lowest value in the bin.
    pub lo: f64,
    /// End of the bin (exclusive, except for the last bin of samples).
    pub hi: f64,
    /// How many values fell in it.
    pub count: u64,
}

/// A histogram picture.
///
/// # Examples
///
/// ```
/// use interleave::Histogram;
///
/// // Final values of a racy counter (two threads adding 1000 each) over a few runs:
/// let finals = vec![2000, 1987, 2000, 1502, 2000, 1999];
/// let svg = Histogram::of_values(finals).title("final counter").x_label("value").render().unwrap();
/// assert!(svg.as_str().contains("final counter"));
///
/// // Continuous samples in 10 bins; NaN is skipped and the picture says so.
/// let h = Histogram::of_samples(&[1.0, 2.5, 2.7, f64::NAN, 9.0], 10).title("latency (µs)");
/// assert_eq!(h.skipped(), 1);
/// assert!(h.render().unwrap().as_str().contains("1 non-finite"));
/// ```
#[derive(Debug, Clone)]
pub struct Histogram {
    bins: Vec<Bin>,
    discrete: bool,
    total: u64,
    skipped: usize,
    notes: Vec<String>,
    title: String,
    x_label: String,
    y_label: String,
    size: (u32, u32),
}

impl Histogram {
    fn empty(discrete: bool) -> Self {
        Histogram {
            bins: Vec::new(),
            discrete,
            total: 0,
            skipped: 0,
            notes: Vec::new(),
            title: String::from("histogram"),
            x_label: String::from("value"),
            y_label: String::from("count"),
            size: (640, 360),
        }
    }

    /// Count how often each integer value occurs (one bar per distinct value).
    ///
    /// Takes any integer type (`i64`, `u64`, `usize`, `i32`, ...); values that do not fit in an
    /// `i64` are skipped and the picture says how many.
    ///
    /// # Examples
    ///
    /// ```
    /// let h = interleave::Histogram::of_values(vec![1_i64, 1, 2]);
    /// assert_eq!(h.total(), 3);
    /// assert_eq!(h.bins().len(), 2);
    ///
    /// let finals: Vec<u64> = vec![2000, 1999, u64::MAX];
    /// let h = interleave::Histogram::of_values(finals);
    /// assert_eq!((h.total(), h.skipped()), (2, 1));
    /// ```
    pub fn of_values<V: TryInto<i64>>(values: impl IntoIterator<Item = V>) -> Self {
        let mut counts: BTreeMap<i64, u64> = BTreeMap::new();
        let mut skipped = 0;
        for v in values {
            match v.try_into() {
                Ok(v) => *counts.entry(v).or_default() += 1,
                Err(_) => skipped += 1,
            }
        }
        let mut h = Self::empty(true);
        h.skipped = skipped;
        if skipped > 0 {
            h.notes
                .push(format!("{skipped} values beyond the i64 range skipped"));
        }
        h.total = counts.values().sum();
        h.bins = counts
            .into_iter()
            .map(|(v, count)| Bin {
                lo: v as f64,
                hi: v as f64 + 1.0,
                count,
            })
            .collect();
        h
    }

    /// Sort samples into `bins` equal-width bins between their min and max. Non-finite samples
    /// (NaN, ±∞) are skipped and counted; `bins` is clamped to `1..=`[`MAX_BINS`].
    ///
    /// # Examples
    ///
    /// ```
    /// let h = interleave::Histogram::of_samples(&[0.0, 0.1, 0.9, 1.0], 2);
    /// let counts: Vec<u64> = h.bins().iter().map(|b| b.count).collect();
    /// assert_eq!(counts, [2, 2]);
    /// ```
    pub fn of_samples(samples: &[f64], bins: usize) -> Self {
        let mut h = Self::empty(false);
        let finite: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        h.skipped = samples.len() - finite.len();
        if h.skipped > 0 {
            h.notes.push(format!(
                "{} non-finite samples (NaN or infinite) skipped",
                h.skipped
            ));
        }
        let n = bins.clamp(1, MAX_BINS);
        if n != bins {
            h.notes.push(format!("{bins} bins asked for, {n} drawn"));
        }
        if finite.is_empty() {
            return h;
        }
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // All equal: one bin of width 1 around the value. Width computed as hi/n - lo/n so
        // that values near f64::MAX do not overflow to infinity.
        let (lo, width) = if hi > lo {
            (lo, (hi / n as f64 - lo / n as f64))
        } else {
            (lo - 0.5, 1.0 / n as f64)
        };
        let mut counts = vec![0u64; n];
        for v in &finite {
            let i = ((v - lo) / width).floor();
            let i = if i.is_finite() && i > 0.0 {
                (i as usize).min(n - 1)
            } else {
                0
            };
            counts[i] += 1;
        }
        h.total = finite.len() as u64;
        h.bins = counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| Bin {
                lo: lo + width * i as f64,
                hi: lo + width * (i + 1) as f64,
                count,
            })
            .collect();
        h
    }

    /// The bars (only non-empty values for [`of_values`](Histogram::of_values)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(interleave::Histogram::of_values(Vec::<i64>::new()).bins().is_empty());
    /// ```
    pub fn bins(&self) -> &[Bin] {
        &self.bins
    }

    /// Number of values counted.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::Histogram::of_values([7, 7]).total(), 2);
    /// ```
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Number of values skipped: non-finite samples, or integers that do not fit in an `i64`.
    ///
    /// # Examples
    ///
    /// ```
    /// let h = interleave::Histogram::of_samples(&[f64::INFINITY], 4);
    /// assert_eq!(h.skipped(), 1);
    /// ```
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The title.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Histogram::of_values([1]).title("runs").render().unwrap();
    /// assert!(svg.as_str().contains("runs"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The x axis label (default "value").
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Histogram::of_values([1]).x_label("final count").render().unwrap();
    /// assert!(svg.as_str().contains("final count"));
    /// ```
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// The y axis label (default "count").
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Histogram::of_values([1]).y_label("runs").render().unwrap();
    /// assert!(svg.as_str().contains("runs"));
    /// ```
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Size in pixels (default 640x360).
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Histogram::of_values([1]).size(300, 200).render().unwrap();
    /// assert_eq!(svg.width(), 300);
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Draw the picture. Empty data draws an empty frame with a note.
    ///
    /// # Errors
    ///
    /// [`PlotError::Size`] for a size out of bounds, [`PlotError::Draw`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Histogram::of_values(Vec::<i64>::new()).render().unwrap();
    /// assert!(svg.as_str().contains("no data"));
    /// ```
    pub fn render(&self) -> Result<Svg, PlotError> {
        render_svg(self.size, |root| self.draw(root))
    }

    /// Draw and write to an `.svg` file.
    ///
    /// # Errors
    ///
    /// As [`render`](Histogram::render), plus [`PlotError::Io`].
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join("interleave-doc-histogram.svg");
    /// interleave::Histogram::of_values([1, 2, 2]).save(&path).unwrap();
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
    /// interleave::Histogram::of_values([1, 2, 2]).evcxr_display();
    /// ```
    pub fn evcxr_display(&self) {
        super::svg::display_result(self.render());
    }

    fn draw(&self, root: &super::Area<'_>) -> Result<(), PlotError> {
        let mut notes = self.notes.clone();
        let (x0, x1) = match (self.bins.first(), self.bins.last()) {
            (Some(a), Some(b)) => (a.lo, b.hi),
            _ => {
                notes.insert(0, String::from("no data: nothing to count"));
                (0.0, 1.0)
            }
        };
        // Discrete values: centre bars on the values; pad half a value each side.
        let (x0, x1) = if self.discrete {
            (x0 - 0.5, x1 - 0.5)
        } else {
            (x0, x1)
        };
        let pad = ((x1 - x0) * 0.02).max(if self.discrete { 0.5 } else { 0.0 });
        let (x0, x1) = (x0 - pad, x1 + pad);
        // As for charts: plotters needs a finite width; extreme ranges are narrowed.
        const LIMIT: f64 = f64::MAX / 4.0;
        let (x0, x1) = (x0.max(-LIMIT), x1.min(LIMIT));
        let (x0, x1) = if x1 > x0 { (x0, x1) } else { (-1.0, 1.0) };
        let ymax = self.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64 * 1.1;

        let n_notes = notes.len().min(3) as u32;
        let (w, h) = root.dim_in_pixel();
        let (chart_area, note_area) = root.split_vertically(h.saturating_sub(14 * n_notes + 2));
        let mut chart = ChartBuilder::on(&chart_area)
            .caption(clean_label(&self.title, 100), ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(draw_err)?;
        let discrete = self.discrete;
        let x_labels = if discrete {
            ((x1 - x0).ceil() as usize).clamp(2, (w / 60).max(2) as usize)
        } else {
            (w / 70).max(2) as usize
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(clean_label(&self.x_label, 80))
            .y_desc(clean_label(&self.y_label, 80))
            .x_labels(x_labels)
            .x_label_formatter(&|v| {
                if !discrete {
                    short_number(*v)
                } else if (v - v.round()).abs() < 1e-9 {
                    format!("{}", v.round() as i64)
                } else {
                    String::new()
                }
            })
            // Counts are whole numbers: no label at 2.5.
            .y_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-9 {
                    short_number(*v)
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(draw_err)?;
        let color = SERIES[0];
        // A bar never thinner than about one pixel, or huge value ranges would draw nothing.
        let min_half = (x1 - x0) / f64::from(w.max(1)) * 1.5;
        chart
            .draw_series(self.bins.iter().filter(|b| b.count > 0).map(|b| {
                let (lo, hi) = if discrete {
                    let half = 0.4f64.max(min_half);
                    (b.lo - half, b.lo + half)
                } else {
                    (b.lo, b.hi.max(b.lo + 2.0 * min_half))
                };
                // Within the axis: plotters maps to i32 pixels, which overflows far outside it.
                let (lo, hi) = (lo.clamp(x0, x1), hi.clamp(x0, x1));
                Rectangle::new([(lo, 0.0), (hi, b.count as f64)], color.mix(0.75).filled())
            }))
            .map_err(draw_err)?;
        let summary = format!("n = {}", self.total);
        chart_area
            .draw(&Text::new(
                summary,
                (w as i32 - 90, 8),
                ("sans-serif", 12).into_font(),
            ))
            .map_err(draw_err)?;
        super::timeline::draw_notes(&note_area, &notes, 0.0, 3, RGBColor(192, 57, 43))
    }
}
