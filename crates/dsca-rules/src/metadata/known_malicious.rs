//! DSCA408 and DSCA202: a malware advisory (OSV `MAL-` record, kept offline by `dsca db
//! update`) names this version, or a version of a dependency it pulls in.

use crate::{Analysis, ScanContext};
use dsca_model::advisory::{AdvisoryBasis, AdvisoryHit};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA408",
    name: "known-malicious",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Critical,
    title: "A malware advisory names this version",
    problem: "An advisory of the OpenSSF malicious-packages project (as published by OSV) \
        says this version is malware: a hijacked release, a typosquat or a package made to \
        attack. The registry often no longer serves it, but lockfiles, caches and mirrors \
        still install it.",
    next_steps: "Remove this version from every project, lockfile, cache and mirror. Treat \
        every machine that installed it as compromised: rotate the credentials it could \
        read (npm, GitHub, cloud, SSH) and look for what it left behind. The advisory's \
        link says what the malware did.",
    severities: &[Severity::Medium, Severity::Critical],
    catches: "an OSV malware advisory names this version (medium when it only covers every \
        version of a package with many releases, or names specific versions too)",
};

pub const DEPENDENCY_RULE: Rule = Rule {
    id: "DSCA202",
    name: "known-malicious-dependency",
    category: Category::Dependencies,
    signal: Signal::Identity,
    severity: Severity::Critical,
    title: "Depends on a version a malware advisory names",
    problem: "The package is clean or not, but what it installs is not: a dependency it \
        declares resolves to a version that an advisory of the malicious-packages project \
        names as malware (event-stream pulled in flatmap-stream; axios 1.14.1 added \
        plain-crypto-js). npm installs and runs it with the package.",
    next_steps: "Do not install this version. Pin the dependency to a version no advisory \
        names, or drop the package. On machines that installed it, handle the dependency as \
        the advisory says.",
    severities: &[Severity::Medium, Severity::Critical],
    catches: "a dependency resolves to a version an advisory names, with the path",
};

pub const INDICATOR_RULE: Rule = Rule {
    id: "DSCA409",
    name: "known-malicious-indicator",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Critical,
    title: "Names the infrastructure of known malware",
    problem: "A file of the package names a domain, address or URL that a malware advisory         lists as the command-and-control or drop server of a known malicious package. A new         package talking to the same server is the same campaign under a new name.",
    next_steps: "Do not install this version. Read the advisory named: it says what the         campaign steals or drops. Search your network logs for the indicator.",
    severities: &[Severity::Critical],
    catches: "a file names a domain, IP or URL a malware advisory lists as its infrastructure \
        (whole names only: `notsfrclak.com` is not `sfrclak.com`)",
};

/// The advisories' indicators named in the package's files.
pub(crate) fn check_indicators(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(known), Some(contents)) = (ctx.known_indicators, ctx.contents) else {
        return;
    };
    let mut evidence = Vec::new();
    let mut first = None;
    for file in &contents.files {
        for (offset, hit) in known.find_in(&file.data) {
            let line = file
                .data
                .get(..offset)
                .map_or(1, |before| memchr::memchr_iter(b'\n', before).count() + 1);
            let packages = hit.packages.join(", ");
            first.get_or_insert_with(|| {
                (
                    hit.indicator.clone(),
                    hit.advisory.clone(),
                    packages.clone(),
                )
            });
            evidence.push(
                Evidence::new(format!(
                    "names `{}`, listed by {} ({packages})",
                    hit.indicator, hit.advisory
                ))
                .at(Location::line(
                    file.path.as_str(),
                    u32::try_from(line).unwrap_or(u32::MAX),
                ))
                .with_snippet(hit.indicator.as_str()),
            );
        }
    }
    let Some((indicator, advisory, packages)) = first else {
        return;
    };
    let finding = Finding::new(
        &INDICATOR_RULE,
        format!("names `{indicator}`, the same infrastructure as {advisory} ({packages})"),
    );
    out.findings.push(
        super::cap_evidence(evidence)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (own, dependencies): (Vec<&AdvisoryHit>, Vec<&AdvisoryHit>) =
        ctx.advisories.iter().partition(|hit| hit.path.is_empty());
    if let Some(finding) = finding(&RULE, &own, |hit| {
        let removed = if hit.removed_from_registry {
            ", removed from the registry"
        } else {
            ""
        };
        let claim = if hit.low_confidence.is_some() {
            "may be malicious (an advisory covers every version)"
        } else {
            "is known malicious"
        };
        format!(
            "`{}@{}` {claim}{removed}: {} ({})",
            hit.package, hit.version, hit.id, hit.summary
        )
    }) {
        out.findings.push(finding);
    }
    if let Some(finding) = finding(&DEPENDENCY_RULE, &dependencies, |hit| {
        format!(
            "depends on a known malicious version: {} ({}: {})",
            hit.path.join(" > "),
            hit.id,
            hit.summary
        )
    }) {
        out.findings.push(finding);
    }
}

/// One finding for the hits of one rule: critical unless every hit is of low confidence.
fn finding(
    rule: &Rule,
    hits: &[&AdvisoryHit],
    message: impl Fn(&AdvisoryHit) -> String,
) -> Option<Finding> {
    let first = hits.first()?;
    let confident = hits.iter().any(|hit| hit.low_confidence.is_none());
    let severity = if confident {
        Severity::Critical
    } else {
        Severity::Medium
    };
    let mut finding = Finding::new(rule, message(first)).with_severity(severity);
    for hit in hits.iter().take(super::MAX_EVIDENCE) {
        let mut detail = format!(
            "{} {} `{}@{}`",
            hit.id,
            hit.basis.describe(),
            hit.package,
            hit.version
        );
        if let Some(published) = &hit.published {
            detail.push_str(&format!(", published {published}"));
        }
        if !hit.aliases.is_empty() {
            detail.push_str(&format!(" (also {})", hit.aliases.join(", ")));
        }
        if let Some(why) = &hit.low_confidence {
            detail.push_str(&format!("; lower confidence: {why}"));
        }
        detail.push_str(&format!("; {}", hit.link));
        let mut evidence = Evidence::new(detail);
        if !hit.path.is_empty() {
            evidence = evidence
                .at(Location::file("package.json"))
                .with_snippet(hit.path.join(" > "));
        }
        finding = finding.with_evidence(evidence);
    }
    Some(finding)
}

/// Whether an every-version match stands: `None` when it does, else why not.
pub fn every_version_doubt(
    basis: AdvisoryBasis,
    advisory_names_specific_versions: bool,
    published_versions: Option<usize>,
) -> Option<String> {
    if basis != AdvisoryBasis::EveryVersion {
        return None;
    }
    if advisory_names_specific_versions {
        return Some(
            "the advisory covers every version but also names specific ones; only those are \
             certain"
                .into(),
        );
    }
    match published_versions {
        Some(count) if count > 20 => Some(format!(
            "the advisory covers every version of a package with {count} published releases"
        )),
        _ => None,
    }
}
