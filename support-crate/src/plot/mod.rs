//! Pictures: timelines, histograms and charts drawn with plotters into SVG strings.
//!
//! Every picture is a small builder (`title`, `size`, ...) that is only drawn when asked
//! ([`render`](Timeline::render), [`save`](Timeline::save), or `evcxr_display` when it is the
//! last expression of a notebook cell). Bad input never panics: sizes outside
//! [`MIN_SIZE`]..=[`MAX_SIZE`] give [`PlotError::Size`]; empty data, NaN and infinite values,
//! and things a picture cannot show exactly are drawn with a note saying so.
//!
//! # Examples
//!
//! ```
//! use interleave::{Chart, Histogram, Svg, Trace};
//! let trace = Trace::logical();
//! trace.lane("main").span("work").end();
//! let row = Svg::row([
//!     trace.timeline().size(400, 160).render()?,
//!     Histogram::of_values([1, 2, 2, 3]).size(300, 160).render()?,
//!     Chart::bars("bars").bar("a", 1).size(300, 160).render()?,
//! ]);
//! assert_eq!(row.width(), 1000);
//! # Ok::<(), interleave::PlotError>(())
//! ```

mod chart;
mod histogram;
mod svg;
mod timeline;

pub use chart::{Chart, Value};
pub use histogram::{Bin, Histogram, MAX_BINS};
pub use svg::Svg;
pub use timeline::Timeline;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use plotters::coord::Shift;
use plotters::prelude::*;

/// The smallest picture drawn: (width, height) in pixels. Smaller leaves no room for axes.
///
/// # Examples
///
/// ```
/// use interleave::{Trace, plot::MIN_SIZE};
/// let t = Trace::new().timeline();
/// assert!(t.clone().size(MIN_SIZE.0, MIN_SIZE.1).render().is_ok());
/// assert!(t.size(MIN_SIZE.0 - 1, MIN_SIZE.1).render().is_err());
/// ```
pub const MIN_SIZE: (u32, u32) = (120, 80);
/// The largest picture drawn, per side, in pixels.
///
/// # Examples
///
/// ```
/// use interleave::{Chart, plot::MAX_SIZE};
/// assert!(Chart::bars("x").size(MAX_SIZE + 1, 300).render().is_err());
/// ```
pub const MAX_SIZE: u32 = 10_000;

/// Why a picture could not be drawn or saved.
///
/// # Examples
///
/// ```
/// use interleave::{PlotError, Trace};
/// let err = Trace::new().timeline().size(0, 300).render().unwrap_err();
/// assert!(matches!(err, PlotError::Size { width: 0, height: 300 }));
/// assert!(err.to_string().contains("0x300"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum PlotError {
    /// The requested size is outside [`MIN_SIZE`]..=[`MAX_SIZE`].
    Size {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// Drawing failed (an error from plotters).
    Draw(String),
    /// Writing the file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::Size { width, height } => write!(
                f,
                "picture size {width}x{height} is not drawable: each side must be between \
                 {}x{} and {MAX_SIZE} pixels",
                MIN_SIZE.0, MIN_SIZE.1
            ),
            PlotError::Draw(msg) => write!(f, "drawing failed: {msg}"),
            PlotError::Io { path, source } => {
                write!(f, "could not write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for PlotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PlotError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Check the size, draw into a fresh SVG string, and turn any failure (even a panic inside
/// plotters, which should not happen for the inputs we pass) into a [`PlotError`].
pub(crate) fn render_svg(
    (width, height): (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), PlotError>,
) -> Result<Svg, PlotError> {
    if width < MIN_SIZE.0 || height < MIN_SIZE.1 || width > MAX_SIZE || height > MAX_SIZE {
        return Err(PlotError::Size { width, height });
    }
    let mut text = String::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)
    }));
    match result {
        Ok(Ok(())) => Ok(Svg::new(guard_evcxr_markers(text), width, height)),
        Ok(Err(e)) => Err(e),
        Err(panic) => Err(PlotError::Draw(format!(
            "plotters panicked: {}",
            crate::bounded::panic_message(panic.as_ref())
        ))),
    }
}

/// plotters puts each text on a line of its own. A label reading `EVCXR_END_CONTENT` would then
/// end evcxr's display payload early; writing its first letter as a character reference
/// (`&#69;`, an `E`) looks the same and keeps the payload whole.
fn guard_evcxr_markers(text: String) -> String {
    if !text.contains("EVCXR_") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        if body.starts_with("EVCXR_") {
            out.push_str(&line[..line.len() - body.len()]);
            out.push_str("&#69;");
            out.push_str(&body[1..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

pub(crate) fn draw_err<E: fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// Make any label safe to put in SVG text and short enough to draw.
///
/// plotters escapes `<`, `>`, `&` and quotes, but characters that XML 1.0 forbids (most
/// control characters, U+FFFE, U+FFFF) would still make the SVG unparsable, so they become
/// U+FFFD; line breaks and tabs become spaces (SVG text is one line). Long labels are cut with
/// an ellipsis.
pub(crate) fn clean_label(label: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(label.len().min(max_chars * 4));
    for (i, c) in label.chars().enumerate() {
        if i + 1 > max_chars {
            out.pop();
            out.push('…');
            break;
        }
        out.push(match c {
            '\t' | '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        });
    }
    out
}

/// Rough width in pixels of `text` at `size` px (plotters without fonts estimates the same way,
/// and browsers' sans-serif averages about 0.55 em per character).
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// Soft colours that keep black text readable; a label always gets the same one.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(141, 180, 226),
    RGBColor(246, 178, 107),
    RGBColor(147, 196, 125),
    RGBColor(234, 153, 153),
    RGBColor(180, 167, 214),
    RGBColor(255, 217, 102),
    RGBColor(162, 196, 201),
    RGBColor(213, 166, 189),
    RGBColor(182, 215, 168),
    RGBColor(204, 204, 153),
];

/// Strong colours for lines and series.
pub(crate) const SERIES: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// A colour for a label: FNV-1a hash, stable across runs and Rust versions (unlike std's
/// hasher, which makes no such promise), so snapshot images stay identical.
pub(crate) fn color_for(label: &str) -> RGBColor {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    PALETTE[(h % PALETTE.len() as u64) as usize]
}

/// Format an axis number briefly: integers without decimals, others with up to 3 significant
/// digits.
pub(crate) fn short_number(v: f64) -> String {
    if !v.is_finite() {
        return String::from("?");
    }
    if v == v.round() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_label_replaces_forbidden_characters() {
        assert_eq!(
            clean_label("a\u{0}b\nc\u{FFFF}", 100),
            "a\u{FFFD}b c\u{FFFD}"
        );
        assert_eq!(
            clean_label("<&>", 100),
            "<&>",
            "plotters escapes these itself"
        );
    }

    #[test]
    fn clean_label_truncates_with_ellipsis() {
        assert_eq!(clean_label("abcdef", 4), "abc…");
        assert_eq!(clean_label("abcd", 4), "abcd");
        assert_eq!(clean_label("", 4), "");
        assert_eq!(clean_label("日本語テキスト", 3), "日本…");
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(5.0), "5");
        assert_eq!(short_number(2.5), "2.50");
        assert_eq!(short_number(f64::NAN), "?");
        assert_eq!(short_number(1.5e9), "1500000000");
        assert_eq!(short_number(1.5e20), "1.50e20");
    }

    #[test]
    fn sizes_outside_bounds_are_errors() {
        for size in [
            (0, 100),
            (100, 0),
            (119, 80),
            (120, 79),
            (10_001, 200),
            (u32::MAX, u32::MAX),
        ] {
            let r = render_svg(size, |_| Ok(()));
            assert!(matches!(r, Err(PlotError::Size { .. })), "{size:?}");
        }
        assert!(render_svg(MIN_SIZE, |_| Ok(())).is_ok());
    }
}
