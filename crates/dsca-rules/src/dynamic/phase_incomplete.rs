//! DSCA1010: a phase timed out or failed, or the record dropped events, so what the
//! sandbox saw may be incomplete.

use super::{RunContext, short};
use crate::Analysis;
use dsca_model::dynamic::PhaseStatus;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1010",
    name: "phase-timeout-or-error",
    category: Category::Execution,
    signal: Signal::Gap,
    severity: Severity::Low,
    title: "The sandboxed run did not complete normally",
    problem: "A phase of the sandboxed run (install or import) timed out, could not run, \
        exited with an error, or recorded more events than dsca keeps. The record of what \
        the package did may be incomplete: a package that waits, or fails on purpose in a \
        sandbox, can hide what it does elsewhere.",
    next_steps: "Read the phase's last lines of output in the report. A build that fails for \
        lack of a compiler or a network download explains itself; a package that sleeps \
        until the time limit deserves a closer look at its install scripts and code.",
    severities: &[Severity::Info, Severity::Low],
    catches: "the record may be incomplete",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let mut severity = Severity::Info;
    let mut evidence = Vec::new();
    for phase in &run.run.phases {
        let name = short(&phase.name, 20);
        let (weight, detail) = match phase.status {
            PhaseStatus::Timeout => (
                Severity::Low,
                format!(
                    "the {name} phase hit the time limit after {} ms",
                    phase.duration_ms
                ),
            ),
            PhaseStatus::Error => (
                Severity::Low,
                format!(
                    "the {name} phase could not complete: {}",
                    short(phase.error.as_deref().unwrap_or("no reason given"), 160)
                ),
            ),
            PhaseStatus::Completed => match phase.exit_code {
                Some(code) if code != 0 => (
                    Severity::Info,
                    format!("the {name} phase exited with code {code}"),
                ),
                _ => continue,
            },
        };
        severity = severity.max(weight);
        let last_line = phase
            .stderr_tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| short(l.trim(), 160));
        let item = Evidence::new(detail);
        evidence.push(match last_line {
            Some(line) => item.with_snippet(line),
            None => item,
        });
    }
    for dropped in &run.run.dropped {
        severity = severity.max(Severity::Low);
        evidence.push(Evidence::new(format!(
            "{} {} events were dropped at the table's limit",
            dropped.count,
            short(&dropped.table, 20)
        )));
    }
    let Some(first) = evidence.first() else {
        return;
    };
    let mut message = first.detail.clone();
    if evidence.len() > 1 {
        message.push_str(&format!(" (and {} more)", evidence.len() - 1));
    }
    let finding = Finding::new(&RULE, message).with_severity(severity);
    out.findings.push(
        evidence
            .into_iter()
            .take(crate::metadata::MAX_EVIDENCE)
            .fold(finding, Finding::with_evidence),
    );
}
