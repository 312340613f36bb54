//! Making package-controlled text safe to print on a terminal.
//!
//! Names, descriptions, file names and snippets come from the package under analysis,
//! and a hostile package can put terminal escapes in them: to recolour or hide the
//! verdict, rewrite earlier lines, set the window title, or reorder text with bidi
//! overrides ("Trojan Source"). Every such character is shown as a visible escape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Replace every C0 and C1 control character (tab and newline included: a report line
/// must stay one line), DEL, the Unicode line/paragraph separators and the bidi
/// embedding, override, isolate and mark characters with a visible Rust-style escape
/// such as `\u{1b}`. Text without any of them is returned as is, without allocating.
pub fn sanitize_for_terminal(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(is_unsafe_for_terminal) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_unsafe_for_terminal(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal may interpret rather than display.
pub(crate) fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(
            c,
            '\u{061c}'                // arabic letter mark
            | '\u{200e}' | '\u{200f}' // left-to-right / right-to-left mark
            | '\u{2028}' | '\u{2029}' // line / paragraph separator
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            sanitize_for_terminal("lodash — fine ✓"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escapes_ansi_and_controls() {
        assert_eq!(
            sanitize_for_terminal("a\x1b[31mred\x07\r\n\tz"),
            "a\\u{1b}[31mred\\u{7}\\u{d}\\u{a}\\u{9}z"
        );
        assert_eq!(sanitize_for_terminal("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
    }

    #[test]
    fn escapes_bidi_controls() {
        assert_eq!(
            sanitize_for_terminal("x\u{202e}gnp.exe\u{2066}"),
            "x\\u{202e}gnp.exe\\u{2066}"
        );
    }
}
