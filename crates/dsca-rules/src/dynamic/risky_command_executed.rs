//! DSCA1005: the run executed a program that droppers and reverse shells use.
//!
//! npm runs every lifecycle script through `sh -c <script>`, and a build starts node,
//! node-gyp, make, a compiler, python3 (gyp) and git: those alone are normal. What is
//! judged is each program actually executed, by its argv, and the command strings of
//! shells (which can hold builtins and redirections no exec shows, such as
//! `/dev/tcp/…`).

use super::{RunContext, command_line, program_name, shell_command};
use crate::Analysis;
use crate::inline_code::{Language, risky_capabilities};
use crate::metadata::finding_with_evidence;
use crate::metadata::risky_install_command::risky_shapes;
use dsca_model::dynamic::Exec;
use dsca_model::{Category, Evidence, Rule, Severity, Signal};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "DSCA1005",
    name: "risky-command-executed",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::Medium,
    title: "Ran a program droppers and reverse shells use",
    problem: "In the sandbox, the install or import ran programs that a package build has \
        no use for: downloaders (curl, wget), raw network tools (nc, socat, openssl \
        s_client), interactive shells, decoders, inline interpreter code that reaches the \
        network or starts programs, or tools that detach a process or schedule it again.",
    next_steps: "Read the commands in the evidence and find the script that started them \
        (the process tree in the report shows the parent). A documented download of a \
        prebuilt binary can explain curl; a shell connected to a socket, a decoded payload \
        or a detached process cannot: do not install this version.",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "curl, wget, nc, socat, openssl s_client, `bash -i` (high); base64 -d, inline \
        code that reaches the network, powershell, certutil, crontab, nohup/setsid \
        (medium); a shell to /dev/tcp (critical)",
};

/// One program judged: how much it weighs and why.
struct Hit {
    severity: Severity,
    reason: String,
}

fn hit(severity: Severity, reason: impl Into<String>) -> Option<Hit> {
    Some(Hit {
        severity,
        reason: reason.into(),
    })
}

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let mut severity = Severity::Info;
    let mut evidence = Vec::new();
    let mut seen = HashSet::new();
    let mut first_reason = None;
    for process in &run.run.processes {
        for exec in process.execs.iter().filter(|e| !run.is_phase_command(e)) {
            for hit in judge(exec) {
                let command = command_line(exec);
                if !seen.insert((hit.reason.clone(), command.clone())) {
                    continue;
                }
                if hit.severity > severity {
                    first_reason = Some(hit.reason.clone());
                }
                severity = severity.max(hit.severity);
                evidence.push(
                    Evidence::new(format!("pid {}: {}", process.pid, hit.reason))
                        .with_snippet(command),
                );
            }
        }
    }
    let Some(reason) = first_reason else {
        return;
    };
    let mut message = reason;
    if evidence.len() > 1 {
        message.push_str(&format!(" (and {} more)", evidence.len() - 1));
    }
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

fn judge(exec: &Exec) -> Vec<Hit> {
    if let Some(command) = shell_command(exec) {
        return judge_shell_string(command);
    }
    judge_program(exec).into_iter().collect()
}

/// A shell's command string. The programs it starts are execs of their own and judged
/// there; what only the string shows (a `/dev/tcp` reverse shell, `eval`, `&`,
/// `disown`) counts here, a reverse shell at full weight and the rest as medium.
fn judge_shell_string(command: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = risky_shapes(command)
        .into_iter()
        .map(|shape| Hit {
            severity: if shape.severity == Severity::Critical {
                Severity::Critical
            } else {
                Severity::Medium
            },
            reason: format!("a script {}", shape.reason),
        })
        .collect();
    let words: Vec<&str> = command.split_whitespace().collect();
    if words.contains(&"disown") {
        hits.push(Hit {
            severity: Severity::Medium,
            reason: "a script detaches a process from its shell (`disown`)".into(),
        });
    }
    hits
}

fn judge_program(exec: &Exec) -> Option<Hit> {
    let program = program_name(exec);
    let args: Vec<&str> = exec.argv.iter().skip(1).map(String::as_str).collect();
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(a));
    let short_flag = |letter: char| {
        args.iter().any(|a| {
            a.strip_prefix('-')
                .is_some_and(|l| !l.starts_with('-') && l.contains(letter))
        })
    };
    let joined = args.join(" ").to_ascii_lowercase();
    match program.as_str() {
        "curl" | "wget" => hit(
            Severity::High,
            format!("downloads from the network with `{program}`"),
        ),
        "nc" | "ncat" | "netcat" if short_flag('e') || has(&["--exec", "--sh-exec"]) => hit(
            Severity::Critical,
            format!("hands a shell to a network connection with `{program} -e` (reverse shell)"),
        ),
        "nc" | "ncat" | "netcat" | "telnet" => hit(
            Severity::High,
            format!("opens a raw network connection with `{program}`"),
        ),
        "socat" if joined.contains("exec:") || joined.contains("system:") => hit(
            Severity::Critical,
            "connects a shell to a socket with `socat` (reverse shell)",
        ),
        "socat" => hit(
            Severity::High,
            "opens a raw network connection with `socat`",
        ),
        "openssl" if has(&["s_client"]) => hit(
            Severity::High,
            "opens a raw TLS connection with `openssl s_client`",
        ),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" if short_flag('i') => hit(
            Severity::High,
            format!("starts an interactive shell (`{program} -i`), the core of a reverse shell"),
        ),
        "base64" if has(&["-d", "-D", "--decode"]) => {
            hit(Severity::Medium, "decodes hidden data with `base64 -d`")
        }
        "python" | "python2" | "python3" => inline(&program, "-c", &args, Language::Python),
        "node" | "nodejs" => inline(&program, "-e", &args, Language::JavaScript)
            .or_else(|| inline(&program, "-p", &args, Language::JavaScript)),
        "perl" | "ruby" if has(&["-e", "-E"]) => hit(
            Severity::Medium,
            format!("runs inline code given on the command line (`{program} -e`)"),
        ),
        "powershell" | "pwsh" => hit(Severity::Medium, format!("runs PowerShell (`{program}`)")),
        "certutil" => hit(
            Severity::Medium,
            "runs `certutil`, a Windows tool abused to download and decode payloads",
        ),
        "crontab" => hit(Severity::Medium, "edits the crontab (runs again later)"),
        "nohup" | "setsid" | "disown" | "daemonize" | "start-stop-daemon" => hit(
            Severity::Medium,
            format!("detaches a process with `{program}` so it outlives the install"),
        ),
        _ => None,
    }
}

/// `python -c CODE` or `node -e CODE` whose code reaches the network, starts programs,
/// decodes or evaluates: medium. Harmless inline code (node-gyp asking python for its
/// version, `require('./postinstall')`) is not reported.
fn inline(program: &str, flag: &str, args: &[&str], language: Language) -> Option<Hit> {
    let position = args.iter().position(|a| {
        *a == flag || (a.starts_with('-') && !a.starts_with("--") && a.ends_with(&flag[1..]))
    })?;
    let code = args.get(position + 1)?;
    let capabilities = risky_capabilities(code, language);
    if capabilities.is_empty() {
        return None;
    }
    hit(
        Severity::Medium,
        format!(
            "runs inline code (`{program} {flag}`) that {}",
            capabilities.join(", ")
        ),
    )
}
