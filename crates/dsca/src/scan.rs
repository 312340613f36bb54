use crate::cli::{RegistryArgs, RulesArgs, ScanArgs};
use crate::output;
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use anyhow::Context as _;
use dsca_model::{Report, Severity};
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig};
use dsca_report::{TextOptions, sanitize_for_terminal};
use dsca_scan::{ScanOptions, Scanner};
use std::io::Write;
use std::path::Path;

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let project_dir = match &args.project_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let mut scanner = build_scanner(&args.registry, &project_dir)?;
    scanner.set_dependency_tree(args.deps);
    if args.specs.len() > 1 {
        scanner.analyse_files_serially();
    }
    if args.dynamic.pcap.is_some() && args.specs.len() > 1 {
        anyhow::bail!("--pcap records one package at a time: give a single spec");
    }
    if let Some(options) = args.dynamic.sandbox_options() {
        // Refuse before any work when this machine cannot isolate a run.
        dsca_sandbox::preflight().map_err(|err| anyhow::anyhow!("--dynamic: {err}"))?;
        scanner.set_dynamic(options, dsca_scan::DynamicScope::All);
    }
    let jobs = args.registry.jobs();
    let mut reports = scanner.scan_many(&args.specs, jobs);
    crate::prevalence::annotate(&args.prevalence, &mut reports)?;

    let color = output::use_color(args.color, args.output.is_some());
    let rules = dsca_rules::catalogue();
    let text_options = TextOptions {
        color,
        verbose: args.verbose,
    };
    let options = dsca_report::WriteOptions {
        text: text_options,
        audit: None,
    };
    let delivered = output::deliver(args.output.as_deref(), |out| {
        dsca_report::write(out, args.format, &reports, &rules, &options)
    });
    // A reader that went away (`dsca scan x | head`) does not change the verdict: the
    // exit status and the error lines still tell a pipeline what happened.
    match delivered {
        Err(err) if !output::is_broken_pipe(&err) => return Err(err),
        _ => {}
    }

    report_errors(&reports);
    Ok(exit_status(&reports, args.fail_on.map(Severity::from)))
}

/// The pipeline as the registry options and the project's `.npmrc` files configure it.
pub fn build_scanner(args: &RegistryArgs, project_dir: &Path) -> anyhow::Result<Scanner> {
    let config = RegistryConfig::load(project_dir, args.registry.as_deref())?;
    let cache = match &args.pipeline.cache_dir {
        Some(dir) => Cache::new(dir.clone()),
        None => Cache::from_env()?,
    };
    let advisories = if args.pipeline.no_advisories {
        None
    } else {
        crate::db::open_for_scans(cache.root())
    };
    let client = Client::new(
        config,
        cache,
        ClientOptions {
            offline: args.offline,
            ..ClientOptions::default()
        },
    )?;
    let yara = match &args.pipeline.rules_dir {
        Some(dir) => Some(std::sync::Arc::new(dsca_rules::YaraRules::with_user_rules(
            dir,
        )?)),
        None => None,
    };
    Ok(Scanner::new(
        client,
        ScanOptions {
            now: crate::clock::pinned_clock()?,
            yara,
            advisories,
            ..ScanOptions::default()
        },
    ))
}

impl RegistryArgs {
    /// `--jobs`, or one per CPU.
    pub fn jobs(&self) -> usize {
        self.pipeline
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    }
}

/// One line on standard error per failed or partial scan, so scripts see the cause.
pub fn report_errors(reports: &[Report]) {
    let mut stderr = std::io::stderr().lock();
    for report in reports {
        for error in &report.errors {
            // Messages can quote registry and tarball data: never let it drive the terminal.
            let _ = writeln!(
                stderr,
                "dsca: error: {}: {}",
                sanitize_for_terminal(&report.spec),
                sanitize_for_terminal(&error.message)
            );
        }
    }
}

/// 2 when any scan failed, else 1 when a finding reaches the threshold, else 0.
pub fn exit_status(reports: &[Report], fail_on: Option<Severity>) -> u8 {
    if reports.iter().any(Report::has_errors) {
        return EXIT_ERROR;
    }
    let reached = fail_on.is_some_and(|threshold| {
        reports
            .iter()
            .filter_map(Report::max_severity)
            .any(|severity| severity >= threshold)
    });
    if reached { EXIT_FINDINGS } else { 0 }
}

pub fn list_rules(args: RulesArgs) -> anyhow::Result<u8> {
    // Package rules and the network rules of `dsca pcap`, in one list by id.
    let mut rules = dsca_rules::catalogue();
    rules.extend(dsca_pcap::rules::catalogue());
    dsca_rules::sort_by_id(&mut rules);
    output::deliver(None, |out| {
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &rules)?;
            return writeln!(out);
        }
        for rule in &rules {
            writeln!(
                out,
                "{:<8} {:<9} {:<16} {:<12} {:<30} {}",
                rule.id,
                rule.severity.as_str(),
                rule.category.as_str(),
                rule.signal.as_str(),
                rule.name,
                rule.title
            )?;
        }
        writeln!(
            out,
            "\nBuilt-in YARA rules (reported as DSCA811 yara-match):"
        )?;
        for rule in dsca_rules::YaraRules::builtin().describe() {
            writeln!(
                out,
                "{:<8} {:<9} {:<16} {:<36} {}",
                "",
                rule.severity.as_str(),
                rule.category.as_str(),
                rule.name,
                rule.description
            )?;
        }
        Ok(())
    })?;
    Ok(0)
}
