//! The shell commands a gyp file runs while it is loaded.
//!
//! gyp expands `<!(cmd)` and `<!@(cmd)` (and the late `>!(cmd)`, `>!@(cmd)`) by running
//! `cmd` through the shell and pasting its output into the build description. node-gyp
//! loads binding.gyp (and the files it includes) on every `node-gyp rebuild`, which npm
//! runs on install for a package with a binding.gyp and no install script of its own, so
//! these commands are install-time commands.
//!
//! A gyp file is a Python literal. It is read as text: comments skipped, strings
//! decoded, and the expansions found in the strings with gyp's bracket matching. Inside
//! a command, gyp variables (`<(name)`, `<@(name)`) are replaced by their name and
//! nested command expansions become `$(…)`, so the result reads like a shell command.
//! Everything is bounded: the first [`MAX_GYP_BYTES`] of a file, at most
//! [`MAX_COMMANDS`] commands, nesting followed [`MAX_NESTING`] deep.

use std::collections::HashSet;

/// Only the start of a gyp file is read (honest ones are a few KiB).
const MAX_GYP_BYTES: usize = 1024 * 1024;
/// Commands reported per file.
const MAX_COMMANDS: usize = 64;
const MAX_NESTING: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GypCommand {
    /// 1-based line of the string that holds the expansion.
    pub line: u32,
    /// The expansion as written, once the gyp string is decoded: `<!(node -p "…")`.
    pub expansion: String,
    /// The command the shell receives.
    pub command: String,
}

/// The command expansions of a gyp file, in order.
pub(crate) fn commands(data: &[u8]) -> Vec<GypCommand> {
    let data = &data[..data.len().min(MAX_GYP_BYTES)];
    let mut found = Vec::new();
    for (line, value) in strings(data) {
        let mut from = 0;
        while let Some(expansion) = next_expansion(&value, from) {
            from = expansion.end;
            if !expansion.command || expansion.name_len > 0 {
                // A variable, or `<!pymod_do_main(…)` (a Python module, not a shell).
                continue;
            }
            if found.len() == MAX_COMMANDS {
                return found;
            }
            let body = &value[expansion.body.clone()];
            found.push(GypCommand {
                line,
                expansion: value[expansion.start..expansion.end].to_string(),
                command: to_shell(body, 0),
            });
        }
    }
    found
}

/// The `.gyp`/`.gypi` files a gyp file names (in `includes`, `dependencies`), as package
/// paths: `./common.gypi` -> `common.gypi`, `deps/x.gyp:target` -> `deps/x.gyp`.
pub(crate) fn referenced_files(data: &[u8]) -> HashSet<String> {
    let data = &data[..data.len().min(MAX_GYP_BYTES)];
    strings(data)
        .into_iter()
        .filter_map(|(_, value)| {
            let path = value
                .split_once(':')
                .map_or(value.as_str(), |(path, _)| path);
            let path = path.trim().trim_start_matches("./");
            (path.ends_with(".gyp") || path.ends_with(".gypi")).then(|| path.to_string())
        })
        .collect()
}

/// Strings of a gyp file that end like a script or a JavaScript file (`.sh`, `.py`,
/// `.js`, ...): what its `actions` and `rules` run, as written (`./` removed).
pub(crate) fn named_scripts(data: &[u8]) -> Vec<String> {
    const RUNNABLE: &[&str] = &[
        ".sh", ".bash", ".py", ".js", ".cjs", ".mjs", ".bat", ".cmd", ".ps1",
    ];
    let data = &data[..data.len().min(MAX_GYP_BYTES)];
    strings(data)
        .into_iter()
        .map(|(_, value)| value.trim().trim_start_matches("./").to_string())
        .filter(|value| {
            !value.contains(char::is_whitespace)
                && RUNNABLE
                    .iter()
                    .any(|ext| value.to_ascii_lowercase().ends_with(ext))
        })
        .take(MAX_COMMANDS)
        .collect()
}

struct Expansion {
    start: usize,
    body: std::ops::Range<usize>,
    /// After the closing bracket.
    end: usize,
    /// `<!` / `>!`: runs a command.
    command: bool,
    name_len: usize,
}

/// The next `<…(` or `>…(` expansion of `text` at or after `from`.
fn next_expansion(text: &str, from: usize) -> Option<Expansion> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if matches!(bytes[i], b'<' | b'>') {
            let mut j = i + 1;
            let command = bytes.get(j) == Some(&b'!');
            if command {
                j += 1;
            }
            if bytes.get(j) == Some(&b'@') {
                j += 1;
            }
            let name_start = j;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b'.'))
            {
                j += 1;
            }
            if bytes.get(j) == Some(&b'(') {
                let close = matching_bracket(bytes, j);
                return Some(Expansion {
                    start: i,
                    body: j + 1..close,
                    end: (close + 1).min(bytes.len()),
                    command,
                    name_len: j - name_start,
                });
            }
        }
        i += 1;
    }
    None
}

/// The index of the bracket closing the one at `open`, the way gyp matches them: every
/// `(`, `[`, `{` must be closed by its partner, quotes are not special. `len` when the
/// group never closes.
fn matching_bracket(bytes: &[u8], open: usize) -> usize {
    let mut stack = Vec::new();
    for (index, &byte) in bytes.iter().enumerate().skip(open) {
        match byte {
            b'(' => stack.push(b')'),
            b'[' => stack.push(b']'),
            b'{' => stack.push(b'}'),
            b')' | b']' | b'}' => {
                if stack.pop() != Some(byte) {
                    return bytes.len();
                }
                if stack.is_empty() {
                    return index;
                }
            }
            _ => {}
        }
    }
    bytes.len()
}

/// The shell command of an expansion body: a `['prog', 'arg']` list becomes a quoted
/// command line; variables become their names; nested commands become `$(…)`.
fn to_shell(body: &str, depth: usize) -> String {
    if body.trim_start().starts_with('[') {
        let items: Vec<String> = strings(body.as_bytes())
            .into_iter()
            .map(|(_, item)| format!("'{}'", item.replace('\'', r"'\''")))
            .collect();
        return items.join(" ");
    }
    if depth >= MAX_NESTING {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(expansion) = next_expansion(body, from) {
        out.push_str(&body[copied..expansion.start]);
        let inner = to_shell(&body[expansion.body.clone()], depth + 1);
        if expansion.command {
            out.push_str("$(");
            out.push_str(&inner);
            out.push(')');
        } else {
            out.push_str(&inner);
        }
        copied = expansion.end;
        from = expansion.end;
    }
    out.push_str(&body[copied..]);
    out
}

/// The decoded string literals of Python-literal text, each with the 1-based line it
/// starts on. `#` comments are skipped.
fn strings(data: &[u8]) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    let mut line: u32 = 1;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\n' => {
                line = line.saturating_add(1);
                i += 1;
            }
            b'#' => {
                while i < data.len() && data[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'\'' | b'"') => {
                let start_line = line;
                let triple = data.get(i..i + 3) == Some(&[quote, quote, quote][..]);
                i += if triple { 3 } else { 1 };
                let mut value = Vec::new();
                while i < data.len() {
                    let byte = data[i];
                    if byte == quote
                        && (!triple || data.get(i..i + 3) == Some(&[quote, quote, quote][..]))
                    {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    if byte == b'\n' {
                        line = line.saturating_add(1);
                    }
                    if byte == b'\\' && i + 1 < data.len() {
                        let escaped = data[i + 1];
                        match escaped {
                            b'\n' => line = line.saturating_add(1),
                            b'n' => value.push(b'\n'),
                            b't' => value.push(b'\t'),
                            b'r' => value.push(b'\r'),
                            b'\\' | b'\'' | b'"' => value.push(escaped),
                            other => value.extend_from_slice(&[b'\\', other]),
                        }
                        i += 2;
                        continue;
                    }
                    value.push(byte);
                    i += 1;
                }
                found.push((start_line, String::from_utf8_lossy(&value).into_owned()));
            }
            _ => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell_commands(text: &str) -> Vec<(u32, String)> {
        commands(text.as_bytes())
            .into_iter()
            .map(|c| (c.line, c.command))
            .collect()
    }

    #[test]
    fn finds_command_expansions() {
        let gyp = r#"{
  # '<!(ignored in a comment)'
  "targets": [{
    "target_name": "x",
    "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")",
                     '<!(node -e "require(\'nan\')")'],
    "dependencies": ["<!(node -p \"require('node-addon-api').gyp\")"],
    "variables": {"v%": "<(other)", "w": '<!pymod_do_main(x y)'},
    "defines": ['V=<!(python -c "print(1)" <(build_version).0)', ">!(echo late)"],
    "libraries": ["<!(['sh', 'tools/list.sh', \"it's\"])"]
  }]
}"#;
        assert_eq!(
            shell_commands(gyp),
            [
                (
                    5,
                    r#"node -p "require('node-addon-api').include""#.to_string()
                ),
                (6, r#"node -e "require('nan')""#.to_string()),
                (7, r#"node -p "require('node-addon-api').gyp""#.to_string()),
                (9, r#"python -c "print(1)" build_version.0"#.to_string()),
                (9, "echo late".to_string()),
                (10, r"'sh' 'tools/list.sh' 'it'\''s'".to_string()),
            ]
        );
        assert_eq!(
            commands(b"['<!(a <!(b) c)']")[0].command,
            "a $(b) c",
            "nested commands become substitutions"
        );
    }

    #[test]
    fn files_a_gyp_file_names() {
        let gyp = b"{'includes': ['./common.gypi'], 'targets': [{'dependencies': \
            ['deps/zlib/zlib.gyp:zlib', 'other_target'], 'sources': ['a.cc']}]}";
        let mut found: Vec<String> = referenced_files(gyp).into_iter().collect();
        found.sort();
        assert_eq!(found, ["common.gypi", "deps/zlib/zlib.gyp"]);
    }

    #[test]
    fn bounded_on_hostile_input() {
        let many = "'<!(x)'".repeat(1000);
        assert_eq!(commands(many.as_bytes()).len(), MAX_COMMANDS);
        let deep = format!("'{}'", "<!(".repeat(10_000));
        assert_eq!(commands(deep.as_bytes()).len(), 1);
        for text in ["'", "'<!(", "\"\\", "'''", "#", "'<!([)'", "'<!(])'"] {
            let _ = commands(text.as_bytes());
        }
    }
}
