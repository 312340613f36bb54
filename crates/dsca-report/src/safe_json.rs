//! JSON output that stays harmless when it lands on a terminal.
//!
//! serde_json escapes C0 controls, but passes DEL, C1 controls (U+009B is a CSI to some
//! terminals) and bidi overrides through as raw UTF-8, and `dsca --format json` is often
//! read straight on a terminal. Those characters are written as `\uXXXX` escapes instead:
//! the document stays valid JSON and decodes to exactly the same strings.

use crate::sanitize::is_unsafe_for_terminal;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Serialise `value` as pretty-printed (or compact) terminal-safe JSON, no trailing newline.
pub(crate) fn to_writer<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        let mut serializer =
            serde_json::Serializer::with_formatter(out, TerminalSafe(PrettyFormatter::new()));
        value.serialize(&mut serializer)?;
    } else {
        let mut serializer =
            serde_json::Serializer::with_formatter(out, TerminalSafe(CompactFormatter));
        value.serialize(&mut serializer)?;
    }
    Ok(())
}

/// Wraps a formatter, escaping terminal-unsafe characters in strings. Every method the
/// wrapped formatter may override is delegated, so layout is the inner formatter's.
struct TerminalSafe<F>(F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe_for_terminal(c) {
                self.0.write_string_fragment(writer, &fragment[start..i])?;
                // Every such character is in the Basic Multilingual Plane: one escape.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        self.0.write_string_fragment(writer, &fragment[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: &serde_json::Value, pretty: bool) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value, pretty).expect("Vec cannot fail");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn escapes_what_serde_json_leaves_raw_and_round_trips() {
        let value = serde_json::json!({"d": "a\u{1b}[1m\u{9b}\u{7f}\u{202e}é✓"});
        let text = render(&value, false);
        assert_eq!(text, r#"{"d":"a\u001b[1m\u009b\u007f\u202eé✓"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON"),
            value
        );
    }

    #[test]
    fn pretty_layout_is_serde_jsons() {
        let value = serde_json::json!({"a": [1, {"b": "c"}], "e": {}});
        assert_eq!(
            render(&value, true),
            serde_json::to_string_pretty(&value).expect("serialises")
        );
    }
}
