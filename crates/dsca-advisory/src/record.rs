//! One OSV record: parsing with limits, and OSV's range semantics for npm versions.

use crate::one_line;
use nodejs_semver::Version;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

/// A record larger than this is skipped unread: real advisories are a few KiB.
pub const MAX_RECORD_BYTES: usize = 4 << 20;
/// Listed versions plus range events in one record.
pub const MAX_VERSIONS: usize = 100_000;
/// npm's own limit on a package name.
pub const MAX_NAME_BYTES: usize = 214;
const MAX_VERSION_BYTES: usize = 256;
const MAX_ID_BYTES: usize = 128;
const MAX_SUMMARY_CHARS: usize = 500;
const MAX_TIMESTAMP_BYTES: usize = 64;
const MAX_IOC_BYTES: usize = 2048;

/// What dsca keeps of an OSV record: enough to match npm versions and to cite the advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    /// Empty when the record has none; on one line.
    pub summary: String,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Set for a withdrawn advisory: kept and counted, never matched.
    pub withdrawn: Option<String>,
    pub aliases: Vec<String>,
    /// The first ADVISORY reference, else the record's page on osv.dev.
    pub link: String,
    /// The npm packages of `affected[]`, one entry per name (entries of one name merged).
    pub packages: Vec<AffectedPackage>,
    /// Network indicators from the top-level `database_specific.iocs`.
    pub iocs: Iocs,
}

/// One npm package of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedPackage {
    pub name: String,
    /// Versions listed explicitly (`affected[].versions`).
    pub versions: Vec<String>,
    /// SEMVER and ECOSYSTEM ranges; GIT ranges mean nothing for npm versions and are dropped.
    pub ranges: Vec<Range>,
}

/// One OSV range: its events, in the record's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Range {
    pub events: Vec<Event>,
}

/// A range event. `Introduced("0")` is OSV's "since the first version".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    #[serde(rename = "i")]
    Introduced(String),
    #[serde(rename = "f")]
    Fixed(String),
    #[serde(rename = "l")]
    LastAffected(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) => v,
        }
    }
}

/// Indicators of compromise as the record states them (trimmed, not yet normalised).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Iocs {
    pub domains: Vec<String>,
    pub ips: Vec<String>,
    pub urls: Vec<String>,
}

/// How an advisory covers a version, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The version is in the advisory's `versions` list.
    ListedVersion,
    /// The version is inside a range with an end (`fixed`/`last_affected`) or a start
    /// above 0.
    BoundedRange,
    /// Only an unbounded `introduced: "0"` range covers it: "every version is malicious".
    EveryVersion,
}

/// Why a record is skipped. Each message is one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error("record is {size} bytes, over the {MAX_RECORD_BYTES}-byte limit")]
    TooLarge { size: usize },
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not an OSV record: {0}")]
    Invalid(String),
    #[error("skipped: other ecosystem ({0})")]
    OtherEcosystem(String),
    #[error("range version `{version}` of {package} is not semver")]
    BadRangeVersion { package: String, version: String },
    #[error("more than {MAX_VERSIONS} versions and range events")]
    TooManyVersions,
    #[error("skipped: a vulnerability, not a malicious-package advisory")]
    NotMalware,
}

#[derive(Deserialize)]
struct RawRecord {
    id: Option<String>,
    summary: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    withdrawn: Option<String>,
    aliases: Option<Vec<String>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawReference>>,
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    database_specific: Option<Value>,
    versions: Option<Vec<String>>,
    ranges: Option<Vec<RawRange>>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: Option<String>,
    events: Option<Vec<RawEvent>>,
}

/// `limit` events are ignored: they only bound GIT ranges in practice.
#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
}

/// Parses one OSV record, keeping its npm packages. Never panics; whatever it rejects
/// comes back as a one-line reason.
/// A record of the malicious-packages project (`MAL-`), one dsca exported
/// (`DSCA-MAL-`), or a GitHub malware advisory (CWE-506, "Embedded Malicious Code").
fn is_malware_advisory(
    id: &str,
    database_specific: &Option<Value>,
    affected: Option<&[RawAffected]>,
) -> bool {
    let cwe_506 = |specific: &Option<Value>| {
        specific
            .as_ref()
            .and_then(|s| s.get("cwe_ids").or_else(|| s.get("cwes")))
            .and_then(Value::as_array)
            .is_some_and(|cwes| {
                cwes.iter().any(|cwe| {
                    cwe.as_str()
                        .or_else(|| cwe.get("cweId").and_then(Value::as_str))
                        == Some("CWE-506")
                })
            })
    };
    id.starts_with("MAL-")
        || id.starts_with("DSCA-MAL-")
        || database_specific
            .as_ref()
            .is_some_and(|s| s.get("malicious-packages-origins").is_some())
        || cwe_506(database_specific)
        || affected
            .unwrap_or_default()
            .iter()
            .any(|entry| cwe_506(&entry.database_specific))
}

pub fn parse_record(bytes: &[u8]) -> Result<Record, RecordError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(RecordError::TooLarge { size: bytes.len() });
    }
    let raw: RawRecord = serde_json::from_slice(bytes).map_err(|err| {
        let message = one_line(&err.to_string(), 200);
        if err.is_syntax() || err.is_eof() {
            RecordError::NotJson(message)
        } else {
            RecordError::Invalid(message)
        }
    })?;
    let id = raw
        .id
        .ok_or_else(|| RecordError::Invalid("no `id`".into()))?;
    if !is_identifier(&id) {
        return Err(RecordError::Invalid(format!(
            "id `{}` is not an advisory id",
            one_line(&id, 60)
        )));
    }

    // OSV's per-ecosystem exports mix vulnerabilities (GHSA, CVE) with malware: only
    // the latter says a version must not be installed at all.
    if !is_malware_advisory(&id, &raw.database_specific, raw.affected.as_deref()) {
        return Err(RecordError::NotMalware);
    }
    let mut packages: Vec<AffectedPackage> = Vec::new();
    let mut other_ecosystems = BTreeSet::new();
    let mut counted = 0usize;
    for entry in raw.affected.unwrap_or_default() {
        let Some(package) = entry.package else {
            continue;
        };
        let ecosystem = package.ecosystem.unwrap_or_default();
        if ecosystem != "npm" {
            other_ecosystems.insert(one_line(&ecosystem, 40));
            continue;
        }
        let name = package.name.unwrap_or_default();
        if name.is_empty() || name.len() > MAX_NAME_BYTES || name.chars().any(char::is_control) {
            return Err(RecordError::Invalid(format!(
                "package name `{}` is not an npm name",
                one_line(&name, 60)
            )));
        }
        let versions = entry.versions.unwrap_or_default();
        counted = counted.saturating_add(versions.len());
        if let Some(bad) = versions.iter().find(|v| !is_version_text(v)) {
            return Err(RecordError::Invalid(format!(
                "listed version `{}` of {name} is not a version",
                one_line(bad, 60)
            )));
        }
        let mut ranges = Vec::new();
        for range in entry.ranges.unwrap_or_default() {
            if !matches!(range.kind.as_deref(), Some("SEMVER" | "ECOSYSTEM")) {
                continue;
            }
            let events = range_events(&name, range.events.unwrap_or_default())?;
            counted = counted.saturating_add(events.len());
            ranges.push(Range { events });
        }
        if counted > MAX_VERSIONS {
            return Err(RecordError::TooManyVersions);
        }
        // OSV allows several entries for one package; matching wants them together.
        match packages.iter_mut().find(|p| p.name == name) {
            Some(existing) => {
                existing.versions.extend(versions);
                existing.ranges.extend(ranges);
            }
            None => packages.push(AffectedPackage {
                name,
                versions,
                ranges,
            }),
        }
    }
    if packages.is_empty() {
        return Err(if other_ecosystems.is_empty() {
            RecordError::Invalid("no affected npm package".into())
        } else {
            RecordError::OtherEcosystem(other_ecosystems.into_iter().collect::<Vec<_>>().join(", "))
        });
    }

    let link = raw
        .references
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.kind.as_deref() == Some("ADVISORY"))
        .and_then(|r| r.url)
        .filter(|url| is_web_link(url))
        .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{id}"));
    let aliases = raw
        .aliases
        .unwrap_or_default()
        .into_iter()
        .filter(|alias| is_identifier(alias))
        .collect();
    let iocs = raw
        .database_specific
        .as_ref()
        .and_then(|specific| specific.get("iocs"))
        .map(|iocs| Iocs {
            domains: ioc_strings(iocs, "domains"),
            ips: ioc_strings(iocs, "ips"),
            urls: ioc_strings(iocs, "urls"),
        })
        .unwrap_or_default();
    Ok(Record {
        summary: one_line(
            raw.summary.as_deref().unwrap_or_default().trim(),
            MAX_SUMMARY_CHARS,
        ),
        published: raw.published.filter(|t| is_timestamp_text(t)),
        modified: raw.modified.filter(|t| is_timestamp_text(t)),
        withdrawn: raw.withdrawn.filter(|t| is_timestamp_text(t)),
        id,
        aliases,
        link,
        packages,
        iocs,
    })
}

/// Range events whose versions are all usable: a record with a range we cannot order is
/// skipped whole, since matching it partially could both miss and invent matches.
fn range_events(package: &str, raw: Vec<RawEvent>) -> Result<Vec<Event>, RecordError> {
    let mut events = Vec::with_capacity(raw.len());
    for event in raw {
        let event = match (event.introduced, event.fixed, event.last_affected) {
            (Some(v), _, _) => Event::Introduced(v),
            (None, Some(v), _) => Event::Fixed(v),
            (None, None, Some(v)) => Event::LastAffected(v),
            (None, None, None) => continue,
        };
        let zero = matches!(&event, Event::Introduced(v) if v == "0");
        if !zero && parse_version(event.version()).is_none() {
            return Err(RecordError::BadRangeVersion {
                package: one_line(package, 80),
                version: one_line(event.version(), 60),
            });
        }
        events.push(event);
    }
    Ok(events)
}

fn ioc_strings(iocs: &Value, key: &str) -> Vec<String> {
    iocs.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= MAX_IOC_BYTES && !s.chars().any(char::is_control))
        .map(str::to_string)
        .collect()
}

/// Advisory ids and aliases: `MAL-2025-1`, `GHSA-xxxx-…`, `CVE-…`, `DSCA-MAL-…`.
fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_BYTES
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn is_version_text(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_VERSION_BYTES
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_timestamp_text(text: &str) -> bool {
    text.len() <= MAX_TIMESTAMP_BYTES && !text.chars().any(char::is_control)
}

/// Only web links: the link ends up in reports, where `javascript:` would be an exploit.
fn is_web_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= MAX_IOC_BYTES
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A version as semver orders it. nodejs-semver reads `1.2.3 junk` as 1.2.3; a version
/// with whitespace is rejected first so that a garbled record does not match.
pub(crate) fn parse_version(text: &str) -> Option<Version> {
    if !is_version_text(text) {
        return None;
    }
    Version::parse(text).ok()
}

/// The comparable form of a version: no `v` prefix, no build metadata.
pub(crate) fn normalize_version(version: &Version) -> String {
    let mut out = format!("{}.{}.{}", version.major, version.minor, version.patch);
    for (i, ident) in version.pre_release.iter().enumerate() {
        out.push(if i == 0 { '-' } else { '.' });
        out.push_str(&ident.to_string());
    }
    out
}

/// One stretch of a range: from `start` (None = from the first version) to `end`
/// (None = no end; the flag says whether the end itself is included).
struct Interval {
    start: Option<Version>,
    end: Option<(Version, bool)>,
}

impl Interval {
    fn is_every_version(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }

    fn contains(&self, version: &Version) -> bool {
        self.start.as_ref().is_none_or(|start| version >= start)
            && self.end.as_ref().is_none_or(|(end, inclusive)| {
                if *inclusive {
                    version <= end
                } else {
                    version < end
                }
            })
    }
}

/// OSV's evaluation of one range: events sorted by version (stably, so equal versions
/// keep the record's order), each `introduced` opening a stretch that the next `fixed`
/// or `last_affected` closes. This is osv-scanner's state machine written as intervals.
fn intervals(events: &[Event]) -> Vec<Interval> {
    let mut sorted: Vec<(Option<Version>, &Event)> = events
        .iter()
        .filter_map(|event| match event {
            Event::Introduced(v) if v == "0" => Some((None, event)),
            _ => parse_version(event.version()).map(|v| (Some(v), event)),
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    let mut open: Option<Option<Version>> = None;
    for (version, event) in sorted {
        match event {
            Event::Introduced(_) => {
                if open.is_none() {
                    open = Some(version);
                }
            }
            Event::Fixed(_) | Event::LastAffected(_) => {
                if let (Some(start), Some(end)) = (open.take(), version) {
                    let inclusive = matches!(event, Event::LastAffected(_));
                    out.push(Interval {
                        start,
                        end: Some((end, inclusive)),
                    });
                }
            }
        }
    }
    if let Some(start) = open {
        out.push(Interval { start, end: None });
    }
    out
}

/// How `listed` versions and `ranges` cover `version`, if they do. `normalized` holds
/// the normalised forms of listed versions that differ from their text.
pub(crate) fn evaluate(
    listed: &[String],
    normalized: &[String],
    ranges: &[Range],
    version: &str,
) -> Option<Basis> {
    if listed.iter().any(|v| v == version) {
        return Some(Basis::ListedVersion);
    }
    let parsed = parse_version(version);
    if let Some(parsed) = &parsed {
        let wanted = normalize_version(parsed);
        if listed.iter().chain(normalized).any(|v| *v == wanted) {
            return Some(Basis::ListedVersion);
        }
    }
    let mut every_version = false;
    for interval in ranges.iter().flat_map(|range| intervals(&range.events)) {
        if interval.is_every_version() {
            every_version = true;
        } else if parsed.as_ref().is_some_and(|v| interval.contains(v)) {
            return Some(Basis::BoundedRange);
        }
    }
    every_version.then_some(Basis::EveryVersion)
}

/// Whether listed versions or ranges single out some versions, as opposed to only an
/// unbounded `introduced: "0"` range.
pub(crate) fn names_specific_versions(listed: &[String], ranges: &[Range]) -> bool {
    !listed.is_empty()
        || ranges
            .iter()
            .flat_map(|range| intervals(&range.events))
            .any(|interval| !interval.is_every_version())
}

/// The normalised forms of listed versions that differ from their text, computed once
/// at update time so that lookups compare strings only.
pub(crate) fn extra_normalized(listed: &[String]) -> Vec<String> {
    let mut extra: Vec<String> = listed
        .iter()
        .filter_map(|v| {
            parse_version(v)
                .map(|p| normalize_version(&p))
                .filter(|n| n != v)
        })
        .collect();
    extra.sort();
    extra.dedup();
    extra
}

impl AffectedPackage {
    /// How this package entry covers `version`, if it does.
    pub fn affects(&self, version: &str) -> Option<Basis> {
        evaluate(
            &self.versions,
            &extra_normalized(&self.versions),
            &self.ranges,
            version,
        )
    }

    /// See [`crate::Match::advisory_names_specific_versions`].
    pub fn names_specific_versions(&self) -> bool {
        names_specific_versions(&self.versions, &self.ranges)
    }
}
