use crate::finding::{Behaviour, Finding};
use crate::network::NetworkActivity;
use crate::rule::Severity;
use crate::verdict::{Verdict, VerdictLevel};
use serde::{Deserialize, Serialize};

/// Bumped whenever the JSON report changes incompatibly (see `schema/report.schema.json`).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The package a report is about. Fields the scan could not learn are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// The SRI integrity of the tarball that was analysed (`sha512-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// When the registry says this version was published (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where the analysed bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Resolved through a registry; `tarball` is the URL that was fetched.
    Registry { registry: String, tarball: String },
    /// A tarball on the local disk.
    Tarball { path: String },
    /// An unpacked package directory on the local disk.
    Directory { path: String },
    /// Nothing could be read (the scan failed before fetching).
    None,
    /// A packet capture (pcap or pcapng) on the local disk.
    Capture { path: String },
}

/// Something that kept the scan from completing, fully or in part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportError {
    /// A stable, machine-readable code, e.g. `not-found`, `integrity-mismatch`.
    pub code: String,
    pub message: String,
}

impl ReportError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ReportError {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Where a package sits in a project's dependency graph, for packages scanned from a
/// lockfile (`dsca audit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyInfo {
    /// The lockfile that was audited, as given.
    pub lockfile: String,
    /// Shortest paths from the project to this package, each a list of package names
    /// starting with the project's own name (a few, not every path).
    pub paths: Vec<Vec<String>>,
    /// The project depends on it itself (not only through another package).
    pub direct: bool,
    /// Installed only for development.
    pub dev: bool,
    /// Installed only as an optional dependency.
    pub optional: bool,
}

/// Everything dsca learned about one package. One document per package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// The spec as the user gave it (`lodash@^4`, `./x.tgz`, ...).
    pub spec: String,
    pub package: PackageInfo,
    pub source: Source,
    /// Absent when the scan failed before any analysis could run.
    pub verdict: Option<Verdict>,
    pub findings: Vec<Finding>,
    pub behaviours: Vec<Behaviour>,
    pub errors: Vec<ReportError>,
    /// Names, connections and hosts seen in a packet capture (`dsca pcap`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkActivity>,
    /// Present when the package was scanned as part of a lockfile audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<DependencyInfo>,
    /// What the package did when installed and imported inside the sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<crate::dynamic::DynamicAnalysis>,
}

impl Report {
    pub fn new(spec: impl Into<String>, package: PackageInfo, source: Source) -> Self {
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            spec: spec.into(),
            package,
            source,
            verdict: None,
            findings: Vec::new(),
            behaviours: Vec::new(),
            errors: Vec::new(),
            network: None,
            dependency: None,
            dynamic: None,
        }
    }

    /// A report for a spec that could not be scanned at all.
    pub fn failed(spec: impl Into<String>, name: impl Into<String>, error: ReportError) -> Self {
        let mut report = Report::new(
            spec,
            PackageInfo {
                name: name.into(),
                ..PackageInfo::default()
            },
            Source::None,
        );
        report.errors.push(error);
        report
    }

    /// Order findings (most severe first, then by rule id) and behaviours (by category,
    /// then id) so output is deterministic, and derive the verdict.
    ///
    /// A package that could not be fully analysed (any error: an unreadable or missing
    /// package.json, a tarball that could not be fetched or unpacked, a failed sandboxed
    /// run) is never `clean`: what was not read may hold what would have flagged it. Its
    /// verdict is `None` unless what was read already makes it suspicious or malicious.
    pub fn finalize(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.behaviours
            .sort_by(|a, b| a.category.cmp(&b.category).then_with(|| a.id.cmp(&b.id)));
        let verdict = Verdict::from_findings(&self.findings);
        self.verdict =
            (verdict.level != VerdictLevel::Clean || self.errors.is_empty()).then_some(verdict);
    }

    /// Some analysis ran but not all of it: there are errors, yet the package's source
    /// was read (a report of [`Report::failed`] has no source).
    pub fn is_incomplete(&self) -> bool {
        self.has_errors() && self.source != Source::None
    }

    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory_report() -> Report {
        Report::new(
            "./pkg",
            PackageInfo {
                name: "pkg".to_string(),
                ..PackageInfo::default()
            },
            Source::Directory {
                path: "./pkg".to_string(),
            },
        )
    }

    #[test]
    fn nothing_found_and_nothing_missed_is_clean() {
        let mut report = directory_report();
        report.finalize();
        assert_eq!(
            report.verdict.as_ref().map(|v| v.level),
            Some(VerdictLevel::Clean)
        );
        assert!(!report.is_incomplete());
    }

    #[test]
    fn an_incomplete_analysis_is_never_clean() {
        let mut report = directory_report();
        report.errors.push(ReportError::new(
            "manifest",
            "package.json cannot be read: EOF while parsing",
        ));
        report.finalize();
        assert_eq!(report.verdict, None);
        assert!(report.is_incomplete());
        let failed = Report::failed("x", "x", ReportError::new("not-found", "no such package"));
        assert!(!failed.is_incomplete());
    }
}
