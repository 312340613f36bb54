//! Metadata rules, one file per rule. A new rule is a new file here plus its line in
//! the table of `codes.rs`.

use crate::{Analysis, ScanContext};
use dsca_model::npm::Manifest;
use dsca_model::{Evidence, Finding, Rule, Severity};

pub mod archive_absolute_path;
pub mod archive_duplicate_entry;
pub mod archive_link;
pub mod archive_path_traversal;
pub mod archive_special_entry;
pub mod bin_shadows_command;
pub mod dependency_confusion;
pub mod deprecated;
pub mod install_script;
pub mod install_script_added;
pub mod integrity_mismatch;
pub mod invalid_signature;
pub mod known_malicious;
pub mod maintainers_changed;
pub mod manifest_confusion;
pub mod native_executable;
pub mod new_package;
pub mod new_version;
pub mod no_integrity;
pub mod no_repository;
pub mod non_registry_dependency;
pub mod npm_security_placeholder;
pub mod private_key;
pub mod provenance_dropped;
pub mod publisher_changed;
pub mod risky_install_command;
pub mod typosquat;

pub(crate) type Check = fn(&ScanContext, &mut Analysis);

/// Scripts npm runs when a consumer installs the package.
pub(crate) const INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

/// The lifecycle scripts that run at install time for this origin, as (name, command).
/// `prepare` runs only when installing from a git checkout or a directory.
pub(crate) fn install_time_scripts<'a>(
    manifest: Manifest<'a>,
    ctx: &ScanContext,
) -> Vec<(&'a str, &'a str)> {
    manifest
        .scripts()
        .into_iter()
        .filter(|(name, _)| {
            INSTALL_SCRIPTS.contains(name)
                || (*name == "prepare" && ctx.origin == crate::Origin::Directory)
        })
        .collect()
}

/// How many evidence entries one finding lists before summarising the rest.
pub(crate) const MAX_EVIDENCE: usize = 20;

/// Keep at most [`MAX_EVIDENCE`] entries, adding an "and N more" line for the rest.
pub(crate) fn cap_evidence(mut evidence: Vec<Evidence>) -> Vec<Evidence> {
    if evidence.len() > MAX_EVIDENCE {
        let more = evidence.len() - MAX_EVIDENCE;
        evidence.truncate(MAX_EVIDENCE);
        evidence.push(Evidence::new(format!("and {more} more")));
    }
    evidence
}

/// A finding of `rule` at `severity` that lists `evidence`, at most [`MAX_EVIDENCE`]
/// entries of it (see [`cap_evidence`]).
pub(crate) fn finding_with_evidence(
    rule: &Rule,
    severity: Severity,
    message: String,
    evidence: Vec<Evidence>,
) -> Finding {
    cap_evidence(evidence).into_iter().fold(
        Finding::new(rule, message).with_severity(severity),
        Finding::with_evidence,
    )
}

/// Whether a path sits in a folder that usually holds tests, fixtures or examples.
pub(crate) fn is_test_path(path: &str) -> bool {
    path.split('/').rev().skip(1).any(|dir| {
        matches!(
            dir.to_ascii_lowercase().as_str(),
            "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "fixtures"
                | "fixture"
                | "testdata"
                | "example"
                | "examples"
        )
    })
}

/// One finding of an archive rule over every anomaly `describe` accepts, at the highest
/// severity any of them carries.
pub(crate) fn report_anomalies(
    ctx: &ScanContext,
    out: &mut Analysis,
    rule: &Rule,
    what: &str,
    describe: impl Fn(&dsca_archive::Anomaly) -> Option<(String, dsca_model::Severity)>,
) {
    let Some(contents) = ctx.contents else {
        return;
    };
    let mut severity = dsca_model::Severity::Info;
    let mut evidence = Vec::new();
    for anomaly in &contents.anomalies {
        if let Some((detail, weight)) = describe(anomaly) {
            severity = severity.max(weight);
            evidence.push(
                Evidence::new(detail)
                    .at(dsca_model::Location::file(anomaly.path.as_str()))
                    .with_snippet(anomaly.path.as_str()),
            );
        }
    }
    let Some(first) = evidence.first() else {
        return;
    };
    let message = if evidence.len() == 1 {
        first.detail.clone()
    } else {
        format!("the archive holds {} {what}", evidence.len())
    };
    let finding = dsca_model::Finding::new(rule, message).with_severity(severity);
    out.findings.push(
        cap_evidence(evidence)
            .into_iter()
            .fold(finding, dsca_model::Finding::with_evidence),
    );
}
