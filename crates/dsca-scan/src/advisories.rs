//! The known-malware lookups of a scan: the package's own version, the versions its
//! dependencies resolve to (direct ones from the database alone; the whole tree through
//! the registry with `--deps`), and versions the registry no longer serves.

use dsca_advisory::{Basis, Database, Match};
use dsca_model::advisory::{AdvisoryBasis, AdvisoryHit};
use dsca_model::npm::{Manifest, Packument};
use dsca_registry::Client;
use dsca_rules::metadata::known_malicious::every_version_doubt;
use nodejs_semver::{Range, Version};
use std::collections::{HashSet, VecDeque};

/// Packages of a dependency tree followed at most, so a huge tree cannot stall a scan.
const MAX_TREE_PACKAGES: usize = 2_000;

/// The dependency fields npm installs for a consumer.
const INSTALLED: [&str; 2] = ["dependencies", "optionalDependencies"];

pub(crate) struct Lookup<'a> {
    pub db: &'a Database,
    pub client: &'a Client,
    /// Follow the whole resolved tree through the registry, not only direct dependencies.
    pub tree: bool,
}

impl Lookup<'_> {
    /// Hits among the dependencies of `manifest` (the package `root`).
    pub fn dependencies(&self, root: &str, manifest: Manifest) -> Vec<AdvisoryHit> {
        let mut hits = Vec::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut queue: VecDeque<(Vec<String>, String, String)> = direct(manifest)
            .into_iter()
            .map(|(name, range)| (vec![root.to_string()], name, range))
            .collect();
        while let Some((path, name, range)) = queue.pop_front() {
            if seen.len() >= MAX_TREE_PACKAGES {
                break;
            }
            if self.tree {
                // The version npm would install, and its own dependencies next.
                let Some((version, packument)) = self.resolve(&name, &range) else {
                    continue;
                };
                if !seen.insert((name.clone(), version.clone())) {
                    continue;
                }
                let here = extend(&path, &name, &version);
                hits.extend(version_hits(
                    self.db,
                    &name,
                    &version,
                    Some(packument.versions.len()),
                    &here,
                ));
                if let Some(manifest) = packument.manifest(&version) {
                    for (dependency, range) in direct(manifest) {
                        queue.push_back((here.clone(), dependency, range));
                    }
                }
            } else if self.db.has_package(&name) {
                for version in candidates(self.db, &name, &range) {
                    if !seen.insert((name.clone(), version.clone())) {
                        continue;
                    }
                    let here = extend(&path, &name, &version);
                    hits.extend(version_hits(self.db, &name, &version, None, &here));
                }
            }
        }
        hits
    }

    fn resolve(&self, name: &str, range: &str) -> Option<(String, Packument)> {
        let packument = self.client.packument(name).ok()?;
        let version = self.client.resolve(&packument, Some(range)).ok()?;
        Some((version, packument))
    }
}

/// What the advisories (withdrawn ones left out by the database) say of
/// `name@version`, reached through `path` (empty for the scanned package itself);
/// `published_versions` is how many releases the registry lists, for weighing an
/// every-version advisory.
pub(crate) fn version_hits(
    db: &Database,
    name: &str,
    version: &str,
    published_versions: Option<usize>,
    path: &[String],
) -> Vec<AdvisoryHit> {
    db.lookup(name, version)
        .unwrap_or_default()
        .into_iter()
        .map(|m| hit(m, name, version, published_versions, path.to_vec()))
        .collect()
}

fn hit(
    m: Match,
    name: &str,
    version: &str,
    published_versions: Option<usize>,
    path: Vec<String>,
) -> AdvisoryHit {
    let basis = match m.basis {
        Basis::ListedVersion => AdvisoryBasis::ListedVersion,
        Basis::BoundedRange => AdvisoryBasis::BoundedRange,
        Basis::EveryVersion => AdvisoryBasis::EveryVersion,
    };
    AdvisoryHit {
        low_confidence: every_version_doubt(
            basis,
            m.advisory_names_specific_versions,
            published_versions,
        ),
        id: m.id,
        summary: m.summary,
        published: m.published,
        link: m.link,
        aliases: m.aliases,
        package: name.to_string(),
        version: version.to_string(),
        basis,
        path,
        removed_from_registry: false,
    }
}

fn extend(path: &[String], name: &str, version: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(format!("{name}@{version}"));
    path
}

/// `(name, range)` of the dependencies npm installs with the package; aliases
/// (`npm:real@^1`) are followed to the real name.
fn direct(manifest: Manifest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in INSTALLED {
        for (name, spec) in manifest.dependencies(field) {
            match spec.strip_prefix("npm:").and_then(split_alias) {
                Some((real, range)) => out.push((real.to_string(), range.to_string())),
                None => out.push((name.to_string(), spec.to_string())),
            }
        }
    }
    out
}

/// `real@^1` → (`real`, `^1`); `@scope/real@1` keeps its scope.
fn split_alias(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

/// The versions of `name` a `range` may install that the database can judge: the
/// versions advisories list, and the lowest version of the range (for advisories that
/// cover every version or a span).
fn candidates(db: &Database, name: &str, range: &str) -> Vec<String> {
    let Ok(parsed) = Range::parse(range.trim()) else {
        // A dist-tag or something npm alone understands: only every-version advisories
        // can speak, through any version.
        return vec!["0.0.0".to_string()];
    };
    let mut out: Vec<String> = db
        .known_versions(name)
        .unwrap_or_default()
        .into_iter()
        .filter(|v| Version::parse(v).is_ok_and(|v| parsed.satisfies(&v)))
        .collect();
    if let Some(lowest) = parsed.min_version() {
        out.push(lowest.to_string());
    }
    out.sort();
    out.dedup();
    out
}
