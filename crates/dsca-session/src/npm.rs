//! The install guard's side of npm (`dsca npm install|ci`): which command it guards,
//! the lockfile npm's own resolution writes in a temporary copy of the project, the real
//! install, and which install scripts may run afterwards.

use crate::notices::Notices;
use crate::policy::Policy;
use anyhow::{Context as _, bail};
use dsca_lockfile::{Lockfile, Package, PackageSource};
use dsca_model::{Report, Severity};
use dsca_report::sanitize_for_terminal;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// npm's spellings of `install` (its aliases and the typos it accepts).
const INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];
/// npm's spellings of `ci`.
const CLEAN_INSTALL: &[&str] = &[
    "ci",
    "clean-install",
    "ic",
    "install-clean",
    "isntall-clean",
];
/// The npm lockfiles, in npm's order of preference.
const NPM_LOCKFILES: [&str; 2] = ["npm-shrinkwrap.json", "package-lock.json"];
/// What a resolution copies of the project (the rest is not read by npm to resolve).
const PROJECT_FILES: [&str; 4] = [
    "package.json",
    "npm-shrinkwrap.json",
    "package-lock.json",
    ".npmrc",
];
/// Lines of npm's standard error shown when it fails.
const NPM_TAIL_LINES: usize = 12;

/// What the guarded command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `npm install ARGS`: what npm's resolution picks.
    Install,
    /// `npm ci`: the project's lockfile.
    CleanInstall,
}

impl Mode {
    pub fn npm_command(self) -> &'static str {
        match self {
            Mode::Install => "install",
            Mode::CleanInstall => "ci",
        }
    }
}

/// `install ARGS...` or `ci ARGS...`: the mode and npm's own arguments.
pub fn parse_command(words: &[String]) -> anyhow::Result<(Mode, &[String])> {
    let Some((command, rest)) = words.split_first() else {
        bail!("give npm's command: dsca npm install [ARGS...] or dsca npm ci");
    };
    let mode = if INSTALL.contains(&command.as_str()) {
        Mode::Install
    } else if CLEAN_INSTALL.contains(&command.as_str()) {
        Mode::CleanInstall
    } else {
        bail!("dsca npm guards `install` and `ci`, not `{command}`");
    };
    for arg in rest {
        if matches!(arg.as_str(), "-g" | "--global" | "--location=global") {
            bail!("dsca npm does not guard global installs (`{arg}`)");
        }
        if arg == "--package-lock-only" || arg == "--dry-run" {
            bail!("`{arg}` installs nothing: run npm directly, or dsca audit on the lockfile");
        }
    }
    Ok((mode, rest))
}

/// The `npm` on PATH.
pub fn find_npm() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("npm"))
        .find(|candidate| is_executable(candidate))
        .context("npm is not on PATH: dsca npm runs the real npm (install Node.js and npm)")
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The project's npm lockfile, read, when there is one.
pub fn current_lockfile(dir: &Path) -> anyhow::Result<Option<Lockfile>> {
    npm_lockfile(dir)
        .map(|path| crate::lockfile::read(&path))
        .transpose()
}

/// What the install would put in place: npm's resolution of `install ARGS`, or for
/// `ci` the project's lockfile (`current`).
pub fn plan(
    npm: &Path,
    project_dir: &Path,
    mode: Mode,
    npm_args: &[String],
    current: Option<&Lockfile>,
    notices: &Notices,
) -> anyhow::Result<Lockfile> {
    match (mode, current) {
        (Mode::Install, _) => resolve(npm, project_dir, npm_args, notices),
        (Mode::CleanInstall, Some(lock)) => Ok(lock.clone()),
        (Mode::CleanInstall, None) => bail!(
            "npm ci installs from a lockfile, and {} has neither {}",
            project_dir.display(),
            NPM_LOCKFILES.join(" nor ")
        ),
    }
}

fn npm_lockfile(dir: &Path) -> Option<PathBuf> {
    NPM_LOCKFILES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// The lockfile npm writes for `npm install ARGS` in a temporary copy of the project.
fn resolve(
    npm: &Path,
    project_dir: &Path,
    npm_args: &[String],
    notices: &Notices,
) -> anyhow::Result<Lockfile> {
    let manifest = project_dir.join("package.json");
    if let Ok(text) = std::fs::read_to_string(&manifest)
        && serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("workspaces").is_some())
    {
        bail!(
            "{}: dsca npm does not guard workspaces yet (run dsca audit after installing)",
            manifest.display()
        );
    }
    let temp = tempfile::Builder::new()
        .prefix("dsca-npm-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    for name in PROJECT_FILES {
        let from = project_dir.join(name);
        if from.is_file() {
            std::fs::copy(&from, temp.path().join(name))
                .with_context(|| format!("cannot copy {}", from.display()))?;
        }
    }
    let output = Command::new(npm)
        .args([
            "install",
            "--package-lock-only",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
        ])
        .args(npm_args)
        .current_dir(temp.path())
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", npm.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &lines[lines.len().saturating_sub(NPM_TAIL_LINES)..] {
            notices.relay(line);
        }
        bail!(
            "npm could not resolve the install ({}): {}",
            describe_status(output.status),
            npm_error_summary(&stderr)
        );
    }
    let Some(lockfile) = npm_lockfile(temp.path()) else {
        bail!("npm wrote no package-lock.json (is `package-lock=false` set in an .npmrc?)");
    };
    crate::lockfile::read(&lockfile)
}

/// npm's error lines in one line: `E404 404 Not Found - GET .../nope; ...`.
fn npm_error_summary(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter_map(|line| {
            line.strip_prefix("npm error")
                .or_else(|| line.strip_prefix("npm ERR!"))
        })
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("A complete log of this run"))
        .collect();
    let code = lines
        .iter()
        .find_map(|line| line.strip_prefix("code "))
        .map(str::trim);
    // The first line that says more than the code or a bare status.
    let detail = lines
        .iter()
        .find(|line| !line.starts_with("code ") && line.contains(' '));
    let summary = match (code, detail) {
        (Some(code), Some(detail)) => format!("{code}: {detail}"),
        (None, Some(detail)) => (*detail).to_string(),
        (Some(code), None) => code.to_string(),
        (None, None) => stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim()
            .to_string(),
    };
    sanitize_for_terminal(&summary).into_owned()
}

fn describe_status(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit {code}"),
        None => "killed by a signal".to_string(),
    }
}

/// Run npm in the project with its output on our standard error (standard output is
/// the report's).
pub fn run_npm(npm: &Path, project_dir: &Path, args: &[String]) -> anyhow::Result<()> {
    let stderr = {
        use std::os::fd::AsFd as _;
        std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .context("cannot pass standard error to npm")?
    };
    let status = Command::new(npm)
        .args(args)
        .current_dir(project_dir)
        .stdout(stderr)
        .status()
        .with_context(|| format!("cannot run {}", npm.display()))?;
    if !status.success() {
        bail!(
            "`npm {}` failed ({})",
            args.join(" "),
            describe_status(status)
        );
    }
    Ok(())
}

/// Whether `package`'s install scripts may run without asking: its report has no error
/// and every finding is below `scripts_below` and `fail_on` (an `[[allow]]` entry makes
/// a finding info), or, unscanned, the policy ignores the whole package.
pub fn scripts_pass(
    package: &Package,
    reports: &[Report],
    policy: &Policy,
    fail_on: Severity,
    scripts_below: Severity,
) -> bool {
    let report = reports.iter().find(|r| {
        r.package.name == package.name && r.package.version.as_deref() == Some(&package.version)
    });
    match report {
        Some(report) => {
            !report.has_errors()
                && report
                    .max_severity()
                    .is_none_or(|s| s < scripts_below && s < fail_on)
        }
        None => policy.is_ignored_package(&package.name, &package.version),
    }
}

/// The packages of `lock` whose install scripts npm would run.
pub fn with_install_scripts(lock: &Lockfile) -> impl Iterator<Item = &Package> {
    lock.packages
        .iter()
        .filter(|p| p.install_script && p.source != PackageSource::Local)
}

/// Keep the approved packages that npm installed as scanned (same version and
/// integrity); list every package with install scripts that npm installed but dsca did
/// not plan for (the registry changed between the two resolutions): their scripts
/// stay off.
pub fn confirm_installed(
    installed: &Lockfile,
    planned: &Lockfile,
    approved: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let as_planned = |p: &Package| {
        planned
            .get(&p.name, &p.version)
            .is_some_and(|q| q.integrity == p.integrity)
    };
    let approved = approved
        .into_iter()
        .filter(|spec| {
            installed
                .packages
                .iter()
                .any(|p| &p.spec() == spec && as_planned(p))
        })
        .collect();
    let unscanned = installed
        .packages
        .iter()
        .filter(|p| p.install_script && p.source != PackageSource::Local && !as_planned(p))
        .map(Package::spec)
        .collect::<Vec<_>>();
    (approved, unscanned)
}
