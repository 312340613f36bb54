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
