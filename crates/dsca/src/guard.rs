//! `dsca npm install ARGS...` and `dsca npm ci`: the install guard.
//!
//! 1. npm resolves the install in a temporary copy of the project (`npm install
//!    --package-lock-only --ignore-scripts ARGS`), so what is scanned is what npm's own
//!    resolution picks; for `ci` the project's lockfile is what gets installed.
//! 2. Every package the resulting lockfile adds or changes against the project's current
//!    lockfile, and every package with an install script, goes through `dsca audit`'s
//!    pipeline (same cache, policy and formats).
//! 3. When a package reaches the policy's threshold the install is refused (asked on a
//!    terminal). Otherwise the real npm installs with `--ignore-scripts`, and `npm rebuild
//!    name@version...` runs the install scripts of the approved packages only.

use crate::audit::{View, changed_since, scan_packages};
use crate::cli::{NpmArgs, RegistryArgs};
use crate::policy::Policy;
use crate::scan::exit_status;
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use anyhow::{Context as _, bail};
use dsca_lockfile::{Limits, Lockfile, LockfileKind, Package, PackageSource};
use dsca_model::{Report, Severity};
use dsca_report::sanitize_for_terminal;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Install,
    CleanInstall,
}

impl Mode {
    fn npm_command(self) -> &'static str {
        match self {
            Mode::Install => "install",
            Mode::CleanInstall => "ci",
        }
    }
}

pub fn run(args: NpmArgs) -> anyhow::Result<u8> {
    let (mode, npm_args) = parse_command(&args.npm)?;
    let project_dir = std::env::current_dir().context("cannot read the current directory")?;
    let npm = find_npm()?;
    let policy = Policy::load(args.config.as_deref(), &project_dir)?;
    let fail_on = args
        .fail_on
        .map(Severity::from)
        .or(policy.fail_on)
        .unwrap_or(Severity::High);
    let scripts_below = policy.run_scripts_below.unwrap_or(Severity::Medium);
    let limits = Limits::default();

    let current = match npm_lockfile(&project_dir) {
        Some(path) => Some(dsca_lockfile::read(&path, &limits).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let command_line = std::iter::once(format!("npm {}", mode.npm_command()))
        .chain(npm_args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let planned = match mode {
        Mode::Install => resolve(&npm, &project_dir, npm_args, &limits)?,
        Mode::CleanInstall => match &current {
            Some(lock) => lock.clone(),
            None => bail!(
                "npm ci installs from a lockfile, and {} has neither {}",
                project_dir.display(),
                NPM_LOCKFILES.join(" nor ")
            ),
        },
    };

    // What npm adds or changes, and whatever runs code when installed.
    let to_scan: Vec<&Package> = planned
        .packages
        .iter()
        .filter(|p| p.source != PackageSource::Local)
        .filter(|p| {
            mode == Mode::CleanInstall
                || p.install_script
                || current.as_ref().is_none_or(|lock| changed_since(lock, p))
        })
        .filter(|p| !policy.is_ignored_package(&p.name, &p.version))
        .collect();
    let registry = RegistryArgs {
        registry: None,
        offline: false,
        pipeline: args.pipeline.clone(),
    };
    let mut scanner = crate::scan::build_scanner(&registry, &project_dir)?;
    scanner.analyse_files_serially();
    let label = format!("what `{command_line}` would install");
    let reports = scan_packages(&scanner, &policy, &to_scan, &label, registry.jobs());
    let view = View {
        format: args.format,
        output: args.output.as_deref(),
        color: args.color,
        verbose: args.verbose,
        label: &label,
        kind: LockfileKind::Npm,
    };
    crate::audit::write_reports(&view, &reports)?;
    crate::scan::report_errors(&reports);

    let interactive = interactive();
    let status = exit_status(&reports, Some(fail_on));
    if status != 0 {
        let why = if status == EXIT_ERROR {
            "dsca could not scan every package".to_string()
        } else {
            format!("a package has a finding at or above {fail_on}")
        };
        if !interactive {
            eprintln!("dsca: refused: {why}; nothing was installed");
            return Ok(status);
        }
        if !confirm(&format!("dsca: {why}. Install anyway?"))? {
            eprintln!("dsca: nothing was installed");
            return Ok(EXIT_FINDINGS);
        }
    }

    let (approved, skipped) = decide_scripts(
        &planned,
        &reports,
        &policy,
        fail_on,
        scripts_below,
        interactive,
    )?;
    let mut install = vec![mode.npm_command().to_string()];
    install.extend(npm_args.iter().cloned());
    install.push("--ignore-scripts".to_string());
    run_npm(&npm, &project_dir, &install)?;

    // npm resolved again for the real install: scripts run only where it installed
    // exactly what was scanned.
    let installed = match npm_lockfile(&project_dir) {
        Some(path) => Some(dsca_lockfile::read(&path, &limits).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let (approved, unscanned) = match &installed {
        Some(lock) => confirm_installed(lock, &planned, approved),
        None => (approved, Vec::new()),
    };
    let user_disabled_scripts = npm_args.iter().any(|a| a == "--ignore-scripts");
    if !approved.is_empty() && !user_disabled_scripts {
        let mut rebuild = vec!["rebuild".to_string()];
        rebuild.extend(approved.iter().cloned());
        run_npm(&npm, &project_dir, &rebuild)?;
        eprintln!(
            "dsca: ran the install scripts of {}",
            sanitize_for_terminal(&approved.join(", "))
        );
    }
    let skipped: Vec<String> = skipped.into_iter().chain(unscanned).collect();
    if !skipped.is_empty() {
        eprintln!(
            "dsca: did not run the install scripts of {} (not approved); after a review, run them with: npm rebuild {}",
            sanitize_for_terminal(&skipped.join(", ")),
            sanitize_for_terminal(&skipped.join(" "))
        );
    }
    Ok(0)
}

/// `install ARGS...` or `ci ARGS...`: the mode and npm's own arguments.
fn parse_command(words: &[String]) -> anyhow::Result<(Mode, &[String])> {
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
fn find_npm() -> anyhow::Result<PathBuf> {
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
    limits: &Limits,
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
        print_tail(&stderr);
        bail!(
            "npm could not resolve the install ({}): {}",
            describe_status(output.status),
            npm_error_summary(&stderr)
        );
    }
    let Some(lockfile) = npm_lockfile(temp.path()) else {
        bail!("npm wrote no package-lock.json (is `package-lock=false` set in an .npmrc?)");
    };
    dsca_lockfile::read(&lockfile, limits).map_err(anyhow::Error::msg)
}

/// The last lines npm wrote to standard error, as it wrote them.
fn print_tail(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = std::io::stderr().lock();
    for line in &lines[lines.len().saturating_sub(NPM_TAIL_LINES)..] {
        let _ = writeln!(out, "{}", sanitize_for_terminal(line));
    }
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
fn run_npm(npm: &Path, project_dir: &Path, args: &[String]) -> anyhow::Result<()> {
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

/// Asked on a terminal unless CI is set; never otherwise.
fn interactive() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    !ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    let mut stderr = std::io::stderr().lock();
    write!(stderr, "{question} [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// `name@version` of the packages with install scripts whose scripts may run, and of
/// those whose scripts stay off. Approved: the report passes the policy and every
/// finding is below `scripts_below` (an `[[allow]]` entry makes a finding info), or the
/// whole package is ignored by the policy, or the user said yes on a terminal.
fn decide_scripts(
    planned: &Lockfile,
    reports: &[Report],
    policy: &Policy,
    fail_on: Severity,
    scripts_below: Severity,
    interactive: bool,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let (mut approved, mut skipped) = (Vec::new(), Vec::new());
    for package in planned
        .packages
        .iter()
        .filter(|p| p.install_script && p.source != PackageSource::Local)
    {
        let report = reports.iter().find(|r| {
            r.package.name == package.name && r.package.version.as_deref() == Some(&package.version)
        });
        let passes = match report {
            Some(report) => {
                !report.has_errors()
                    && report
                        .max_severity()
                        .is_none_or(|s| s < scripts_below && s < fail_on)
            }
            None => policy.is_ignored_package(&package.name, &package.version),
        };
        let spec = package.spec();
        if passes
            || (interactive
                && confirm(&format!(
                    "dsca: run the install scripts of {}?",
                    sanitize_for_terminal(&spec)
                ))?)
        {
            approved.push(spec);
        } else {
            skipped.push(spec);
        }
    }
    Ok((approved, skipped))
}

/// Keep the approved packages that npm installed as scanned (same version and
/// integrity); list every package with install scripts that npm installed but dsca did
/// not plan for (the registry changed between the two resolutions).
fn confirm_installed(
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
    for spec in &unscanned {
        eprintln!(
            "dsca: warning: npm installed {} which differs from what was scanned; its scripts stay off",
            sanitize_for_terminal(spec)
        );
    }
    (approved, unscanned)
}
