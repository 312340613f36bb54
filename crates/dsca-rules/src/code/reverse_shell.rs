//! DSCA804: a socket wired to a shell (a reverse shell written in JavaScript).

use super::facts::Kind;
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use dsca_model::{Category, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA804",
    name: "reverse-shell",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::Critical,
    title: "Connects a shell to a remote host",
    problem: "The code opens a raw network connection and starts a shell whose input and \
        output are piped to it: whoever listens at the other end can type commands on the \
        machine that runs the package.",
    next_steps: "Do not run this version. If it ran anywhere, treat that machine as \
        compromised: isolate it, rotate every credential it held and look for persistence.",
    severities: &[Severity::High, Severity::Critical],
    catches: "a socket piped to a shell, or data received on a raw socket run as a command",
};

const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "cmd",
    "cmd.exe",
    "powershell",
    "pwsh",
    "/bin/sh",
    "/bin/bash",
];

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    commands_from_a_socket(code, out);
    for file in &code.files {
        let Some(socket) = file.first(|k| matches!(k, Kind::Socket(_))) else {
            continue;
        };
        let Some(pipe) = file.first(|k| matches!(k, Kind::Pipe)) else {
            continue;
        };
        let shell = file.first(|k| match k {
            Kind::Exec {
                api,
                command: Some(command),
            } => {
                api.contains("spawn")
                    && SHELLS.contains(&command.split_whitespace().next().unwrap_or_default())
            }
            _ => false,
        });
        let Some(shell) = shell else {
            continue;
        };
        let message = format!(
            "`{}` pipes a shell to a network socket{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings.push(
            Finding::new(&RULE, message)
                .with_evidence(evidence(file, socket, "opens a raw socket"))
                .with_evidence(evidence(file, shell, "starts a shell"))
                .with_evidence(evidence(file, pipe, "pipes streams together")),
        );
    }
}

/// A raw socket whose received data becomes a command: remote command execution, the
/// other shape of a reverse shell (`socket.on('data', d => exec(d))`). A file that also
/// makes HTTP requests is left to DSCA802, which judges downloads.
fn commands_from_a_socket(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        if file.has(|k| matches!(k, Kind::Http(_))) || super::ignorable(code, &file.path) {
            continue;
        }
        let Some(socket) = file.first(|k| matches!(k, Kind::Socket(_))) else {
            continue;
        };
        let Some(exec) = file
            .events
            .iter()
            .find(|e| e.in_network_flow && e.kind.runs_variable_code())
        else {
            continue;
        };
        let severity = match code.reach(&file.path) {
            super::Reach::Install | super::Reach::Entry => Severity::Critical,
            super::Reach::Unknown => Severity::High,
        };
        let message = format!(
            "`{}` runs what a network socket sends it{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings.push(
            Finding::new(&RULE, message)
                .with_severity(severity)
                .with_evidence(evidence(file, socket, "opens a raw socket"))
                .with_evidence(evidence(
                    file,
                    exec,
                    "runs data received from it as a command or code",
                )),
        );
    }
}
