//! DSCA503: the previous version had provenance attestations and this one has none.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA503",
    name: "provenance-dropped",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::High,
    title: "Provenance dropped since the previous version",
    problem: "The previous version was published from CI with a provenance attestation that \
        ties the tarball to a source commit and build; this version has none. A release \
        published by hand with a stolen token cannot produce the attestation, so losing it \
        is a classic sign of a hijacked release (as in several 2024-2025 npm compromises).",
    next_steps: "Check the project's repository for a release of this version and its CI \
        run. If the release did not come from the usual pipeline, treat the version as \
        suspect, pin the previous one and alert the maintainers.",
    severities: &[Severity::High],
    catches: "the previous version had provenance, this one has none",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(current), Some((previous, previous_manifest))) =
        (ctx.registry_manifest(), ctx.previous_version())
    else {
        return;
    };
    if !previous_manifest.dist().has_attestations || current.dist().has_attestations {
        return;
    }
    out.findings.push(
        Finding::new(
            &RULE,
            format!(
                "{previous} was published with provenance; {} has none",
                ctx.version
            ),
        )
        .with_evidence(Evidence::new(format!(
            "{previous}: dist.attestations present"
        )))
        .with_evidence(Evidence::new(format!(
            "{}: no dist.attestations",
            ctx.version
        ))),
    );
}
