//! Errors with positions, and the small text helpers the parsers share.

use std::fmt;

/// A complete lockfile has an entry for every registry dependency it lists; one that
/// names a dependency without an entry was cut short (or edited), and would otherwise
/// lose that package from the audit without a word.
pub(crate) fn missing_entry(from: &str, dependency: &str) -> ParseError {
    ParseError::new(format!(
        "`{from}` depends on `{dependency}`, which has no entry (truncated?)"
    ))
}

/// An error at the end of `text`: what is missing would have come after it.
pub(crate) fn at_end(text: &str, message: impl Into<String>) -> ParseError {
    let (line, column) = position(text, text.len());
    ParseError::at(line, column, message)
}

/// Ranges that name something of the project, not a package the lockfile must hold.
pub(crate) fn is_project_range(range: &str) -> bool {
    ["link:", "portal:", "workspace:", "file:", "exec:"]
        .iter()
        .any(|p| range.starts_with(p))
}

/// Why a lockfile could not be read. `line` and `column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            line: None,
            column: None,
            message: one_line(&message.into()),
        }
    }

    pub fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            column: Some(column),
            message: one_line(&message.into()),
        }
    }

    /// Attach the position of the first occurrence of `needle` in `text`, when the
    /// error does not have one yet (for errors found after parsing, in the data).
    pub(crate) fn near(mut self, text: &str, needle: &str) -> Self {
        if self.line.is_none()
            && let Some(offset) = text.find(needle)
        {
            let (line, column) = position(text, offset);
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    /// `file:line:column: message`, the shape compilers use.
    pub fn located(&self, file: &str) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}: {}", self.message),
            (Some(line), None) => format!("{file}:{line}: {}", self.message),
            _ => format!("{file}: {}", self.message),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Control characters from the file escaped, so an error stays on one line.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before
        .get(line_start..)
        .map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

/// serde_json's error, with its position, in our words.
pub(crate) fn json_error(err: &serde_json::Error) -> ParseError {
    let message = err.to_string();
    // serde_json appends " at line L column C"; the position is kept separately.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head)
        .to_string();
    let message = if err.is_eof() {
        format!("the file ends too early (truncated?): {message}")
    } else {
        message
    };
    if err.line() == 0 {
        ParseError::new(message)
    } else {
        ParseError::at(err.line(), err.column(), message)
    }
}

pub(crate) fn yaml_error(err: &serde_yaml_ng::Error) -> ParseError {
    let message = err.to_string();
    let message = message
        .split_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head)
        .to_string();
    match err.location() {
        Some(location) => ParseError::at(location.line(), location.column(), message),
        None => ParseError::new(message),
    }
}

/// JSON with comments and trailing commas (bun.lock) made plain JSON, byte for byte the
/// same length so every position stays where it was: comments and the trailing commas
/// become spaces.
pub(crate) fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut in_string = false;
    // The last comma outside a string and whether only whitespace followed it.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                pending_comma = None;
            }
            b',' => pending_comma = Some(i),
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let end = (i + 2).min(bytes.len());
                for byte in &mut out[start..end] {
                    // Keep newlines so line numbers survive.
                    if *byte != b'\n' {
                        *byte = b' ';
                    }
                }
                i = end;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII spaces, and never inside a multi-byte
    // character (those only occur in strings and comments, replaced whole).
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// `name@version` split at the `@` that separates them (a scope's `@` comes first).
pub(crate) fn split_name_version(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let (name, version) = (spec.get(..at)?, spec.get(at + 1..)?);
    (!name.is_empty()).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(position("ab\ncd", 0), (1, 1));
        assert_eq!(position("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn jsonc_keeps_positions() {
        let text = "{\"a\": [1, 2,], // c\n \"b\": 1,}";
        let plain = strip_jsonc(text);
        assert_eq!(plain.len(), text.len());
        let value: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(value["b"], 1);
        assert_eq!(strip_jsonc("{\"a,\": \"//x\"}"), "{\"a,\": \"//x\"}");
    }

    #[test]
    fn name_version() {
        assert_eq!(split_name_version("@s/n@1.0.0"), Some(("@s/n", "1.0.0")));
        assert_eq!(split_name_version("ms@2.1.3"), Some(("ms", "2.1.3")));
        assert_eq!(split_name_version("ms"), None);
        assert_eq!(split_name_version("@"), None);
    }
}
