//! `dsca pcap FILE...`: what a packet capture shows about name lookups and connections,
//! checked against an allowlist. The work is in `dsca-pcap`; this only wires arguments,
//! printers and exit codes.

use crate::cli::{PcapArgs, PcapFormat};
use crate::output;
use crate::output::{exit_status, report_errors};
use anyhow::Context as _;
use dsca_model::{Report, ReportError, Severity, Source};
use dsca_pcap::Allowlist;
use dsca_report::TextOptions;

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

    let color = output::use_color(args.color, args.output.is_some());
    let rules = dsca_pcap::rules::catalogue();
    let text_options = TextOptions {
        color,
        verbose: args.verbose,
    };
    let delivered = output::deliver(args.output.as_deref(), |out| match args.format {
        PcapFormat::Text => dsca_report::capture::write_captures_text(out, &reports, &text_options),
        PcapFormat::Json => dsca_report::write_json(out, &reports),
        PcapFormat::Sarif => {
            dsca_report::write_sarif(out, &reports, &rules, env!("CARGO_PKG_VERSION"))
        }
    });
    match delivered {
        Err(err) if !output::is_broken_pipe(&err) => return Err(err),
        _ => {}
    }
    report_errors(&reports);
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
