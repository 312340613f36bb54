//! Matches of a package (or of one of its dependencies) against the known-malware
//! advisories dsca keeps offline (OSV `MAL-` records). The pipeline looks them up; the
//! rules DSCA408 and DSCA202 turn them into findings.

use serde::{Deserialize, Serialize};

/// One advisory that names a package version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryHit {
    /// `MAL-2025-46969`.
    pub id: String,
    pub summary: String,
    pub published: Option<String>,
    pub link: String,
    /// GHSA and CVE ids of the same advisory.
    pub aliases: Vec<String>,
    /// The package the advisory names, and the version of it that matched.
    pub package: String,
    pub version: String,
    /// How the version matched.
    pub basis: AdvisoryBasis,
    /// Why the match is weaker than the advisory's word, when it is: the advisory says
    /// "every version" of a package with many releases, or names specific versions too.
    pub low_confidence: Option<String>,
    /// The dependency path from the scanned package to the named one
    /// (`["express-cookies", "getcookies@1.12.3"]`); empty for the package itself.
    pub path: Vec<String>,
    /// The registry no longer serves this version (npm removed it as malware).
    pub removed_from_registry: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryBasis {
    /// The version is listed by the advisory.
    ListedVersion,
    /// The version lies in a range with an end (or a start above 0).
    BoundedRange,
    /// The advisory covers every version of the package.
    EveryVersion,
}

impl AdvisoryBasis {
    pub fn describe(self) -> &'static str {
        match self {
            AdvisoryBasis::ListedVersion => "lists this version",
            AdvisoryBasis::BoundedRange => "covers this version in a range",
            AdvisoryBasis::EveryVersion => "covers every version of the package",
        }
    }
}

/// A network indicator (domain, IP or URL) of a malware advisory that something in or
/// done by the package matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownIndicator {
    /// The indicator as the advisory lists it (`sfrclak.com`).
    pub indicator: String,
    /// `MAL-2026-2307`.
    pub advisory: String,
    /// The packages the advisory covers (`axios`).
    pub packages: Vec<String>,
}

/// The indicators of the known-malware advisories, searched for in a package's files and
/// in what its sandboxed run contacted.
pub trait KnownIndicators: Send + Sync + std::fmt::Debug {
    /// The indicators `text` names, as (byte offset, indicator), each word-bounded
    /// (`sfrclak.com` is not found in `notsfrclak.com`).
    fn find_in(&self, text: &[u8]) -> Vec<(usize, KnownIndicator)>;
    /// The indicators a host name, an IP address or a URL seen at run time is, or is
    /// under (a subdomain of a listed domain).
    fn lookup(&self, value: &str) -> Vec<KnownIndicator>;
}

/// What the offline copy of the advisories holds: counts, where it came from and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseStatus {
    /// Advisories kept, withdrawn ones included.
    pub records: u64,
    /// Package names with at least one advisory that is not withdrawn.
    pub packages: u64,
    pub withdrawn: u64,
    /// Files, entries or lines of the source that were skipped.
    pub skipped: u64,
    /// The source as given (a URL without credentials).
    pub source: String,
    /// When the update finished, RFC 3339 UTC.
    pub updated_at: String,
}

/// What `dsca db status` and `dsca db update` say of the offline copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseInfo {
    /// The folder it lives in.
    pub path: String,
    #[serde(flatten)]
    pub status: DatabaseStatus,
    /// Whole days since the update; `None` when the clock or the stamp is off.
    pub age_days: Option<u64>,
}
