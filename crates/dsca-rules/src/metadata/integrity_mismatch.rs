//! DSCA501: the tarball does not match the registry's integrity hash. The pipeline raises
//! it with [`finding`] while it fetches.

use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA501",
    name: "integrity-mismatch",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::Critical,
    title: "Tarball does not match its integrity hash",
    problem: "The bytes downloaded are not the bytes the registry recorded when the version \
        was published. The tarball was replaced on a mirror, cache or proxy, or altered in \
        transit; npm itself would refuse to install it.",
    next_steps: "Do not use this tarball. Fetch it again directly from the registry, check \
        the mirror, proxy or cache that served it, and find out who could write there.",
    severities: &[Severity::Critical],
    catches: "the tarball does not match the integrity hash the registry published",
};

/// The finding for a tarball of `name@version` downloaded from `url` whose hash is
/// `actual`, not the registry's `expected`.
pub fn finding(name: &str, version: &str, expected: &str, actual: &str, url: &str) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "the tarball of {name}@{version} does not match the registry's integrity: expected {expected}, got {actual}"
        ),
    )
    .with_evidence(Evidence::new(format!("downloaded from {url}")))
}
