//! DSCA1006: the run changed files outside the project and npm's own places.

use super::{RunContext, short};
use crate::Analysis;
use crate::code::strings::persistence_place;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::{FileEvent, FileOp};
use dsca_model::{Category, Evidence, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1006",
    name: "write-outside-project",
    category: Category::Filesystem,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Changed files outside the project while installed",
    problem: "In the sandbox, the install or import wrote, created, renamed or deleted files \
        outside the project it was installed into and outside the places npm and build \
        tools use (~/.npm, ~/.cache, /tmp). A package has no business in the rest of the \
        home directory or the system; writes to shell start-up files, cron, systemd or \
        autostart folders, ~/.ssh/authorized_keys or /etc make it run again later, or let \
        someone in.",
    next_steps: "Look at the paths. If the version was installed anywhere, check those files \
        on that machine (shell rc files, crontab, authorized_keys, systemd and autostart \
        entries), remove what the package added, and treat the machine as compromised.",
    severities: &[Severity::High, Severity::Critical],
    catches: "critical for shell rc files, cron, systemd/autostart, authorized_keys, /etc; \
        refused attempts count (\"tried to write\")",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let changes = outside_changes(run);
    let Some((first_path, first_event, _)) = changes.first() else {
        return;
    };
    let mut severity = Severity::High;
    let mut persistence = None;
    let mut evidence = Vec::new();
    for (path, event, place) in &changes {
        let mut detail = format!(
            "{} `{}`",
            event.op.as_str(),
            short(&run.display_path(path), 160)
        );
        if let Some(place) = place {
            severity = Severity::Critical;
            persistence.get_or_insert((*place, event.error.is_some()));
            detail.push_str(&format!(" ({place})"));
        }
        if let Some(errno) = &event.error {
            detail.push_str(&format!(" (refused: {errno})"));
        }
        detail.push_str(&run.by_process(Some(event.pid)));
        evidence.push(Evidence::new(detail));
    }
    let message = match persistence {
        Some((place, false)) => format!("wrote to {place} outside the project"),
        Some((place, true)) => format!("tried to write to {place} outside the project"),
        None if changes.len() == 1 => format!(
            "{} `{}` outside the project",
            match first_event.error {
                Some(_) => format!("tried to {}", infinitive(first_event.op)),
                None => past_tense(first_event.op).to_string(),
            },
            short(&run.display_path(first_path), 120)
        ),
        None => format!("changed {} files outside the project", changes.len()),
    };
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

/// Every change outside the allowed places, once per path and operation, with the
/// persistence place it names, if any.
pub(crate) fn outside_changes<'a>(
    run: &'a RunContext,
) -> Vec<(String, &'a FileEvent, Option<&'static str>)> {
    let mut seen = std::collections::HashSet::new();
    let mut changes = Vec::new();
    for event in &run.run.files {
        let paths: Vec<&str> = match event.op {
            FileOp::Read => continue,
            FileOp::Rename => std::iter::once(event.path.as_str())
                .chain(event.target.as_deref())
                .collect(),
            _ => vec![event.path.as_str()],
        };
        for path in paths {
            let resolved = run.resolve(path, event.pid);
            if run.run.sandbox.is_expected_write(&resolved)
                || !seen.insert((resolved.clone(), event.op))
            {
                continue;
            }
            let place = persistence_target(&resolved);
            changes.push((resolved, event, place));
        }
    }
    changes
}

/// Writing here makes code run again later, or lets someone in.
fn persistence_target(path: &str) -> Option<&'static str> {
    if let Some(place) = persistence_place(path) {
        return Some(place);
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("/.ssh/authorized_keys") {
        return Some("SSH authorized keys");
    }
    if lower.starts_with("/var/spool/cron") {
        return Some("the crontab");
    }
    if lower.starts_with("/etc/") {
        return Some("system configuration (/etc)");
    }
    None
}

fn infinitive(op: FileOp) -> &'static str {
    match op {
        FileOp::Read => "read",
        FileOp::Write | FileOp::Create => "write",
        FileOp::Delete => "delete",
        FileOp::Rename => "rename",
        FileOp::MakeExecutable => "make executable",
    }
}

fn past_tense(op: FileOp) -> &'static str {
    match op {
        FileOp::Read => "read",
        FileOp::Write => "wrote",
        FileOp::Create => "created",
        FileOp::Delete => "deleted",
        FileOp::Rename => "renamed",
        FileOp::MakeExecutable => "made executable",
    }
}
