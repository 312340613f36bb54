//! Rules about a lockfile entry rather than the package itself, raised by `dsca audit`
//! when it compares what the lockfile pins with what the registry serves.

use dsca_model::{Category, Rule, Severity, Signal};

pub const LOCKFILE_INTEGRITY_MISMATCH: Rule = Rule {
    id: "DSCA951",
    name: "lockfile-integrity-mismatch",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::High,
    title: "Lockfile integrity differs from the registry's",
    problem: "The lockfile pins a hash for this version that is not the hash the registry \
        publishes for it. A registry never changes a published version, so the lockfile \
        was edited, or was generated against another registry or mirror that serves \
        different bytes under the same name and version. An install from this lockfile \
        gets those bytes, or fails.",
    next_steps: "Find out where the lockfile's hash came from (git blame on the lockfile, \
        the registry or mirror it was generated against). Regenerate the entry from the \
        registry you trust and review the change before merging it.",
};

pub const LOCKFILE_UNTRUSTED_SOURCE: Rule = Rule {
    id: "DSCA952",
    name: "lockfile-untrusted-source",
    category: Category::Dependencies,
    signal: Signal::Trigger,
    severity: Severity::High,
    title: "Lockfile resolves a package outside the configured registries",
    problem: "The lockfile tells the package manager to download this package from a URL \
        on a host that is not one of the project's registries: another server, a git \
        repository or an archive URL. What is installed is whatever that host serves, \
        not the version the registry knows, and the registry's checks do not apply. A \
        lockfile changed this way in a pull request is a known way to slip in malware.",
    next_steps: "Check that the host is one you trust and expect (a company mirror should \
        be configured in `.npmrc`). Otherwise regenerate the entry from your registry and \
        find out who changed it.",
};

/// Every lockfile rule, for the catalogue.
pub static RULES: &[&Rule] = &[&LOCKFILE_INTEGRITY_MISMATCH, &LOCKFILE_UNTRUSTED_SOURCE];
