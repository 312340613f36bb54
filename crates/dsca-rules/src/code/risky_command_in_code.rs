//! DSCA809: shell commands with a dropper's shape inside code or script files.

use super::facts::Kind;
use super::{CodeContext, Reach, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA809",
    name: "risky-command-in-code",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Runs shell commands that download, decode or hide what they run",
    problem: "The package's code or scripts hold shell commands with the shapes of a \
        dropper (a download piped into a shell or PowerShell's `iex`, decoded data run as a \
        command, a shell connected to a remote host), in a file that runs commands or is a \
        script itself.",
    next_steps: "Read the command in full and find what it fetches. Do not run the \
        package; if it ran, treat the machine as compromised.",
    severities: &[
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ],
    catches: "dropper-shaped shell commands in code and scripts",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let is_script = !file.parsed && file.anomaly.is_none();
        let runs_commands = file.has(|k| matches!(k, Kind::Exec { .. }));
        if !(runs_commands || is_script) || super::ignorable(code, &file.path) {
            continue;
        }
        let mut severity = Severity::Info;
        let mut hits = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for event in &file.events {
            if let Kind::ShellCommand {
                reason,
                severity: weight,
            } = &event.kind
            {
                // Code calls PowerShell or starts helpers in the background for honest
                // reasons; downloading, decoding and reverse shells are what count here.
                let dropper_shape = [
                    "download",
                    "network",
                    "decode",
                    "remote",
                    "reverse",
                    "/dev/tcp",
                    "fetch",
                    "into a shell",
                    "pipes",
                ]
                .iter()
                .any(|word| reason.contains(word));
                if !dropper_shape && !code.runs_on_install(&file.path) {
                    continue;
                }
                severity = severity.max(*weight);
                // `'certutil ' + url + ' ' + out` is read at each `+` it folds: one line
                // and reason is said once.
                let line = event.line;
                if seen.insert((line, reason.as_str())) {
                    hits.push(evidence(file, event, format!("a command {reason}")));
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        // A script nothing visibly runs weighs less than one run at install time.
        severity = match code.reach(&file.path) {
            Reach::Install => severity.max(Severity::High),
            Reach::Entry => severity,
            // A reverse shell is damning wherever it sits.
            Reach::Unknown if severity == Severity::Critical => severity,
            Reach::Unknown if is_script => severity.min(Severity::Low),
            Reach::Unknown => severity.min(Severity::High),
        };
        let message = format!(
            "`{}` runs risky shell commands{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
