//! `dsca pcap FILE...`: what a packet capture shows about name lookups and connections,
//! checked against an allowlist. The work is in `dsca-pcap`; this only wires arguments,
//! printers and exit codes.

use crate::cli::{PcapArgs, ReportOutputArgs};
use crate::output;
use crate::output::exit_status;
use anyhow::Context as _;
use dsca_model::{Report, ReportError, Severity, Source};
use dsca_pcap::Allowlist;

pub fn run(args: PcapArgs) -> anyhow::Result<u8> {
    let allowlist = allowlist(&args)?;
    let reports: Vec<Report> = args
        .files
        .iter()
        .map(|path| {
            dsca_pcap::analyse_file(path, &allowlist).unwrap_or_else(|err| {
                let name = path.display().to_string();
                let mut report = Report::failed(
                    name.clone(),
                    name.clone(),
                    ReportError::new("unreadable-capture", err.to_string()),
                );
                report.source = Source::Capture { path: name };
                report
            })
        })
        .collect();

    let output = ReportOutputArgs {
        format: args.format,
        output: args.output.clone(),
        color: args.color,
        verbose: args.verbose,
    };
    output::write_reports(&output, &reports, &dsca_pcap::rules::catalogue(), None)?;
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
