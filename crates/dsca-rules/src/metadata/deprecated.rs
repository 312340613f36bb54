//! DSCA405: the version is deprecated.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA405",
    name: "deprecated",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Low,
    title: "Version is deprecated",
    problem: "The maintainers marked this version as deprecated. Deprecated versions stop \
        receiving fixes, and the message often points to a security problem or a \
        replacement package.",
    next_steps: "Read the deprecation message and move to the version or package it \
        recommends.",
    severities: &[Severity::Low],
    catches: "the version is deprecated",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let message = ctx
        .registry_manifest()
        .and_then(|m| m.deprecated())
        .or_else(|| ctx.manifest().and_then(|m| m.deprecated()));
    let Some(message) = message else {
        return;
    };
    out.findings.push(
        Finding::new(&RULE, format!("{} is deprecated: {message}", ctx.version))
            .with_evidence(Evidence::new("deprecation message").with_snippet(message)),
    );
}
