//! The lists a batch starts from, read as streams so millions of names never sit in
//! memory as one document:
//! - a JSON array of strings (the all-the-package-names format), errors by byte offset;
//! - a text file of specs, one a line with `#` comments, errors by line number.

use std::io::{BufRead, ErrorKind, Read};

/// Longest name or spec accepted (npm names are at most 214 characters; specs add a range).
pub const MAX_NAME_BYTES: usize = 4096;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NamesError {
    #[error("{what} at byte {offset}")]
    Json { offset: u64, what: String },
    #[error("line {line}: {what}")]
    Line { line: u64, what: String },
    #[error("cannot read the names: {0}")]
    Io(String),
}

/// Reads `["a", "b", ...]` one string at a time.
pub struct NamesJsonReader<R> {
    input: R,
    /// Bytes consumed so far: the offset errors report.
    offset: u64,
    state: JsonState,
    failed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonState {
    /// Before `[`.
    Start,
    /// After `[`: a string or `]`.
    First,
    /// After an element: `,` or `]`.
    Next,
    /// After `]`: only whitespace may follow.
    Done,
}

impl<R: BufRead> NamesJsonReader<R> {
    pub fn new(input: R) -> Self {
        NamesJsonReader {
            input,
            offset: 0,
            state: JsonState::Start,
            failed: false,
        }
    }

    fn error(&self, what: impl Into<String>) -> NamesError {
        NamesError::Json {
            offset: self.offset,
            what: what.into(),
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, NamesError> {
        loop {
            match self.input.fill_buf() {
                Ok(buffer) => return Ok(buffer.first().copied()),
                Err(err) if err.kind() == ErrorKind::Interrupted => continue,
                Err(err) => return Err(NamesError::Io(err.to_string())),
            }
        }
    }

    fn next_byte(&mut self) -> Result<Option<u8>, NamesError> {
        let byte = self.peek()?;
        if byte.is_some() {
            self.input.consume(1);
            self.offset += 1;
        }
        Ok(byte)
    }

    /// The next byte that is not JSON whitespace, not consumed.
    fn skip_whitespace(&mut self) -> Result<Option<u8>, NamesError> {
        while let Some(byte) = self.peek()? {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Ok(Some(byte));
            }
            self.input.consume(1);
            self.offset += 1;
        }
        Ok(None)
    }

    fn expect_byte(&mut self, what: &str) -> Result<u8, NamesError> {
        self.next_byte()?
            .ok_or_else(|| self.error(format!("unexpected end of input in {what}")))
    }

    fn read_hex4(&mut self) -> Result<u32, NamesError> {
        let mut value = 0;
        for _ in 0..4 {
            let byte = self.expect_byte("a \\u escape")?;
            let digit = char::from(byte)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// A string whose opening quote was consumed.
    fn read_string(&mut self) -> Result<String, NamesError> {
        let start = self.offset.saturating_sub(1);
        let mut bytes = Vec::new();
        loop {
            if bytes.len() > MAX_NAME_BYTES {
                return Err(NamesError::Json {
                    offset: start,
                    what: format!("a name longer than {MAX_NAME_BYTES} bytes"),
                });
            }
            let byte = self.expect_byte("a string")?;
            match byte {
                b'"' => break,
                b'\\' => {
                    // Escape errors point at the backslash that starts the escape.
                    let escape_start = self.offset.saturating_sub(1);
                    let at_escape = |err: NamesError| match err {
                        NamesError::Json { what, .. } if !what.starts_with("unexpected end") => {
                            NamesError::Json {
                                offset: escape_start,
                                what,
                            }
                        }
                        other => other,
                    };
                    let escaped = self.expect_byte("a string")?;
                    let decoded = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.read_unicode_escape().map_err(at_escape)?,
                        _ => return Err(at_escape(self.error("invalid escape in a string"))),
                    };
                    let mut utf8 = [0; 4];
                    bytes.extend_from_slice(decoded.encode_utf8(&mut utf8).as_bytes());
                }
                0x00..=0x1f => return Err(self.error("control character in a string")),
                _ => bytes.push(byte),
            }
        }
        String::from_utf8(bytes).map_err(|_| NamesError::Json {
            offset: start,
            what: "a string that is not UTF-8".to_string(),
        })
    }

    fn read_unicode_escape(&mut self) -> Result<char, NamesError> {
        let first = self.read_hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate must be followed by `\u` and a low one.
            if self.expect_byte("a surrogate pair")? != b'\\'
                || self.expect_byte("a surrogate pair")? != b'u'
            {
                return Err(self.error("unpaired surrogate in a \\u escape"));
            }
            let second = self.read_hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in a \\u escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate in a \\u escape"))
    }

    /// The next name, `None` after the closing `]`.
    pub fn next_name(&mut self) -> Result<Option<String>, NamesError> {
        loop {
            let byte = self.skip_whitespace()?;
            match (self.state, byte) {
                (JsonState::Start, Some(b'[')) => {
                    self.next_byte()?;
                    self.state = JsonState::First;
                }
                (JsonState::Start, Some(_)) => {
                    return Err(self.error("expected `[` (a JSON array of names)"));
                }
                (JsonState::Start, None) => {
                    return Err(self.error("empty input: expected a JSON array of names"));
                }
                (JsonState::First | JsonState::Next, Some(b']')) => {
                    self.next_byte()?;
                    self.state = JsonState::Done;
                }
                (JsonState::Next, Some(b',')) => {
                    self.next_byte()?;
                    match self.skip_whitespace()? {
                        Some(b'"') => {}
                        Some(_) => return Err(self.error("expected a string after `,`")),
                        None => return Err(self.error("unexpected end of input after `,`")),
                    }
                    self.next_byte()?;
                    self.state = JsonState::Next;
                    return self.read_string().map(Some);
                }
                (JsonState::First, Some(b'"')) => {
                    self.next_byte()?;
                    self.state = JsonState::Next;
                    return self.read_string().map(Some);
                }
                (JsonState::First, Some(_)) => {
                    return Err(self.error("expected a string (a package name) or `]`"));
                }
                (JsonState::Next, Some(_)) => return Err(self.error("expected `,` or `]`")),
                (JsonState::First | JsonState::Next, None) => {
                    return Err(self.error("unexpected end of input: the array is not closed"));
                }
                (JsonState::Done, None) => return Ok(None),
                (JsonState::Done, Some(_)) => {
                    return Err(self.error("unexpected data after the closing `]`"));
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for NamesJsonReader<R> {
    type Item = Result<String, NamesError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_name().transpose();
        // Stop after the first error: what follows a syntax error means nothing.
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

/// Reads one spec a line; blank lines and `#` comments are skipped.
pub struct NamesFileReader<R> {
    input: R,
    line: u64,
    buffer: Vec<u8>,
    failed: bool,
}

impl<R: BufRead> NamesFileReader<R> {
    pub fn new(input: R) -> Self {
        NamesFileReader {
            input,
            line: 0,
            buffer: Vec::new(),
            failed: false,
        }
    }

    pub fn next_spec(&mut self) -> Result<Option<String>, NamesError> {
        loop {
            self.buffer.clear();
            self.line += 1;
            let read = (&mut self.input)
                .take(MAX_NAME_BYTES as u64 + 2)
                .read_until(b'\n', &mut self.buffer)
                .map_err(|err| NamesError::Io(err.to_string()))?;
            if read == 0 {
                return Ok(None);
            }
            let content = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
            if content.len() > MAX_NAME_BYTES {
                return Err(NamesError::Line {
                    line: self.line,
                    what: format!("longer than {MAX_NAME_BYTES} bytes"),
                });
            }
            let text = std::str::from_utf8(&self.buffer).map_err(|_| NamesError::Line {
                line: self.line,
                what: "not UTF-8".to_string(),
            })?;
            let spec = text.split('#').next().unwrap_or_default().trim();
            if spec.is_empty() {
                continue;
            }
            if spec.contains(char::is_whitespace) {
                return Err(NamesError::Line {
                    line: self.line,
                    what: format!(
                        "`{}` holds whitespace: one spec a line",
                        spec.escape_debug()
                    ),
                });
            }
            return Ok(Some(spec.to_string()));
        }
    }
}

impl<R: BufRead> Iterator for NamesFileReader<R> {
    type Item = Result<String, NamesError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_spec().transpose();
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_names(input: &str) -> Result<Vec<String>, NamesError> {
        NamesJsonReader::new(input.as_bytes()).collect()
    }

    fn file_specs(input: &str) -> Result<Vec<String>, NamesError> {
        NamesFileReader::new(input.as_bytes()).collect()
    }

    fn offset_of(err: NamesError) -> u64 {
        match err {
            NamesError::Json { offset, .. } => offset,
            other => panic!("not a JSON error: {other}"),
        }
    }

    #[test]
    fn a_json_array_of_names_is_read_in_order() {
        let names = json_names(" [\"a\", \"@scope/b\",\n\"c\\u00e9\\\"\\ud83d\\ude00\"] \n")
            .expect("valid");
        assert_eq!(names, vec!["a", "@scope/b", "cé\"😀"]);
        assert_eq!(json_names("[]").expect("empty array"), Vec::<String>::new());
    }

    #[test]
    fn malformed_json_reports_the_byte_offset() {
        assert_eq!(offset_of(json_names("[\"a\" \"b\"]").unwrap_err()), 5);
        assert_eq!(offset_of(json_names("[\"a\",]").unwrap_err()), 5);
        assert_eq!(offset_of(json_names("[\"a\", 3]").unwrap_err()), 6);
        assert_eq!(offset_of(json_names("{\"a\": 1}").unwrap_err()), 0);
        assert_eq!(offset_of(json_names("[\"a\"").unwrap_err()), 4);
        assert_eq!(offset_of(json_names("[\"a\"] x").unwrap_err()), 6);
        assert_eq!(offset_of(json_names("[\"a\\q\"]").unwrap_err()), 3);
        assert_eq!(offset_of(json_names("[\"\\ud800x\"]").unwrap_err()), 2);
        assert_eq!(offset_of(json_names("[\"\\u12\"]").unwrap_err()), 2);
        assert_eq!(offset_of(json_names("").unwrap_err()), 0);
        let message = json_names("[1]").unwrap_err().to_string();
        assert_eq!(
            message,
            "expected a string (a package name) or `]` at byte 1"
        );
    }

    #[test]
    fn json_errors_stop_the_iteration() {
        let mut reader = NamesJsonReader::new("[\"a\", 1, \"b\"]".as_bytes());
        assert_eq!(reader.next(), Some(Ok("a".to_string())));
        assert!(matches!(reader.next(), Some(Err(_))));
        assert_eq!(reader.next(), None);
    }

    #[test]
    fn overlong_and_non_utf8_names_are_refused() {
        let long = format!("[\"{}\"]", "a".repeat(MAX_NAME_BYTES + 1));
        assert!(
            json_names(&long)
                .unwrap_err()
                .to_string()
                .contains("longer than")
        );
        let bytes: &[u8] = b"[\"\xff\"]";
        let err = NamesJsonReader::new(bytes)
            .collect::<Result<Vec<_>, _>>()
            .unwrap_err();
        assert_eq!(offset_of(err), 1);
    }

    #[test]
    fn a_names_file_skips_comments_and_blank_lines() {
        let specs = file_specs("# top packages\nlodash\n\n  express@^4  \r\nleft-pad # old\n")
            .expect("valid");
        assert_eq!(specs, vec!["lodash", "express@^4", "left-pad"]);
    }

    #[test]
    fn a_bad_names_file_line_is_reported_by_number() {
        let err = file_specs("ok\ntwo words\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: `two words` holds whitespace: one spec a line"
        );
        let bytes: &[u8] = b"ok\n\xfe\n";
        let err = NamesFileReader::new(bytes)
            .collect::<Result<Vec<_>, _>>()
            .unwrap_err();
        assert_eq!(err.to_string(), "line 2: not UTF-8");
        let long = format!("a\nb\n{}\n", "x".repeat(MAX_NAME_BYTES + 1));
        let err = file_specs(&long).unwrap_err();
        assert!(matches!(err, NamesError::Line { line: 3, .. }), "{err}");
    }
}
