//! DSCA952: the lockfile installs a package from outside the configured registries.

use super::PinnedEntry;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
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
    severities: &[Severity::High],
    catches: "the lockfile resolves a package from a host that is not a configured registry, \
        or from git or a URL",
};

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
pub fn finding(entry: &PinnedEntry<'_>, trusted: &[String]) -> Option<Finding> {
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
            &RULE,
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
        &RULE,
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
    use crate::lockfile::tests::entry;

    #[test]
    fn a_resolved_url_off_the_registries_is_untrusted() {
        let trusted = vec!["https://registry.npmjs.org".to_string()];
        let on = |url| finding(&entry(None, Some(url)), &trusted);
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
