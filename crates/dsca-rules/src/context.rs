use dsca_archive::{PackageContents, PackageFile};
use dsca_model::npm::{Manifest, Packument, SignatureCheck};
use dsca_model::{Behaviour, Finding};
use nodejs_semver::Version;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Where the package under analysis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Resolved through a registry.
    Registry,
    /// A local `.tgz`.
    Tarball,
    /// An unpacked directory (often a git checkout, where npm also runs `prepare`).
    Directory,
}

/// Everything the metadata rules may look at for one package version.
#[derive(Debug, Clone, Copy)]
pub struct ScanContext<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub origin: Origin,
    /// package.json as read from the tarball or directory.
    pub manifest: Option<&'a serde_json::Value>,
    /// The registry's packument; `None` for local tarballs and directories.
    pub packument: Option<&'a Packument>,
    pub contents: Option<&'a PackageContents>,
    pub signature: &'a SignatureCheck,
    /// Injected so that tests are deterministic.
    pub now: OffsetDateTime,
    /// What the known-malware advisories say of this version and its dependencies.
    pub advisories: &'a [dsca_model::advisory::AdvisoryHit],
    /// The advisories' network indicators, to search the package's files for.
    pub known_indicators: Option<&'a dyn dsca_model::advisory::KnownIndicators>,
}

/// What the metadata rules found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub behaviours: Vec<Behaviour>,
}

impl<'a> ScanContext<'a> {
    /// The manifest npm will act on: the tarball's package.json when we have it (npm runs
    /// the scripts of the unpacked package), else the registry's copy of this version.
    pub fn manifest(&self) -> Option<Manifest<'a>> {
        self.manifest
            .map(Manifest)
            .or_else(|| self.registry_manifest())
    }

    /// The packument's manifest of this version.
    pub fn registry_manifest(&self) -> Option<Manifest<'a>> {
        self.packument?.manifest(self.version)
    }

    /// The highest version below this one (by semver) that the packument lists.
    pub fn previous_version(&self) -> Option<(&'a str, Manifest<'a>)> {
        let packument = self.packument?;
        let current = Version::parse(self.version).ok()?;
        // Only the chosen version's manifest is read (each one is parsed on first use).
        let (_, raw) = packument
            .versions
            .keys()
            .filter_map(|raw| {
                let parsed = Version::parse(raw).ok()?;
                (parsed < current).then_some((parsed, raw.as_str()))
            })
            .max_by(|a, b| a.0.cmp(&b.0))?;
        Some((raw, Manifest(packument.versions.get(raw)?)))
    }

    /// When the packument says `version` was published.
    pub fn publish_time(&self, version: &str) -> Option<OffsetDateTime> {
        parse_time(self.packument?.publish_time(version)?)
    }

    /// When the package was first published: `time.created`, else its earliest version.
    pub fn first_published(&self) -> Option<OffsetDateTime> {
        let packument = self.packument?;
        packument
            .created_time()
            .and_then(parse_time)
            .or_else(|| self.version_times().into_iter().map(|(_, t)| t).min())
    }

    /// The package's first release: the earliest-published version, else the lowest one.
    pub fn first_release(&self) -> Option<&'a str> {
        let packument = self.packument?;
        if let Some((version, _)) = self.version_times().into_iter().min_by_key(|(_, t)| *t) {
            return Some(version);
        }
        packument
            .versions
            .keys()
            .filter_map(|raw| Some((Version::parse(raw).ok()?, raw.as_str())))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, raw)| raw)
    }

    /// Publish times of the versions the packument lists.
    fn version_times(&self) -> Vec<(&'a str, OffsetDateTime)> {
        let Some(packument) = self.packument else {
            return Vec::new();
        };
        packument
            .versions
            .keys()
            .filter_map(|v| Some((v.as_str(), parse_time(packument.publish_time(v)?)?)))
            .collect()
    }

    pub fn files(&self) -> &'a [PackageFile] {
        self.contents.map(|c| c.files.as_slice()).unwrap_or(&[])
    }

    pub fn has_file(&self, path: &str) -> bool {
        self.files().iter().any(|f| f.path == path)
    }
}

pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Whole days from `then` to `now` (negative when `then` is in the future).
pub(crate) fn days_between(then: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (now - then).whole_days()
}
