//! DSCA408 and DSCA202: what the known-malware advisories say of a version and of the
//! dependencies it installs, as the pipeline hands it to the rules.

use crate::common::Fixture;
use dsca_model::advisory::{AdvisoryBasis, AdvisoryHit};
use dsca_model::{Severity, Verdict, VerdictLevel};
use dsca_rules::metadata::known_malicious::every_version_doubt;
use serde_json::json;

fn hit(package: &str, version: &str, basis: AdvisoryBasis, path: &[&str]) -> AdvisoryHit {
    AdvisoryHit {
        id: "MAL-2025-46969".into(),
        summary: format!("Malicious code in {package} (npm)"),
        published: Some("2025-09-08T18:24:19Z".into()),
        link: "https://osv.dev/vulnerability/MAL-2025-46969".into(),
        aliases: vec!["GHSA-2v46-p5h4-248w".into()],
        package: package.into(),
        version: version.into(),
        basis,
        low_confidence: None,
        path: path.iter().map(|p| p.to_string()).collect(),
        removed_from_registry: false,
    }
}

fn level(fixture: &Fixture) -> VerdictLevel {
    Verdict::from_findings(&fixture.analyse().findings).level
}

#[test]
fn a_listed_version_is_critical_and_names_the_advisory() {
    let fixture = Fixture::tarball(json!({"name": "chalk", "version": "5.6.1"})).advisory(hit(
        "chalk",
        "5.6.1",
        AdvisoryBasis::ListedVersion,
        &[],
    ));
    let findings = fixture.findings("DSCA408");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert!(
        findings[0].message.contains("MAL-2025-46969"),
        "{}",
        findings[0].message
    );
    let detail = &findings[0].evidence[0].detail;
    assert!(
        detail.contains("GHSA-2v46-p5h4-248w") && detail.contains("2025-09-08"),
        "{detail}"
    );
    assert_eq!(level(&fixture), VerdictLevel::Malicious);
}

#[test]
fn a_dependency_match_names_the_path() {
    let fixture = Fixture::tarball(json!({"name": "express-cookies", "version": "1.4.7",
        "dependencies": {"getcookies": "1.12.3"}}))
    .advisory(hit(
        "getcookies",
        "1.12.3",
        AdvisoryBasis::EveryVersion,
        &["express-cookies@1.4.7", "getcookies@1.12.3"],
    ));
    let findings = fixture.findings("DSCA202");
    assert_eq!(findings[0].severity, Severity::Critical);
    assert!(
        findings[0]
            .message
            .contains("express-cookies@1.4.7 > getcookies@1.12.3"),
        "{}",
        findings[0].message
    );
    assert!(fixture.findings("DSCA408").is_empty());
}

#[test]
fn an_every_version_advisory_of_a_busy_package_is_of_lower_confidence() {
    // @ctrl/tinycolor: one range is 4.1.1 to 4.1.2, another covers every version.
    let doubt = every_version_doubt(AdvisoryBasis::EveryVersion, true, Some(60));
    assert!(doubt.is_some());
    let mut weak = hit("@ctrl/tinycolor", "4.1.0", AdvisoryBasis::EveryVersion, &[]);
    weak.low_confidence = doubt;
    let fixture =
        Fixture::tarball(json!({"name": "@ctrl/tinycolor", "version": "4.1.0"})).advisory(weak);
    let findings = fixture.findings("DSCA408");
    assert_eq!(findings[0].severity, Severity::Medium);
    assert!(findings[0].evidence[0].detail.contains("lower confidence"));
    assert_ne!(level(&fixture), VerdictLevel::Malicious);
    // A package made to attack (getcookies, few releases) stays certain.
    assert_eq!(
        every_version_doubt(AdvisoryBasis::EveryVersion, false, Some(4)),
        None
    );
    assert_eq!(
        every_version_doubt(AdvisoryBasis::ListedVersion, true, Some(900)),
        None
    );
}

#[test]
fn no_advisory_no_finding() {
    let fixture = Fixture::tarball(json!({"name": "chalk", "version": "5.6.0"}));
    assert!(fixture.findings("DSCA408").is_empty());
    assert!(fixture.findings("DSCA202").is_empty());
}
