//! DSCA1012: the package ran the command the sandbox sent it over a raw connection.

use super::{RunContext, short};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::{PROBE_MARK_PREFIX, PROBED_CONNECTION};
use dsca_model::{Category, Evidence, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1012",
    name: "remote-command-executed",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::Critical,
    title: "Ran what a network peer sent it",
    problem: "The sandbox answered the package as a controller would: a raw connection \
        that waited for orders, or a WebSocket it opened, got a harmless `echo`, a script \
        download got a harmless script of the same language, each carrying a mark unique \
        to the run. The package \
        ran it: the mark showed up in a command it started, or in the output it sent back. \
        This is a backdoor (a reverse shell, remote command execution) or a dropper caught \
        working, not a capability.",
    next_steps: "This version is malware. Do not install it; report it to npm. Treat every \
        machine that installed or imported it as controlled by someone else: isolate it, \
        rotate its credentials and look for what was run on it.",
    severities: &[Severity::High, Severity::Critical],
    catches: "a raw TCP client that waited for orders, or a WebSocket the package opened, was \
        sent `echo dsca-probe-<mark>` (unique per run), or a script download was \
        answered with a script running `/bin/echo <mark>`, and the package ran it: the \
        mark is in a command it started or in the output it sent back (critical for the \
        raw connection, high for the script)",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let mut evidence = Vec::new();
    for process in &run.run.processes {
        for exec in &process.execs {
            if exec.argv.iter().any(|arg| arg.contains(PROBE_MARK_PREFIX)) {
                evidence.push(Evidence::new(format!(
                    "pid {} ran `{}` at {} ms",
                    process.pid,
                    short(&exec.argv.join(" "), 160),
                    exec.time_ms
                )));
            }
        }
    }
    for connection in &run.run.connections {
        if connection.kind == PROBED_CONNECTION
            && connection.first_bytes.contains(PROBE_MARK_PREFIX)
        {
            evidence.push(Evidence::new(format!(
                "sent the probe's output back to {}:{}: `{}`",
                short(&connection.destination, 60),
                connection.port,
                short(&connection.first_bytes, 120)
            )));
        }
    }
    if evidence.is_empty() {
        return;
    }
    // Commands taken from a raw socket are a backdoor; a script downloaded and run is
    // a dropper's shape that some installers share (`curl … | sh` of a toolchain), so
    // it stays high and needs another piece of evidence to convict.
    let (message, severity) = match run
        .run
        .connections
        .iter()
        .find(|c| c.kind == PROBED_CONNECTION)
    {
        Some(c) => (
            format!(
                "ran the command the sandbox sent it over a connection to {}:{} (a raw socket or a WebSocket)",
                short(&c.destination, 60),
                c.port
            ),
            Severity::Critical,
        ),
        None => (
            "ran the probe script the sandbox answered its download with".to_string(),
            Severity::High,
        ),
    };
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}
