//! `dsca audit`: every package a lockfile installs, through the same pipeline as
//! `dsca scan` (`Scanner::scan_many` over `name@version` specs), each report annotated
//! with where the package sits in the project and checked against what the lockfile
//! pins (integrity, resolved URL).

use crate::cli::AuditArgs;
use crate::output;
use crate::policy::Policy;
use crate::scan::exit_status;
use anyhow::{Context as _, bail};
use dsca_lockfile::{Limits, Lockfile, LockfileKind, Package, PackageSource};
use dsca_model::{DependencyInfo, Report, Severity, Source};
use dsca_registry::RegistryConfig;
use dsca_report::TextOptions;
use dsca_rules::lockfile::{self as lockfile_rules, PinnedEntry};
use std::path::{Path, PathBuf};

pub fn run(args: AuditArgs) -> anyhow::Result<u8> {
    let lockfile_path = locate_lockfile(args.path.as_deref())?;
    let limits = Limits::default();
    let lock = dsca_lockfile::read(&lockfile_path, &limits).map_err(anyhow::Error::msg)?;
    let base = match &args.diff {
        Some(base) => Some(dsca_lockfile::read(base, &limits).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let project_dir = match lockfile_path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::env::current_dir().context("cannot read the current directory")?,
    };
    let policy = Policy::load(args.config.as_deref(), &project_dir)?;

    let mut scanner = crate::scan::build_scanner(&args.registry, &project_dir)?;
    scanner.analyse_files_serially();
    if let Some(which) = args.dynamic {
        dsca_sandbox::preflight().map_err(|err| anyhow::anyhow!("--dynamic: {err}"))?;
        let options = dsca_sandbox::SandboxOptions {
            install_timeout: std::time::Duration::from_secs(args.install_timeout.max(1)),
            profile: args.sandbox_profile.into(),
            ..dsca_sandbox::SandboxOptions::default()
        };
        let scope = match which {
            crate::cli::AuditDynamic::Scripts => dsca_scan::DynamicScope::InstallScripts,
            crate::cli::AuditDynamic::All => dsca_scan::DynamicScope::All,
        };
        scanner.set_dynamic(options, scope);
    }
    let packages: Vec<&Package> = lock
        .packages
        .iter()
        .filter(|p| p.source != PackageSource::Local)
        .filter(|p| base.as_ref().is_none_or(|base| changed_since(base, p)))
        .filter(|p| !policy.is_ignored_package(&p.name, &p.version))
        .collect();
    let lockfile_label = lockfile_path.display().to_string();
    let mut reports = scan_packages(
        &scanner,
        &policy,
        &packages,
        &lockfile_label,
        args.registry.jobs(),
    );
    crate::prevalence::annotate(&args.prevalence, &mut reports)?;
    let fail_on = args.fail_on.map(Severity::from).or(policy.fail_on);
    let view = View {
        format: args.format,
        output: args.output.as_deref(),
        color: args.color,
        verbose: args.verbose,
        label: &lockfile_label,
        kind: lock.kind,
    };
    write_reports(&view, &reports)?;
    crate::scan::report_errors(&reports);
    Ok(exit_status(&reports, fail_on))
}

/// Scan `packages` (registry ones through the pipeline, git and URL ones reported as
/// such), check each against what the lockfile pins, annotate where it sits, apply the
/// policy. The reports come back finalized and sorted by spec.
pub fn scan_packages(
    scanner: &dsca_scan::Scanner,
    policy: &Policy,
    packages: &[&Package],
    lockfile_label: &str,
    jobs: usize,
) -> Vec<Report> {
    let config = scanner.client().config().clone();
    let (registry, remote): (Vec<&Package>, Vec<&Package>) = packages
        .iter()
        .copied()
        .partition(|p| p.source == PackageSource::Registry);
    let specs: Vec<String> = registry.iter().map(|p| p.spec()).collect();
    let scanned = scanner.scan_many(&specs, jobs);

    let mut reports: Vec<Report> = Vec::with_capacity(scanned.len() + remote.len());
    for (package, mut report) in registry.iter().zip(scanned) {
        check_integrity(package, &mut report);
        check_resolved(package, &config, &mut report);
        annotate(&mut report, package, lockfile_label);
        reports.push(report);
    }
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
            .push(lockfile_rules::not_from_a_registry(&pinned(package)));
        annotate(&mut report, package, lockfile_label);
        reports.push(report);
    }
    for report in &mut reports {
        policy.apply(report);
        report.finalize();
    }
    reports.sort_by(|a, b| a.spec.cmp(&b.spec));
    reports
}

/// How a set of lockfile reports is shown.
pub struct View<'a> {
    pub format: dsca_report::Format,
    pub output: Option<&'a Path>,
    pub color: crate::cli::ColorChoice,
    pub verbose: bool,
    /// What was audited: a lockfile path, or what npm would install.
    pub label: &'a str,
    pub kind: LockfileKind,
}

/// Render the reports in the view's format to its output (a reader that went away is
/// not an error).
pub fn write_reports(view: &View<'_>, reports: &[Report]) -> anyhow::Result<()> {
    let color = output::use_color(view.color, view.output.is_some());
    let rules = dsca_rules::catalogue();
    let text_options = TextOptions {
        color,
        verbose: view.verbose,
    };
    let kind = view.kind.to_string();
    let options = dsca_report::WriteOptions {
        text: text_options,
        audit: Some(dsca_report::Audit {
            label: view.label,
            kind: &kind,
        }),
    };
    let delivered = output::deliver(view.output, |out| {
        dsca_report::write(out, view.format, reports, &rules, &options)
    });
    match delivered {
        Err(err) if !output::is_broken_pipe(&err) => Err(err),
        _ => Ok(()),
    }
}

/// A lockfile given directly, or the one in a directory (default: the current one).
fn locate_lockfile(path: Option<&Path>) -> anyhow::Result<PathBuf> {
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

/// For `--diff`: a package the base lockfile lacks, or pins differently.
pub fn changed_since(base: &Lockfile, package: &Package) -> bool {
    match base.get(&package.name, &package.version) {
        None => true,
        Some(old) => old.integrity != package.integrity || old.resolved != package.resolved,
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
    report.findings.extend(lockfile_rules::integrity_mismatch(
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
        .extend(lockfile_rules::untrusted_source(&pinned(package), &trusted));
}
