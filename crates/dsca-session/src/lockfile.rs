//! Lockfile audits (`dsca audit`, `dsca npm`): every package a lockfile installs goes
//! through the session's pipeline, is checked against what the lockfile pins (the
//! lockfile rules of `dsca_rules::lockfile`) and annotated with where it sits in the
//! project, before its report is finalised.

use crate::Session;
use anyhow::bail;
use dsca_lockfile::{Limits, Lockfile, Package, PackageSource};
use dsca_model::{DependencyInfo, Report, Source};
use dsca_registry::RegistryConfig;
use dsca_rules::lockfile::{self as lockfile_rules, PinnedEntry};
use std::path::{Path, PathBuf};

/// A lockfile given directly, or the one in a directory (default: the current one).
pub fn locate(path: Option<&Path>) -> anyhow::Result<PathBuf> {
    // Relative stays relative, so reports name `./package-lock.json`, not a temp path.
    let path = path.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if path.is_dir() {
        return match dsca_lockfile::find_in_dir(&path) {
            Some(found) => Ok(found),
            None => bail!(
                "{}: no lockfile here (looked for {})",
                path.display(),
                dsca_lockfile::LOCKFILE_NAMES.join(", ")
            ),
        };
    }
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    Ok(path)
}

/// Read a lockfile within dsca's limits.
pub fn read(path: &Path) -> anyhow::Result<Lockfile> {
    dsca_lockfile::read(path, &Limits::default()).map_err(anyhow::Error::msg)
}

/// For `--diff`: a package the base lockfile lacks, or pins differently.
pub fn changed_since(base: &Lockfile, package: &Package) -> bool {
    match base.get(&package.name, &package.version) {
        None => true,
        Some(old) => old.integrity != package.integrity || old.resolved != package.resolved,
    }
}

impl Session {
    /// The packages of `lock` an audit scans: what `keep` keeps, except the project's own
    /// (local) packages and those the policy ignores.
    pub fn packages_to_audit<'a>(
        &self,
        lock: &'a Lockfile,
        keep: impl Fn(&Package) -> bool,
    ) -> Vec<&'a Package> {
        lock.packages
            .iter()
            .filter(|p| p.source != PackageSource::Local)
            .filter(|p| keep(p))
            .filter(|p| !self.policy().is_ignored_package(&p.name, &p.version))
            .collect()
    }

    /// Scan `packages` (registry ones through the pipeline; git and URL ones are reported
    /// as such), check each against what the lockfile (`label`) pins, annotate where it
    /// sits, apply the policy, finalise. Sorted by spec.
    pub fn audit(&self, packages: &[&Package], label: &str) -> anyhow::Result<Vec<Report>> {
        let config = self.scanner().client().config().clone();
        let (registry, remote): (Vec<&Package>, Vec<&Package>) = packages
            .iter()
            .copied()
            .partition(|p| p.source == PackageSource::Registry);
        let specs: Vec<String> = registry.iter().map(|p| p.spec()).collect();
        let mut reports = self
            .scanner()
            .scan_many(&specs, self.jobs(), &|index, report| {
                let package = registry[index];
                check_integrity(package, report);
                check_resolved(package, &config, report);
                annotate(report, package, label);
                self.policy().apply(report);
            });
        for package in remote {
            // The pipeline reads registries; a git or URL dependency is reported, not scanned.
            let mut report = Report::new(
                package.spec(),
                dsca_model::PackageInfo {
                    name: package.name.clone(),
                    version: Some(package.version.clone()).filter(|v| !v.is_empty()),
                    integrity: package.integrity.clone(),
                    ..Default::default()
                },
                Source::None,
            );
            report
                .findings
                .push(lockfile_rules::untrusted_source::not_from_a_registry(
                    &pinned(package),
                ));
            annotate(&mut report, package, label);
            self.policy().apply(&mut report);
            report.finalize();
            reports.push(report);
        }
        reports.sort_by(|a, b| a.spec.cmp(&b.spec));
        self.annotate_prevalence(&mut reports)?;
        Ok(reports)
    }
}

fn annotate(report: &mut Report, package: &Package, lockfile: &str) {
    report.dependency = Some(DependencyInfo {
        lockfile: lockfile.to_string(),
        paths: package.paths.clone(),
        direct: package.direct,
        dev: package.dev,
        optional: package.optional,
    });
}

/// What the lockfile pins for `package`, for the lockfile rules.
fn pinned(package: &Package) -> PinnedEntry<'_> {
    PinnedEntry {
        name: &package.name,
        version: &package.version,
        integrity: package.integrity.as_deref(),
        resolved: package.resolved.as_deref(),
    }
}

/// DSCA951, for a package the registry served (see `dsca_rules::lockfile`).
fn check_integrity(package: &Package, report: &mut Report) {
    if report.has_errors() || !matches!(report.source, Source::Registry { .. }) {
        return;
    }
    let Some(served) = report.package.integrity.clone() else {
        return;
    };
    report
        .findings
        .extend(lockfile_rules::integrity_mismatch::finding(
            &pinned(package),
            &served,
        ));
}

/// DSCA952 when the resolved URL is on none of the configured registries (the one the
/// package came from included).
fn check_resolved(package: &Package, config: &RegistryConfig, report: &mut Report) {
    let mut trusted: Vec<String> = [
        config.registry_for(&package.name),
        config.default_registry(),
    ]
    .iter()
    .filter_map(|url| lockfile_rules::origin(url.as_str()))
    .collect();
    if let Source::Registry { tarball, .. } = &report.source {
        trusted.extend(lockfile_rules::origin(tarball));
    }
    report
        .findings
        .extend(lockfile_rules::untrusted_source::finding(
            &pinned(package),
            &trusted,
        ));
}
