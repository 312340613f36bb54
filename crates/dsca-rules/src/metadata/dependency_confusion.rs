//! DSCA302: the package looks like a dependency-confusion probe or attack.

use crate::context::days_between;
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};
use nodejs_semver::Version;

pub const RULE: Rule = Rule {
    id: "DSCA302",
    name: "dependency-confusion",
    category: Category::Naming,
    signal: Signal::Identity,
    severity: Severity::High,
    title: "Looks like a dependency-confusion package",
    problem: "The package has the marks of dependency confusion: a first release with a huge \
        version number (so it outranks a company's private package of the same name) in a \
        package that is new, runs an install script or has hardly any versions, a brand-new \
        package with an internal-sounding name, or a description that announces security \
        research. Build tools that also query the public registry install such a \
        package instead of the private one, and its install script calls home from inside \
        the company network.",
    next_steps: "If your organisation uses a private package of this name, make sure your \
        registry configuration resolves the scope or name only from the private registry \
        (scoped registries in .npmrc) and pin versions in the lockfile. Do not install this \
        package; if it was installed, find the machines it ran on and treat what it could \
        read as exposed.",
    severities: &[Severity::High],
    catches: "a first release at 90.x or above that is new, runs an install script or has only \
        a few versions; new internal-looking names",
};

/// A first release at or above this major is a version picked to win resolution.
const SUSPICIOUS_MAJOR: u64 = 90;
const NEW_PACKAGE_DAYS: i64 = 30;
/// A package with this many versions or fewer has hardly been used as a real package.
const FEW_VERSIONS: usize = 3;
/// A package with this many releases below [`SUSPICIOUS_MAJOR`] has a history that did
/// not start high, whatever its publish times say (mirrors and re-publishing rewrite
/// them).
const LOW_RELEASES_OF_A_HISTORY: usize = 10;

/// Name words that suggest a package meant to exist only on a private registry.
const INTERNAL_WORDS: &[&str] = &["internal", "private", "corp", "intranet", "proprietary"];

/// Phrases research probes put in their description.
const RESEARCH_PHRASES: &[&str] = &[
    "dependency confusion",
    "dependency-confusion",
    "security research",
    "bug bounty",
    "bugbounty",
    "hackerone",
    "bugcrowd",
    "proof of concept",
    "research purposes",
];

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let mut evidence = Vec::new();
    let age = ctx.first_published().map(|t| days_between(t, ctx.now));
    let is_new = age.is_some_and(|days| days < NEW_PACKAGE_DAYS);
    let runs_on_install = ctx
        .manifest()
        .is_some_and(|m| !super::install_time_scripts(m, ctx).is_empty());
    let version_count = ctx.packument.map_or(0, |p| p.versions.len());

    // A huge first version alone is not enough: packages that version after another
    // product (`@sparticuz/chromium` follows Chromium's major) start at 1xx honestly.
    // A probe is also new, runs a script on install, or has hardly any releases.
    let low_releases = ctx.packument.map_or(0, |p| {
        p.versions
            .keys()
            .filter_map(|raw| Version::parse(raw).ok())
            .filter(|version| version.major < SUSPICIOUS_MAJOR)
            .count()
    });
    if let Some(first) = ctx.first_release()
        && let Ok(version) = Version::parse(first)
        && version.major >= SUSPICIOUS_MAJOR
        && low_releases < LOW_RELEASES_OF_A_HISTORY
    {
        let mut marks = Vec::new();
        if is_new {
            marks.push(format!("is {} days old", age.unwrap_or_default()));
        }
        if runs_on_install {
            marks.push("runs a script on install".to_string());
        }
        if version_count <= FEW_VERSIONS {
            marks.push(match version_count {
                1 => "has a single version".to_string(),
                n => format!("has only {n} versions"),
            });
        }
        if !marks.is_empty() {
            evidence.push(Evidence::new(format!(
                "the first release of `{}` is {first}, a version this high is chosen to outrank a private package; the package {}",
                ctx.name,
                join_and(&marks)
            )));
        }
    }

    if is_new && let Some(word) = internal_word(ctx.name) {
        evidence.push(
            Evidence::new(format!(
                "`{}` was first published {} days ago and its name contains `{word}`",
                ctx.name,
                age.unwrap_or_default()
            ))
            .at(Location::file("package.json")),
        );
    }

    let description = ctx
        .manifest()
        .and_then(|m| m.description())
        .unwrap_or_default();
    let lower = description.to_lowercase();
    if let Some(phrase) = RESEARCH_PHRASES.iter().find(|p| lower.contains(*p))
        && (runs_on_install || is_new)
    {
        evidence.push(
            Evidence::new(format!(
                "the description mentions `{phrase}` and the package {}",
                if runs_on_install {
                    "runs a script on install"
                } else {
                    "is new"
                }
            ))
            .at(Location::file("package.json"))
            .with_snippet(description),
        );
    }

    let Some(first) = evidence.first() else {
        return;
    };
    let message = first.detail.clone();
    out.findings.push(
        evidence
            .into_iter()
            .fold(Finding::new(&RULE, message), Finding::with_evidence),
    );
}

fn internal_word(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(['-', '_', '.', '/', '@'])
        .filter(|w| !w.is_empty())
        .collect();
    INTERNAL_WORDS
        .iter()
        .copied()
        .find(|word| words.contains(word))
}

/// "a", "a and b", "a, b and c".
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
