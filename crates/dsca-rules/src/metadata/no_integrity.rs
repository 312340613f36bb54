//! DSCA505: the registry gave no hash to check the tarball against. The pipeline raises
//! it with [`finding`] while it fetches.

use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA505",
    name: "no-integrity",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::Medium,
    title: "No integrity hash to verify the tarball",
    problem: "The registry metadata for this version carries neither an `integrity` nor a \
        `shasum`, so nothing proves that the tarball downloaded is the one that was \
        published. Anyone who can tamper with the mirror or the connection can swap it.",
    next_steps: "Resolve the package from a registry that serves integrity hashes (the \
        public npm registry does), or pin the expected hash in your lockfile and compare.",
    severities: &[Severity::Medium],
    catches: "no integrity hash to check the tarball against",
};

/// The finding for `name@version`, whose tarball at `url` nothing can verify.
pub fn finding(name: &str, version: &str, url: &str) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "the registry gives no integrity or shasum for {name}@{version}: its tarball cannot be verified"
        ),
    )
    .with_evidence(Evidence::new(format!("tarball {url}")))
}
