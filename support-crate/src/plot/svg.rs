//! A drawn picture: SVG text plus its size, shown inline by evcxr or saved to a file.

use std::fmt;
use std::path::Path;

use super::PlotError;

/// A rendered picture (SVG text).
///
/// Shown inline when it is the last expression of an evcxr cell ([`Svg::evcxr_display`]),
/// saved with [`Svg::save`], or placed side by side with [`Svg::row`].
///
/// # Examples
///
/// ```
/// use interleave::{Svg, Trace};
/// let trace = Trace::logical();
/// trace.lane("main").mark("x");
/// let a = trace.timeline().size(300, 150).render().unwrap();
/// let b = trace.timeline().size(200, 100).render().unwrap();
/// let both = Svg::row([a, b]);
/// assert_eq!((both.width(), both.height()), (500, 150));
/// assert!(both.as_str().starts_with("<svg"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg {
    text: String,
    width: u32,
    height: u32,
}

impl Svg {
    pub(crate) fn new(text: String, width: u32, height: u32) -> Self {
        Self {
            text,
            width,
            height,
        }
    }

    /// The SVG document as text.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().render().unwrap();
    /// assert!(svg.as_str().ends_with("</svg>\n"));
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The SVG document as an owned string.
    ///
    /// # Examples
    ///
    /// ```
    /// let s: String = interleave::Trace::new().timeline().render().unwrap().into_string();
    /// assert!(s.contains("</svg>"));
    /// ```
    pub fn into_string(self) -> String {
        self.text
    }

    /// Width in pixels.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().size(640, 200).render().unwrap();
    /// assert_eq!(svg.width(), 640);
    /// ```
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().size(640, 200).render().unwrap();
    /// assert_eq!(svg.height(), 200);
    /// ```
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Write the SVG to a file (conventionally ending in `.svg`).
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().render().unwrap();
    /// let path = std::env::temp_dir().join("interleave-doc-svg-save.svg");
    /// svg.save(&path).unwrap();
    /// assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
    /// assert!(svg.save("/nonexistent-dir/x.svg").is_err());
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        let path = path.as_ref();
        std::fs::write(path, &self.text).map_err(|source| PlotError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Print the picture for evcxr, which shows it inline (evcxr calls this for a cell's last
    /// expression).
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().render().unwrap();
    /// svg.evcxr_display(); // prints EVCXR_BEGIN_CONTENT text/html ... EVCXR_END_CONTENT
    /// ```
    pub fn evcxr_display(&self) {
        println!("{}", self.evcxr_payload());
    }

    /// The exact text [`evcxr_display`](Svg::evcxr_display) prints.
    ///
    /// # Examples
    ///
    /// ```
    /// let svg = interleave::Trace::new().timeline().render().unwrap();
    /// let p = svg.evcxr_payload();
    /// assert!(p.starts_with("EVCXR_BEGIN_CONTENT text/html\n<svg"));
    /// assert!(p.ends_with("\nEVCXR_END_CONTENT"));
    /// ```
    pub fn evcxr_payload(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT",
            self.text.trim_end()
        )
    }

    /// Place pictures side by side (top-aligned) in one SVG.
    ///
    /// # Examples
    ///
    /// ```
    /// use interleave::{Svg, Trace};
    /// let t = Trace::new().timeline().size(200, 100).render().unwrap();
    /// let row = Svg::row([t.clone(), t.clone(), t]);
    /// assert_eq!(row.width(), 600);
    /// assert_eq!(Svg::row(Vec::<Svg>::new()).width(), 0);
    /// ```
    pub fn row(pictures: impl IntoIterator<Item = Svg>) -> Svg {
        let pictures: Vec<Svg> = pictures.into_iter().collect();
        let width: u32 = pictures
            .iter()
            .map(|p| p.width)
            .fold(0, u32::saturating_add);
        let height = pictures.iter().map(|p| p.height).max().unwrap_or(0);
        let mut text = format!(
            "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n"
        );
        let mut x: u32 = 0;
        for p in &pictures {
            // Nested <svg> elements take x/y attributes: shift each picture right.
            match p.text.strip_prefix("<svg") {
                Some(rest) => {
                    text.push_str(&format!("<svg x=\"{x}\" y=\"0\""));
                    text.push_str(rest.trim_end());
                }
                None => text.push_str(p.text.trim_end()),
            }
            text.push('\n');
            x = x.saturating_add(p.width);
        }
        text.push_str("</svg>\n");
        Svg {
            text,
            width,
            height,
        }
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What builders' `evcxr_display` does: the picture, or the error as plain text (never a panic
/// in a notebook cell).
pub(crate) fn display_result(result: Result<Svg, PlotError>) {
    match result {
        Ok(svg) => svg.evcxr_display(),
        Err(e) => println!("EVCXR_BEGIN_CONTENT text/plain\n{e}\nEVCXR_END_CONTENT"),
    }
}
