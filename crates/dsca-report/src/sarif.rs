//! The SARIF 2.1.0 printer, for code-scanning dashboards.
//!
//! One run for all reports. Every rule id is a SARIF `ruleId`; every finding is a
//! result. Artifact URIs are `<name>@<version>/<file>` relative to the `PACKAGES` base,
//! so the same file name in two packages is still two artifacts. Package-level errors
//! become tool execution notifications. Nothing run-dependent (time, host, paths of the
//! machine) is written.

use dsca_model::{Category, Evidence, Finding, Location, Report, Rule, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The `$schema` written into every SARIF log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SARIF_VERSION: &str = "2.1.0";
const TOOL_NAME: &str = "dsca";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// The `uriBaseId` artifact URIs are relative to.
const URI_BASE_ID: &str = "PACKAGES";
/// Versioned so a change in how fingerprints are computed never reuses the old key.
const FINGERPRINT_KEY: &str = "dscaFinding/v1";

/// Write one SARIF log covering `reports`. `rules` become `tool.driver.rules` in the
/// given order; a finding whose rule is not among them gets a descriptor built from the
/// finding itself, so every result has a valid `ruleIndex`.
pub fn write_sarif(
    out: &mut dyn Write,
    reports: &[Report],
    rules: &[&Rule],
    tool_version: &str,
) -> io::Result<()> {
    let log = build_log(reports, rules, tool_version);
    crate::safe_json::to_writer(out, &log, true)?;
    out.write_all(b"\n")
}

fn build_log<'a>(reports: &'a [Report], rules: &[&'a Rule], tool_version: &'a str) -> Log<'a> {
    let mut descriptors = Vec::new();
    let mut index_of: HashMap<&'a str, usize> = HashMap::new();
    for rule in rules {
        index_of.entry(rule.id).or_insert_with(|| {
            descriptors.push(Descriptor::new(RuleText {
                id: rule.id,
                name: rule.name,
                category: rule.category,
                severity: rule.severity,
                title: rule.title,
                problem: rule.problem,
                next_steps: rule.next_steps,
            }));
            descriptors.len() - 1
        });
    }

    let mut results = Vec::new();
    for report in reports {
        for finding in &report.findings {
            let rule_index = *index_of.entry(finding.rule.as_str()).or_insert_with(|| {
                descriptors.push(Descriptor::new(RuleText::from(finding)));
                descriptors.len() - 1
            });
            results.push(SarifResult::new(report, finding, rule_index));
        }
    }

    let notifications: Vec<Notification> = reports
        .iter()
        .flat_map(|report| {
            report.errors.iter().map(move |error| Notification {
                level: "error",
                message: Message::new(format!("{}: {}", identity(report), error.message)),
                descriptor: DescriptorReference { id: &error.code },
                properties: PackageProperties::new(report),
            })
        })
        .collect();

    Log {
        schema: SARIF_SCHEMA_URI,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: tool_version,
                    information_uri: INFORMATION_URI,
                    rules: descriptors,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                URI_BASE_ID,
                BaseLocation {
                    description: Message::new(
                        "The directory under which every analysed package is laid out as \
                         <name>@<version>/, the package's own files below it."
                            .to_string(),
                    ),
                },
            )]),
            results,
        }],
    }
}

/// What a reporting descriptor is built from: a rule, or a finding of an unlisted rule.
struct RuleText<'a> {
    id: &'a str,
    name: &'a str,
    category: Category,
    severity: Severity,
    title: &'a str,
    problem: &'a str,
    next_steps: &'a str,
}

impl<'a> From<&'a Finding> for RuleText<'a> {
    fn from(finding: &'a Finding) -> Self {
        RuleText {
            id: &finding.rule,
            name: &finding.name,
            category: finding.category,
            severity: finding.severity,
            title: &finding.title,
            problem: &finding.problem,
            next_steps: &finding.next_steps,
        }
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning reads this (0.0-10.0, as a string) to rank security alerts.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "2.5",
        Severity::Info => "0.0",
    }
}

/// `name@version`, the name alone, or the spec when not even the name is known.
fn identity(report: &Report) -> String {
    let package = &report.package;
    match (&package.version, package.name.is_empty()) {
        (_, true) => report.spec.clone(),
        (Some(version), false) => format!("{}@{version}", package.name),
        (None, false) => package.name.clone(),
    }
}

/// A relative URI reference for `file` inside the package: the identity, then the
/// file's path, each percent-encoded except `/`. Package file names are arbitrary bytes
/// from an archive (spaces, `#`, `%`, `:`), and SARIF requires a valid URI.
fn artifact_uri(report: &Report, file: &str) -> String {
    let mut uri = String::new();
    percent_encode_path(&mut uri, &identity(report));
    let file = file.trim_start_matches('/');
    if !file.is_empty() {
        uri.push('/');
        percent_encode_path(&mut uri, file);
    }
    uri
}

/// Where a finding without a file points: a package's manifest, or a capture itself.
fn default_artifact(report: &Report) -> &'static str {
    match report.source {
        dsca_model::Source::Capture { .. } => "",
        _ => "package.json",
    }
}

fn percent_encode_path(out: &mut String, text: &str) {
    for byte in text.bytes() {
        // Unreserved characters, `/`, `@` and the sub-delimiters except `:` (which would
        // read as a scheme in a first segment) stay as they are.
        if byte.is_ascii_alphanumeric() || b"-._~/@!$&'()*+,;=".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Stable across runs and tool versions: the rule, the package, its version and where
/// the first piece of evidence points.
fn fingerprint(report: &Report, finding: &Finding) -> String {
    let mut hasher = Sha256::new();
    let location = primary_location(finding);
    let line = location.and_then(|l| l.line).map(|l| l.to_string());
    for part in [
        finding.rule.as_str(),
        report.package.name.as_str(),
        report.package.version.as_deref().unwrap_or_default(),
        location.map(|l| l.file.as_str()).unwrap_or_default(),
        line.as_deref().unwrap_or_default(),
    ] {
        hasher.update(part.as_bytes());
        // A separator that cannot occur in the parts keeps ("ab","c") apart from ("a","bc").
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn primary_location(finding: &Finding) -> Option<&Location> {
    finding.evidence.iter().find_map(|e| e.location.as_ref())
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

impl<'a> Descriptor<'a> {
    fn new(rule: RuleText<'a>) -> Self {
        Descriptor {
            id: rule.id,
            name: rule.name,
            short_description: Message::new(rule.title.to_string()),
            full_description: Message::new(rule.problem.to_string()),
            help: Help {
                text: format!("{}\n\nNext steps: {}", rule.problem, rule.next_steps),
                markdown: format!("{}\n\n**Next steps:** {}", rule.problem, rule.next_steps),
            },
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: DescriptorProperties {
                category: rule.category.as_str(),
                security_severity: security_severity(rule.severity),
                tags: ["security", rule.category.as_str()],
            },
        }
    }
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: String) -> Self {
        Message { text }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    category: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 2],
}

#[derive(Serialize)]
struct BaseLocation {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Message,
    /// The report error's stable code.
    descriptor: DescriptorReference<'a>,
    properties: PackageProperties<'a>,
}

#[derive(Serialize)]
struct DescriptorReference<'a> {
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: PackageProperties<'a>,
}

impl<'a> SarifResult<'a> {
    fn new(report: &'a Report, finding: &'a Finding, rule_index: usize) -> Self {
        let mut located = finding.evidence.iter().filter(|e| e.location.is_some());
        // The first located piece of evidence is where the result is; the others are
        // related. A finding about the package as a whole points at its manifest.
        let primary = match located.next() {
            Some(evidence) => SarifLocation::from_evidence(report, evidence, None),
            None => SarifLocation::manifest(report),
        };
        let related_locations = located
            .enumerate()
            .map(|(i, evidence)| SarifLocation::from_evidence(report, evidence, Some(i + 1)))
            .collect();
        SarifResult {
            rule_id: &finding.rule,
            rule_index,
            level: level(finding.severity),
            message: Message::new(format!("{}: {}", identity(report), finding.message)),
            locations: [primary],
            related_locations,
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(report, finding))]),
            properties: PackageProperties::new(report),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    logical_locations: [LogicalLocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

impl SarifLocation {
    /// A location for located `evidence`, described by its detail; `id` is set for
    /// related locations only.
    fn from_evidence(report: &Report, evidence: &Evidence, id: Option<usize>) -> Self {
        let location = evidence.location.as_ref();
        let file = location
            .map(|l| l.file.as_str())
            .unwrap_or(default_artifact(report));
        let region = location.and_then(|l| l.line).map(|line| Region {
            start_line: line,
            start_column: location.and_then(|l| l.column),
            snippet: evidence.snippet.as_ref().map(|s| Message::new(s.clone())),
        });
        SarifLocation {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(report, file),
                    uri_base_id: URI_BASE_ID,
                },
                region,
            },
            logical_locations: [LogicalLocation::package(report)],
            message: Some(Message::new(evidence.detail.clone())),
        }
    }

    fn manifest(report: &Report) -> Self {
        SarifLocation {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(report, default_artifact(report)),
                    uri_base_id: URI_BASE_ID,
                },
                region: None,
            },
            logical_locations: [LogicalLocation::package(report)],
            message: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

impl LogicalLocation {
    fn package(report: &Report) -> Self {
        let name = if report.package.name.is_empty() {
            report.spec.clone()
        } else {
            report.package.name.clone()
        };
        LogicalLocation {
            name,
            fully_qualified_name: identity(report),
            kind: "package",
        }
    }
}

/// Which package a result or notification is about, for filtering in a dashboard.
#[derive(Serialize)]
struct PackageProperties<'a> {
    package: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    spec: &'a str,
    /// The package's verdict level; absent when the scan failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'static str>,
}

impl<'a> PackageProperties<'a> {
    fn new(report: &'a Report) -> Self {
        PackageProperties {
            package: &report.package.name,
            version: report.package.version.as_deref(),
            purl: report.package.purl.as_deref(),
            spec: &report.spec,
            verdict: report.verdict.as_ref().map(|v| v.level.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsca_model::{PackageInfo, Source};

    fn report(name: &str, version: Option<&str>) -> Report {
        Report::new(
            name,
            PackageInfo {
                name: name.to_string(),
                version: version.map(str::to_string),
                ..PackageInfo::default()
            },
            Source::None,
        )
    }

    #[test]
    fn artifact_uris_are_encoded_and_prefixed_by_identity() {
        let r = report("@scope/pkg", Some("1.0.0"));
        assert_eq!(
            artifact_uri(&r, "lib/a b#c%.js"),
            "@scope/pkg@1.0.0/lib/a%20b%23c%25.js"
        );
        assert_eq!(artifact_uri(&r, "/x:y.js"), "@scope/pkg@1.0.0/x%3Ay.js");
        assert_eq!(artifact_uri(&report("p", None), "é"), "p/%C3%A9");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }
}
