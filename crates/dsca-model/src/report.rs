use crate::finding::{Behaviour, Finding};
use crate::network::NetworkActivity;
use crate::rule::Severity;
use crate::verdict::Verdict;
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
    pub fn finalize(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.behaviours
            .sort_by(|a, b| a.category.cmp(&b.category).then_with(|| a.id.cmp(&b.id)));
        self.verdict = Some(Verdict::from_findings(&self.findings));
    }

    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}
