//! DSCA501: the tarball does not match the registry's integrity hash. Raised by the
//! pipeline while it fetches; defined here so the catalogue and reports know it.

use dsca_model::{Category, Rule, Severity, Signal};

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
};
