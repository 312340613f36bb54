//! `dsca pcap FILE...`: what a packet capture shows about name lookups and connections,
//! checked against an allowlist. The work is in `dsca-pcap`; this only wires arguments,
//! printers and exit codes.

use crate::cli::{PcapArgs, PcapFormat};
use crate::output;
use crate::scan::exit_status;
use anyhow::Context as _;
use dsca_model::network::NetworkActivity;
use dsca_model::{Report, ReportError, Severity, Source};
use dsca_pcap::Allowlist;
use dsca_report::{TextOptions, sanitize_for_terminal};
use std::fmt::Write as _;
use std::io::Write;

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
        PcapFormat::Text => write_text(out, &reports, &text_options),
        PcapFormat::Json => dsca_report::write_json(out, &reports),
        PcapFormat::Sarif => {
            dsca_report::write_sarif(out, &reports, &rules, env!("CARGO_PKG_VERSION"))
        }
    });
    match delivered {
        Err(err) if !output::is_broken_pipe(&err) => return Err(err),
        _ => {}
    }
    let mut stderr = std::io::stderr().lock();
    for report in &reports {
        for error in &report.errors {
            let _ = writeln!(
                stderr,
                "dsca: error: {}: {}",
                sanitize_for_terminal(&report.spec),
                sanitize_for_terminal(&error.message)
            );
        }
    }
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

/// Each capture as `dsca scan` prints a package (header, findings), then its names,
/// connections and hosts; the last line sums up the names of all captures.
fn write_text(
    out: &mut dyn Write,
    reports: &[Report],
    options: &TextOptions,
) -> std::io::Result<()> {
    let (mut names, mut outside) = (0, 0);
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        dsca_report::write_text(out, std::slice::from_ref(report), options)?;
        if let Some(network) = &report.network {
            out.write_all(network_text(network).as_bytes())?;
            names += network.names.len();
            outside += network.names.iter().filter(|n| !n.allowed).count();
        }
    }
    writeln!(out)?;
    let noun = if names == 1 { "name" } else { "names" };
    writeln!(out, "{names} {noun}, {outside} outside the allowlist")
}

fn network_text(network: &NetworkActivity) -> String {
    let clean = |text: &str| sanitize_for_terminal(text).into_owned();
    let mut buf = String::new();
    let _ = writeln!(
        buf,
        "\ncapture: {} packets, {} bytes, {} to {}",
        network.packets,
        network.bytes,
        network.first_packet.as_deref().unwrap_or("-"),
        network.last_packet.as_deref().unwrap_or("-")
    );
    let _ = writeln!(buf, "\nnames ({})", network.names.len());
    for name in &network.names {
        let _ = writeln!(
            buf,
            "  {} {:<5} {:<40} {} quer{}, {} response{}  [{}]",
            if name.allowed { " " } else { "!" },
            name.kind.as_str(),
            clean(&name.name),
            name.queries,
            if name.queries == 1 { "y" } else { "ies" },
            name.responses,
            if name.responses == 1 { "" } else { "s" },
            name.query_types.join(" "),
        );
        let _ = writeln!(
            buf,
            "          first {}  last {}  clients {}  servers {}",
            name.first_seen,
            name.last_seen,
            or_dash(&name.clients),
            or_dash(&name.servers)
        );
        if !name.answers.is_empty() || !name.response_codes.is_empty() {
            let mut answers = name.answers.clone();
            answers.extend(name.response_codes.iter().cloned());
            let _ = writeln!(buf, "          answers {}", clean(&answers.join(", ")));
        }
    }
    let _ = writeln!(buf, "\nconnections ({})", network.connections.len());
    for connection in &network.connections {
        let target = if connection.names.is_empty() {
            connection.destination.clone()
        } else {
            format!(
                "{} ({})",
                clean(&connection.names.join(", ")),
                connection.destination
            )
        };
        let _ = writeln!(
            buf,
            "  {} {}:{}  {}x from {}",
            connection.protocol,
            target,
            connection.port,
            connection.count,
            connection.clients.join(", ")
        );
    }
    for (title, hosts) in [
        ("TLS server names", &network.tls_server_names),
        ("HTTP hosts", &network.http_hosts),
    ] {
        let _ = writeln!(buf, "\n{title} ({})", hosts.len());
        for host in hosts {
            let _ = writeln!(
                buf,
                "  {} {}  {}x to {}",
                if host.allowed { " " } else { "!" },
                clean(&host.host),
                host.count,
                host.destinations.join(", ")
            );
            for request in &host.requests {
                let _ = writeln!(buf, "      {}", clean(request));
            }
        }
    }
    if !network.skipped.is_empty() {
        let _ = writeln!(buf, "\nskipped");
        for skipped in &network.skipped {
            let _ = writeln!(buf, "  {:>8}  {}", skipped.count, skipped.reason);
        }
    }
    buf
}

fn or_dash(values: &[String]) -> String {
    if values.is_empty() {
        "-".to_string()
    } else {
        values.join(", ")
    }
}
