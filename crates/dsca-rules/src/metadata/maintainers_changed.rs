//! DSCA404: the maintainer list changed since the previous version.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA404",
    name: "maintainers-changed",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Low,
    title: "Maintainers changed since the previous version",
    problem: "The accounts allowed to publish this package are not the same as for the \
        previous version. A maintainer added just before a release is how several package \
        hijackings began (event-stream was handed to a stranger who then shipped malware).",
    next_steps: "Look up the added maintainers: their other packages, their history and \
        their link to the project. Review releases published after the change with extra \
        care.",
    severities: &[Severity::Low],
    catches: "the maintainers changed since the previous version",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(current), Some((previous, previous_manifest))) =
        (ctx.registry_manifest(), ctx.previous_version())
    else {
        return;
    };
    let now = current.maintainers();
    let before = previous_manifest.maintainers();
    if now.is_empty() || before.is_empty() || now == before {
        return;
    }
    let added: Vec<&str> = now
        .iter()
        .copied()
        .filter(|m| !before.contains(m))
        .collect();
    let removed: Vec<&str> = before
        .iter()
        .copied()
        .filter(|m| !now.contains(m))
        .collect();
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut finding = Finding::new(
        &RULE,
        format!(
            "maintainers of {} differ from {previous}: {} added, {} removed",
            ctx.version,
            added.len(),
            removed.len()
        ),
    );
    if !added.is_empty() {
        finding = finding.with_evidence(Evidence::new(format!("added: {}", list(&added))));
    }
    if !removed.is_empty() {
        finding = finding.with_evidence(Evidence::new(format!("removed: {}", list(&removed))));
    }
    out.findings.push(finding);
}
