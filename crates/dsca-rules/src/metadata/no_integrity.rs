//! DSCA505: the registry gave no hash to check the tarball against. Raised by the
//! pipeline; defined here for the catalogue.

use dsca_model::{Category, Rule, Severity, Signal};

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
};
