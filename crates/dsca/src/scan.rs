//! `dsca scan` and `dsca rules`.

use crate::cli::{RulesArgs, ScanArgs};
use crate::output;
use dsca_model::Severity;
use dsca_report::Format;
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
    output::write_reports(&args.output, &reports, None)?;
    Ok(output::exit_status(
        &reports,
        args.fail_on.map(Severity::from),
    ))
}

pub fn list_rules(args: RulesArgs) -> anyhow::Result<u8> {
    let format = if args.json { Format::Json } else { args.format };
    let rules = match args.family {
        Some(family) => dsca_rules::catalogue_of(family),
        None => dsca_rules::catalogue(),
    };
    // The built-in YARA rules belong to the code family (DSCA811).
    let yara = match args.family {
        None | Some(dsca_rules::Family::Code) => dsca_rules::YaraRules::builtin().describe(),
        Some(_) => Vec::new(),
    };
    dsca_report::deliver(None, |out| {
        dsca_report::catalogue::write(out, format, &rules, &yara)
    })?;
    Ok(0)
}
