//! The byte-level pass: for files the parser could not read (or that are not
//! JavaScript but may hold code: shell, Python, batch, PowerShell). It looks for the
//! same capabilities by their names, line by line, and runs the shell-command analysis
//! of the install-script rule on script lines.

use super::facts::{Event, FileFacts, Kind, snippet};
use super::strings;
use crate::metadata::risky_install_command::risky_shapes;

/// Only this much of a file is read byte by byte.
pub(crate) const MAX_SCANNED_BYTES: usize = 16 * 1024 * 1024;
/// Lines longer than this are only searched for names, not run through the shell analysis.
const MAX_SHELL_LINE: usize = 4096;

/// Names that show a capability, as (needle, kind builder).
fn token_kind(line: &str) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let has = |needle: &str| line.contains(needle);
    if has("child_process") || has("subprocess") || has("os.system(") || has("Start-Process") {
        kinds.push(Kind::Exec {
            api: "a process API".into(),
            command: None,
        });
    }
    if has("eval(") || has("new Function(") || has("exec(compile(") || has("runInThisContext") {
        kinds.push(Kind::Eval {
            api: "eval".into(),
            source: super::facts::EvalSource::Dynamic,
        });
    }
    if has("http.request")
        || has("https.request")
        || has("http.get(")
        || has("https.get(")
        || has("fetch(")
        || has("XMLHttpRequest")
        || has("urllib")
        || has("requests.post")
        || has("requests.get")
        || has("Invoke-WebRequest")
        || has("DownloadString")
    {
        kinds.push(Kind::Http("a request API".into()));
    }
    if has("net.connect") || has("net.Socket") || has("createConnection") || has("socket.socket(") {
        kinds.push(Kind::Socket("a socket API".into()));
    }
    if has("JSON.stringify(process.env") || has("os.environ)") {
        kinds.push(Kind::EnvWhole);
    }
    if has("readFile") || has("createReadStream") || has("open(") {
        kinds.push(Kind::FileRead);
    }
    if has("writeFile") || has("Out-File") {
        kinds.push(Kind::FileWrite { target: None });
    }
    if has("hostname()") || has("userInfo(") || has("networkInterfaces(") {
        kinds.push(Kind::Recon("host details"));
    }
    if has("atob(")
        || has("'base64'")
        || has("\"base64\"")
        || has("b64decode")
        || has("FromBase64String")
    {
        kinds.push(Kind::Decode("base64"));
    }
    kinds
}

/// Facts from the raw bytes of `data`; `is_script` runs the shell analysis on each line.
pub(crate) fn analyse(path: &str, data: &[u8], is_script: bool) -> FileFacts {
    let data = &data[..data.len().min(MAX_SCANNED_BYTES)];
    let text = String::from_utf8_lossy(data);
    let mut facts = FileFacts {
        path: path.to_string(),
        ..FileFacts::default()
    };
    if wires_shell_to_socket(&text) {
        facts.events.push(Event {
            kind: Kind::ShellCommand {
                reason: "wires a shell to a network socket (reverse shell)".into(),
                severity: dsca_model::Severity::Critical,
            },
            line: 1,
            snippet: String::new(),
            in_network_flow: false,
        });
    }
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let start = offset;
        offset += line.len() + 1;
        if facts.events.len() > 2_000 {
            break;
        }
        // Nothing fits in a line this short; skipping them keeps blank-line floods cheap.
        if line.len() < 4 {
            continue;
        }
        let event = |kind: Kind| Event {
            kind,
            line: line_number,
            snippet: snippet(&text, start, start + line.len()),
            in_network_flow: false,
        };
        for kind in token_kind(line) {
            facts.events.push(event(kind));
        }
        if line.len() <= MAX_SHELL_LINE {
            if let Some((what, weight)) = strings::sensitive_place(line) {
                facts.events.push(event(Kind::Sensitive {
                    what,
                    weight,
                    built: true,
                }));
            }
            if let Some(what) = strings::persistence_place(line) {
                facts.events.push(event(Kind::Persistence(what)));
            }
            if is_script && line.contains(' ') {
                for hit in risky_shapes(line) {
                    facts.events.push(event(Kind::ShellCommand {
                        reason: hit.reason,
                        severity: hit.severity,
                    }));
                }
            }
        }
        if (line.contains("://") || line.contains('.')) && facts.indicators.len() < 500 {
            for indicator in strings::indicators(line) {
                facts.indicators.push((line_number, indicator));
            }
        }
    }
    facts
}

/// A script that connects a socket and hands it to a shell (Python, Perl or Ruby
/// reverse shells: `socket` + `dup2`/`pty.spawn` + a shell).
fn wires_shell_to_socket(text: &str) -> bool {
    text.contains("socket")
        && (text.contains("dup2") || text.contains("pty.spawn"))
        && (text.contains("/bin/sh") || text.contains("/bin/bash") || text.contains("cmd.exe"))
}
