//! `dsca pcap FILE...`: what a packet capture shows about name lookups and connections,
//! checked against an allowlist. The work is in `dsca-pcap`; this only wires arguments,
//! printers and exit codes.

use crate::cli::{PcapArgs, ReportOutputArgs};
use crate::output;
use crate::output::exit_status;
use anyhow::Context as _;
use dsca_model::{Report, Severity};
use dsca_pcap::Allowlist;

pub fn run(args: PcapArgs) -> anyhow::Result<u8> {
    let allowlist = allowlist(&args)?;
    let reports: Vec<Report> = args
        .files
        .iter()
        .map(|path| dsca_session::capture::analyse_file(path, &allowlist))
        .collect();

    let output = ReportOutputArgs {
        format: args.format,
        output: args.output.clone(),
        color: args.color,
        verbose: args.verbose,
    };
    output::write_reports(&output, &reports, None)?;
    Ok(exit_status(&reports, args.fail_on.map(Severity::from)))
}

fn allowlist(args: &PcapArgs) -> anyhow::Result<Allowlist> {
    let mut allowlist = if args.no_default_allow {
        Allowlist::default()
    } else {
        Allowlist::npm_registry()
    };
    for pattern in &args.allow {
        allowlist.add(pattern)?;
    }
    for file in &args.allow_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read --allow-file {}", file.display()))?;
        allowlist
            .add_lines(&text)
            .with_context(|| format!("in --allow-file {}", file.display()))?;
    }
    Ok(allowlist)
}
