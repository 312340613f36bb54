//! Rules about a lockfile entry rather than the package itself, raised by `dsca audit`
//! when it compares what the lockfile pins with what the registry serves.

use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

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

/// What a lockfile pins for one package, as the lockfile checks read it.
#[derive(Debug, Clone, Copy)]
pub struct PinnedEntry<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// The lockfile's integrity (SRI) and resolved URL, when it records them.
    pub integrity: Option<&'a str>,
    pub resolved: Option<&'a str>,
}

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
pub fn integrity_mismatch(entry: &PinnedEntry<'_>, served: &str) -> Option<Finding> {
    let locked = entry.integrity?;
    let served_digests = sri_digests(served);
    let differs = sri_digests(locked)
        .iter()
        .any(|(algo, digest)| served_digests.get(algo).is_some_and(|d| d != digest));
    differs.then(|| {
        Finding::new(
            &LOCKFILE_INTEGRITY_MISMATCH,
            format!(
                "the lockfile pins {}@{} to `{locked}`, the registry serves `{served}`",
                entry.name, entry.version
            ),
        )
        .with_evidence(Evidence::new(format!("lockfile integrity {locked}")))
        .with_evidence(Evidence::new(format!("registry integrity {served}")))
    })
}

/// `scheme://host[:port]` of `url`, as the trusted registries are compared.
pub fn origin(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// DSCA952 when the resolved http(s) URL is on none of the `trusted` origins (the
/// project's registries, see [`origin`]): the registry's copy was scanned, not that.
pub fn untrusted_source(entry: &PinnedEntry<'_>, trusted: &[String]) -> Option<Finding> {
    let resolved = entry.resolved?;
    let url = url::Url::parse(resolved).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let mut trusted = trusted.to_vec();
    // yarn 1 records the public registry under its own alias.
    if trusted.iter().any(|t| t == "https://registry.npmjs.org") {
        trusted.push("https://registry.yarnpkg.com".to_string());
    }
    let actual = origin(resolved)?;
    (!trusted.contains(&actual)).then(|| {
        Finding::new(
            &LOCKFILE_UNTRUSTED_SOURCE,
            format!(
                "the lockfile downloads {}@{} from {actual}, which is not a configured registry; dsca scanned the registry's copy, not that one",
                entry.name, entry.version
            ),
        )
        .with_evidence(Evidence::new(format!("resolved {resolved}")))
    })
}

/// DSCA952 for a git or URL dependency, which the pipeline (it reads registries) does
/// not scan.
pub fn not_from_a_registry(entry: &PinnedEntry<'_>) -> Finding {
    let url = entry.resolved.unwrap_or_default();
    Finding::new(
        &LOCKFILE_UNTRUSTED_SOURCE,
        format!(
            "the lockfile installs {} from `{url}`, not from a registry; dsca did not scan it",
            entry.name
        ),
    )
    .with_evidence(Evidence::new(format!("resolved {url}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(integrity: Option<&'a str>, resolved: Option<&'a str>) -> PinnedEntry<'a> {
        PinnedEntry {
            name: "left-pad",
            version: "1.3.0",
            integrity,
            resolved,
        }
    }

    #[test]
    fn only_hashes_of_one_algorithm_are_compared() {
        let served = "sha512-AAAA sha1-BBBB";
        assert!(integrity_mismatch(&entry(Some("sha512-AAAA"), None), served).is_none());
        assert!(integrity_mismatch(&entry(Some("sha1-BBBB?x=1"), None), served).is_none());
        assert!(integrity_mismatch(&entry(Some("sha256-CCCC"), None), served).is_none());
        let found = integrity_mismatch(&entry(Some("sha512-ZZZZ"), None), served).unwrap();
        assert_eq!(found.rule, "DSCA951");
    }

    #[test]
    fn a_resolved_url_off_the_registries_is_untrusted() {
        let trusted = vec!["https://registry.npmjs.org".to_string()];
        let on = |url| untrusted_source(&entry(None, Some(url)), &trusted);
        assert!(on("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz").is_none());
        assert!(on("https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz").is_none());
        assert!(on("git+ssh://git@github.com/x/y.git").is_none());
        let found = on("https://mirror.example:8443/left-pad-1.3.0.tgz").unwrap();
        assert!(
            found.message.contains("https://mirror.example:8443"),
            "{}",
            found.message
        );
    }
}
