//! DSCA201: a dependency that npm fetches from somewhere other than the registry.

use crate::{Analysis, Origin, ScanContext};
use dsca_model::npm::INSTALLED_DEPENDENCY_FIELDS;
use dsca_model::{Behaviour, Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA201",
    name: "non-registry-dependency",
    category: Category::Dependencies,
    signal: Signal::Trigger,
    severity: Severity::Medium,
    title: "Depends on code from outside the registry",
    problem: "A dependency is fetched from a git repository, a URL or a local path instead of \
        the registry. Such code is not covered by the registry's integrity hashes, signatures \
        or malware takedowns, can change under the same reference at any time, and runs its \
        own install scripts. A plain-http URL can be replaced by anyone on the network path.",
    next_steps: "Check who controls the repository or host and whether the reference is pinned \
        to a commit. Prefer the registry release of the same code; if there is none, vendor \
        a reviewed copy or pin an immutable commit hash.",
    severities: &[
        Severity::Info,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ],
    catches: "git, GitHub shorthand, http(s) tarballs, `file:`, `link:`; high for plain http \
        or a sibling of the package's own scope fetched from git (TanStack); critical \
        for a tarball on a bare public address, tunnel, file host, paste or collaborator \
        host (PhantomRaven); info for the devDependencies of a checkout",
};

/// Where a dependency spec points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecSource {
    Registry,
    Git,
    HostedGit,
    HttpsTarball,
    HttpTarball,
    LocalPath,
}

impl SpecSource {
    fn describe(self) -> &'static str {
        match self {
            SpecSource::Registry => "the registry",
            SpecSource::Git => "a git repository",
            SpecSource::HostedGit => "a hosted git repository (shorthand)",
            SpecSource::HttpsTarball => "a tarball URL",
            SpecSource::HttpTarball => "a plain-http tarball URL",
            SpecSource::LocalPath => "a local path",
        }
    }
}

/// Classify a dependency spec (`^1.2.3`, `github:u/r`, `file:../x`, ...).
pub fn classify(spec: &str) -> SpecSource {
    let spec = spec.trim();
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("npm:") {
        return SpecSource::Registry;
    }
    if lower.starts_with("git+") || lower.starts_with("git://") || lower.starts_with("git@") {
        return SpecSource::Git;
    }
    if ["github:", "gitlab:", "bitbucket:", "gist:"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return SpecSource::HostedGit;
    }
    if lower.starts_with("http://") {
        return SpecSource::HttpTarball;
    }
    if lower.starts_with("https://") {
        return SpecSource::HttpsTarball;
    }
    if lower.starts_with("file:")
        || lower.starts_with("link:")
        || ["./", "../", "/", "~/"]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        return SpecSource::LocalPath;
    }
    if is_github_shorthand(spec) {
        return SpecSource::HostedGit;
    }
    SpecSource::Registry
}

/// The kind of host a tarball URL names when it is one a dropper uses: a bare public
/// address, a tunnel, a file host, a paste site, a collaborator or dynamic-DNS name.
fn dropper_host(spec: &str) -> Option<&'static str> {
    use crate::code::tables::DestinationClass as Class;
    crate::code::strings::indicators(spec)
        .into_iter()
        .filter_map(|indicator| indicator.class)
        .find(|class| {
            class.is_drop_box()
                || matches!(
                    class,
                    Class::PublicIp | Class::FileHost | Class::DynamicDns | Class::Shortener
                )
        })
        .map(Class::describe)
}

/// `@scope/a` depending on `@scope/b`.
fn same_scope(package: Option<&str>, dependency: &str) -> bool {
    let scope = |name: &str| {
        name.starts_with('@')
            .then(|| name.split_once('/').map(|(scope, _)| scope.to_string()))
            .flatten()
    };
    package
        .and_then(scope)
        .is_some_and(|own| scope(dependency).as_deref() == Some(own.as_str()))
}

/// `user/repo` or `user/repo#ref`: npm reads it as a GitHub repository.
fn is_github_shorthand(spec: &str) -> bool {
    let path = spec.split('#').next().unwrap_or(spec);
    let mut parts = path.split('/');
    let (Some(user), Some(repo), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    !user.starts_with('@') && valid(user) && valid(repo)
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(manifest) = ctx.manifest() else {
        return;
    };
    // devDependencies are only installed when working in the package's own directory.
    let mut fields = INSTALLED_DEPENDENCY_FIELDS.to_vec();
    if ctx.origin == Origin::Directory {
        fields.push("devDependencies");
    }
    let mut severity = Severity::Info;
    let mut evidence = Vec::new();
    for field in fields {
        for (name, spec) in manifest.dependencies(field) {
            let source = classify(spec);
            if source == SpecSource::Registry {
                continue;
            }
            let dropper_host = matches!(source, SpecSource::HttpTarball | SpecSource::HttpsTarball)
                .then(|| dropper_host(spec))
                .flatten();
            let sibling = matches!(source, SpecSource::Git | SpecSource::HostedGit)
                && same_scope(manifest.name(), name);
            let weight = match (field, source) {
                ("devDependencies", _) => Severity::Info,
                // A published package whose dependency is a tarball on a bare address,
                // a tunnel or a file host: npm downloads it and runs its scripts, and the
                // registry tarball stays clean by design (PhantomRaven).
                _ if dropper_host.is_some() => Severity::Critical,
                (_, SpecSource::HttpTarball) => Severity::High,
                // Honest packages publish their scoped siblings to the registry; one
                // fetched from git runs its `prepare` on every install (TanStack).
                _ if sibling => Severity::High,
                _ => Severity::Medium,
            };
            severity = severity.max(weight);
            let mut detail = format!("{field}: `{name}` comes from {}", source.describe());
            if let Some(host) = dropper_host {
                detail.push_str(&format!(" on {host}"));
            } else if sibling {
                detail.push_str(" instead of the registry, though it shares the package's scope");
            }
            evidence.push(
                Evidence::new(detail)
                    .at(Location::file("package.json"))
                    .with_snippet(format!("\"{name}\": \"{spec}\"")),
            );
        }
    }
    if evidence.is_empty() {
        return;
    }
    let evidence = super::cap_evidence(evidence);
    let count = evidence.len();
    out.behaviours.push(Behaviour {
        id: "dependencies.non-registry".into(),
        category: Category::Dependencies,
        description: "Depends on code from outside the registry".into(),
        count: u32::try_from(count).unwrap_or(u32::MAX),
        evidence: evidence.clone(),
    });
    let message = if count == 1 {
        evidence[0].detail.clone()
    } else {
        format!("{count} dependencies come from outside the registry")
    };
    let finding = Finding::new(&RULE, message).with_severity(severity);
    out.findings
        .push(evidence.into_iter().fold(finding, Finding::with_evidence));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_specs() {
        assert_eq!(classify("^1.2.3"), SpecSource::Registry);
        assert_eq!(classify("latest"), SpecSource::Registry);
        assert_eq!(classify("npm:other@^2"), SpecSource::Registry);
        assert_eq!(classify("1.x || >=2.5.0"), SpecSource::Registry);
        assert_eq!(
            classify("git+ssh://git@github.com/u/r.git"),
            SpecSource::Git
        );
        assert_eq!(classify("git://github.com/u/r"), SpecSource::Git);
        assert_eq!(classify("github:u/r"), SpecSource::HostedGit);
        assert_eq!(classify("u/r#v1"), SpecSource::HostedGit);
        assert_eq!(classify("http://x/y.tgz"), SpecSource::HttpTarball);
        assert_eq!(classify("https://x/y.tgz"), SpecSource::HttpsTarball);
        assert_eq!(classify("file:../x"), SpecSource::LocalPath);
        assert_eq!(classify("link:../x"), SpecSource::LocalPath);
    }
}
