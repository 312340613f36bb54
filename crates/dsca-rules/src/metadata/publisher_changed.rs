//! DSCA403: a different npm account published this version than the previous one.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA403",
    name: "publisher-changed",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Medium,
    title: "Published by a different account than the previous version",
    problem: "The npm account that published this version is not the one that published \
        the previous version. That is normal when a team shares releases, but it is also \
        what an account takeover or a handover to a new, unknown maintainer looks like.",
    next_steps: "Check that the new publisher is a known maintainer of the project (its \
        repository, release notes, the maintainer list on the registry). Be wary when the \
        change comes with new install scripts, new dependencies or dropped provenance.",
    severities: &[Severity::Medium],
    catches: "another account published this version than the previous one",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(current), Some((previous, previous_manifest))) =
        (ctx.registry_manifest(), ctx.previous_version())
    else {
        return;
    };
    let (Some(now), Some(before)) = (current.publisher(), previous_manifest.publisher()) else {
        return;
    };
    if now == before {
        return;
    }
    out.findings.push(
        Finding::new(
            &RULE,
            format!(
                "{} was published by `{now}`; {previous} was published by `{before}`",
                ctx.version
            ),
        )
        .with_evidence(Evidence::new(format!("{}: _npmUser `{now}`", ctx.version)))
        .with_evidence(Evidence::new(format!("{previous}: _npmUser `{before}`"))),
    );
}
