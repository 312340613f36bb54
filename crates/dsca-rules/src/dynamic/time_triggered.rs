//! DSCA1013: the package did more when its clock was moved forward than when it was
//! imported at today's date (a time bomb, a dormant payload).

use super::write_outside_project::outside_changes;
use super::{RunContext, is_loopback, program_name, short};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::{IMPORT_PHASE, LATER_PHASE};
use dsca_model::{Category, Evidence, Rule, Severity, Signal};
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    id: "DSCA1013",
    name: "time-triggered-behaviour",
    category: Category::Obfuscation,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Does more when the date moves forward",
    problem: "The sandbox imported the package twice: once at today's date and once with \
        its clock a year ahead (the time-bomb pass). Only the second time did it reach \
        the network, run programs, read credentials or write outside the project. Code \
        that waits for a date, or for enough days after it first ran, before it acts is \
        how dormant payloads and protestware hide from a scan on the day they are \
        published.",
    next_steps: "Read what the second import did (below) and find the date check in the \
        package's code. Do not rely on it staying dormant: pin an earlier version or \
        replace the package, and if it is installed anywhere, remove it before the date \
        comes.",
    severities: &[Severity::Medium, Severity::High],
    catches: "with the clock 400 days ahead (the `import-later` pass), the import looked up or \
        reached a host, sent a request, ran a program or read a bait credential that it \
        did not at today's date (high); only wrote outside the project (medium). The \
        same behaviour on both dates is left to the other rules",
};

/// What one import did that matters, as comparable lines (`reached host x`).
fn actions(run: &RunContext, phase: &str) -> BTreeSet<(Weight, String)> {
    let record = run.run;
    let mut out = BTreeSet::new();
    for query in record
        .dns
        .iter()
        .filter(|q| q.phase == phase && !q.registry)
    {
        out.insert((
            Weight::Network,
            format!("looked up `{}`", short(&query.name, 80)),
        ));
    }
    for connection in record
        .connections
        .iter()
        .filter(|c| c.phase == phase && c.kind != "registry" && !is_loopback(&c.destination))
    {
        let to = connection
            .name
            .as_deref()
            .unwrap_or(&connection.destination);
        out.insert((
            Weight::Network,
            format!(
                "connected to {}:{} ({})",
                short(to, 80),
                connection.port,
                connection.protocol
            ),
        ));
    }
    for request in record
        .http
        .iter()
        .filter(|r| r.phase == phase && !r.registry)
    {
        out.insert((
            Weight::Network,
            format!("sent {} to `{}`", request.method, short(&request.host, 80)),
        ));
    }
    for process in record.processes.iter().filter(|p| p.phase == phase) {
        for exec in process.execs.iter().filter(|e| !run.is_phase_command(e)) {
            out.insert((
                Weight::Command,
                format!("ran `{}`", short(&program_name(exec), 60)),
            ));
        }
    }
    for read in record.honeytokens.reads.iter().filter(|r| r.phase == phase) {
        out.insert((
            Weight::Credential,
            format!(
                "read the bait `{}`",
                short(&run.display_path(&read.path), 80)
            ),
        ));
    }
    for (path, event, _) in outside_changes(run) {
        if event.phase == phase {
            out.insert((
                Weight::Write,
                format!(
                    "{} `{}` outside the project",
                    event.op.as_str(),
                    short(&run.display_path(&path), 100)
                ),
            ));
        }
    }
    out
}

/// How much a new action weighs; the strongest sets the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Weight {
    Credential,
    Network,
    Command,
    Write,
}

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let Some(later) = run.run.phases.iter().find(|p| p.name == LATER_PHASE) else {
        return;
    };
    if !run.run.phases.iter().any(|p| p.name == IMPORT_PHASE) {
        return;
    }
    let before = actions(run, IMPORT_PHASE);
    let new: Vec<_> = actions(run, LATER_PHASE)
        .into_iter()
        .filter(|action| !before.contains(action))
        .collect();
    let Some((strongest, _)) = new.first() else {
        return;
    };
    // Writing a file only later is a cache refreshed or a notice shown; reaching out,
    // running programs or reading credentials only later is a payload waiting.
    let severity = match strongest {
        Weight::Write => Severity::Medium,
        _ => Severity::High,
    };
    let days = later
        .clock_offset_days
        .map_or_else(|| "ahead".to_string(), |days| format!("{days} days ahead"));
    let message = format!(
        "with its clock {days}, the import did what it did not do today: {}",
        new.iter()
            .take(3)
            .map(|(_, action)| action.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    let evidence = new
        .iter()
        .map(|(_, action)| Evidence::new(action.clone()))
        .collect();
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}
