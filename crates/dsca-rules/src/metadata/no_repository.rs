//! DSCA406: the package does not say where its source lives.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA406",
    name: "no-repository",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Info,
    title: "No source repository",
    problem: "The manifest has no repository field, so the published code cannot be \
        compared with a public source history. Throwaway malicious packages rarely name one.",
    next_steps: "Find the project's source some other way before trusting it, or prefer a \
        package whose releases can be traced to a repository (ideally with provenance).",
    severities: &[Severity::Info],
    catches: "the manifest names no source repository",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let manifests = [ctx.manifest, ctx.registry_manifest().map(|m| m.0)];
    let present: Vec<_> = manifests.into_iter().flatten().collect();
    if present.is_empty()
        || present
            .iter()
            .any(|m| dsca_model::npm::Manifest(m).repository().is_some())
    {
        return;
    }
    out.findings.push(Finding::new(
        &RULE,
        format!("`{}` names no source repository", ctx.name),
    ));
}
