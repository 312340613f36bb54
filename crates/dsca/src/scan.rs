//! `dsca scan` and `dsca rules`.

use crate::cli::{RulesArgs, ScanArgs};
use crate::output;
use dsca_model::Severity;
use dsca_session::{Session, Settings, dir_or_current};

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let project_dir = dir_or_current(args.project_dir.as_deref())?;
    let settings = Settings {
        dependency_tree: args.deps,
        files_serially: args.specs.len() > 1,
        dynamic: args.dynamic.dynamic(),
        prevalence_db: args.prevalence.db(),
        targets: Some(args.specs.len()),
        ..args.registry.settings(project_dir)
    };
    let reports = Session::new(&settings)?.scan(&args.specs)?;
    output::write_reports(&args.output, &reports, &dsca_rules::catalogue(), None)?;
    Ok(output::exit_status(
        &reports,
        args.fail_on.map(Severity::from),
    ))
}

pub fn list_rules(args: RulesArgs) -> anyhow::Result<u8> {
    // Package rules and the network rules of `dsca pcap`, in one list by id.
    let mut rules = dsca_rules::catalogue();
    rules.extend(dsca_pcap::rules::catalogue());
    dsca_rules::sort_by_id(&mut rules);
    dsca_report::deliver(None, |out| {
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
