//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// True for characters XML 1.0 allows in a document.
fn xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Check that `svg` is one well-formed XML element named `svg`: only legal characters, tags
/// balanced and matching, attribute values free of `<` and with valid escapes, and only the
/// predefined entities or character references. Returns a description of the first problem.
pub fn check_svg(svg: &str) -> Result<(), String> {
    if let Some(c) = svg.chars().find(|&c| !xml_char(c)) {
        return Err(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        ));
    }
    let mut reader = Reader::from_str(svg);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    roots += 1;
                    if e.name().as_ref() != "svg" {
                        return Err(String::from("root element is not <svg>"));
                    }
                }
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
                    if attr.value.contains('<') {
                        return Err(String::from("'<' in an attribute value"));
                    }
                    attr.normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| format!("bad attribute escape: {e}"))?;
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1).ok_or("end tag without start")?;
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let predefined = matches!(name, "lt" | "gt" | "amp" | "quot" | "apos");
                let char_ref = r.resolve_char_ref().map_err(|e| e.to_string())?;
                if !predefined && char_ref.is_none_or(|c| !xml_char(c)) {
                    return Err(format!("unknown or illegal entity &{name};"));
                }
            }
            Event::Text(t) if depth == 0 && !t.chars().all(char::is_whitespace) => {
                return Err(String::from("text outside the root element"));
            }
            _ => {}
        }
    }
    match (depth, roots) {
        (0, 1) => Ok(()),
        (0, n) => Err(format!("{n} root elements")),
        (d, _) => Err(format!("{d} elements not closed")),
    }
}

/// Labels chosen to break naive SVG writers.
pub const HOSTILE: &[&str] = &[
    "",
    "<script>alert(1)</script>",
    "a & b && c",
    "\"quoted\" 'single'",
    "]]> <![CDATA[ x ]]>",
    "&amp; &lt; &#0; &#x1; &bogus;",
    "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}",
    "tab\tnew\nline\rcr",
    "\u{FFFE}\u{FFFF}\u{FFFD}",
    "日本語 العربية עברית 🦀🧵",
    "\u{202E}reversed\u{202C}",
    "EVCXR_END_CONTENT",
    "<!-- comment -->",
    "<?xml version=\"1.0\"?>",
];
