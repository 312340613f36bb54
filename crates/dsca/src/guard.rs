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

use crate::cli::NpmArgs;
use crate::output;
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use dsca_model::Severity;
use dsca_report::sanitize_for_terminal;
use dsca_session::lockfile::changed_since;
use dsca_session::npm::{self, Mode};
use dsca_session::{PolicyChoice, Session, Settings, dir_or_current};
use std::io::{BufRead as _, IsTerminal as _, Write as _};

pub fn run(args: NpmArgs) -> anyhow::Result<u8> {
    let (mode, npm_args) = npm::parse_command(&args.npm)?;
    let project_dir = dir_or_current(None)?;
    let npm = npm::find_npm()?;
    let mut settings = Settings {
        files_serially: true,
        policy: args
            .config
            .clone()
            .map_or(PolicyChoice::Project, PolicyChoice::File),
        ..args.pipeline.settings(project_dir.clone())
    };
    // The policy is checked before npm runs; the pipeline is set up once npm has resolved.
    let policy = settings.load_policy()?;
    let fail_on = args
        .fail_on
        .map(Severity::from)
        .or(policy.fail_on)
        .unwrap_or(Severity::High);
    let scripts_below = policy.run_scripts_below.unwrap_or(Severity::Medium);

    let current = npm::current_lockfile(&project_dir)?;
    let command_line = std::iter::once(format!("npm {}", mode.npm_command()))
        .chain(npm_args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let planned = npm::plan(
        &npm,
        &project_dir,
        mode,
        npm_args,
        current.as_ref(),
        &settings.notices,
    )?;
    settings.policy = PolicyChoice::Loaded(policy.clone());
    let session = Session::new(&settings)?;

    // What npm adds or changes, and whatever runs code when installed.
    let to_scan = session.packages_to_audit(&planned, |p| {
        mode == Mode::CleanInstall
            || p.install_script
            || current.as_ref().is_none_or(|lock| changed_since(lock, p))
    });
    let label = format!("what `{command_line}` would install");
    let reports = session.audit(&to_scan, &label)?;
    output::write_reports(&args.output, &reports, Some((&label, "npm")))?;

    let interactive = interactive();
    let status = output::exit_status(&reports, Some(fail_on));
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

    // Approved: the scan passed, or the user said yes on a terminal.
    let (mut approved, mut skipped) = (Vec::new(), Vec::new());
    for package in npm::with_install_scripts(&planned) {
        let spec = package.spec();
        let passes = npm::scripts_pass(package, &reports, &policy, fail_on, scripts_below);
        let question = format!(
            "dsca: run the install scripts of {}?",
            sanitize_for_terminal(&spec)
        );
        if passes || (interactive && confirm(&question)?) {
            approved.push(spec);
        } else {
            skipped.push(spec);
        }
    }
    let mut install = vec![mode.npm_command().to_string()];
    install.extend(npm_args.iter().cloned());
    install.push("--ignore-scripts".to_string());
    npm::run_npm(&npm, &project_dir, &install)?;

    // npm resolved again for the real install: scripts run only where it installed
    // exactly what was scanned.
    let (approved, unscanned) = match npm::current_lockfile(&project_dir)? {
        Some(lock) => npm::confirm_installed(&lock, &planned, approved),
        None => (approved, Vec::new()),
    };
    for spec in &unscanned {
        settings.notices.warning(&format!(
            "npm installed {spec} which differs from what was scanned; its scripts stay off"
        ));
    }
    let user_disabled_scripts = npm_args.iter().any(|a| a == "--ignore-scripts");
    if !approved.is_empty() && !user_disabled_scripts {
        let mut rebuild = vec!["rebuild".to_string()];
        rebuild.extend(approved.iter().cloned());
        npm::run_npm(&npm, &project_dir, &rebuild)?;
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
