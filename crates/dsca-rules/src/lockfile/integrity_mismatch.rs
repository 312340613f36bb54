//! DSCA951: the lockfile pins another hash than the registry serves for that version.

use super::PinnedEntry;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
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
    severities: &[Severity::High],
    catches: "the lockfile pins another hash than the registry serves for that version",
};

/// `sha512-abc sha1-def` -> {sha512: abc, sha1: def}.
fn sri_digests(sri: &str) -> std::collections::HashMap<&str, &str> {
    sri.split_whitespace()
        .filter_map(|hash| hash.split_once('-'))
        // `sha512-...?opts` carries options after a `?`; they are not part of the digest.
        .map(|(algo, digest)| (algo, digest.split('?').next().unwrap_or(digest)))
        .collect()
}

/// DSCA951 when the lockfile pins another hash than the registry serves (`served`, the
/// SRI of the tarball the registry gave). Only hashes of the same algorithm are
/// compared (old lockfiles pin sha1, the registry sha512).
pub fn finding(entry: &PinnedEntry<'_>, served: &str) -> Option<Finding> {
    let locked = entry.integrity?;
    let served_digests = sri_digests(served);
    let differs = sri_digests(locked)
        .iter()
        .any(|(algo, digest)| served_digests.get(algo).is_some_and(|d| d != digest));
    differs.then(|| {
        Finding::new(
            &RULE,
            format!(
                "the lockfile pins {}@{} to `{locked}`, the registry serves `{served}`",
                entry.name, entry.version
            ),
        )
        .with_evidence(Evidence::new(format!("lockfile integrity {locked}")))
        .with_evidence(Evidence::new(format!("registry integrity {served}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::tests::entry;

    #[test]
    fn only_hashes_of_one_algorithm_are_compared() {
        let served = "sha512-AAAA sha1-BBBB";
        assert!(finding(&entry(Some("sha512-AAAA"), None), served).is_none());
        assert!(finding(&entry(Some("sha1-BBBB?x=1"), None), served).is_none());
        assert!(finding(&entry(Some("sha256-CCCC"), None), served).is_none());
        let found = finding(&entry(Some("sha512-ZZZZ"), None), served).unwrap();
        assert_eq!(found.rule, "DSCA951");
    }
}
