//! The text printer of `dsca pcap`: each capture as `dsca scan` prints a package, then
//! the names, connections and hosts the capture shows.

use crate::{TextOptions, sanitize_for_terminal};
use dsca_model::Report;
use dsca_model::network::NetworkActivity;
use std::fmt::Write as _;
use std::io::Write;

/// Each capture as `dsca scan` prints a package (header, findings), then its names,
/// connections and hosts; the last line sums up the names of all captures.
pub fn write_captures_text(
    out: &mut dyn Write,
    reports: &[Report],
    options: &TextOptions,
) -> std::io::Result<()> {
    let (mut names, mut outside) = (0, 0);
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        crate::write_text(out, std::slice::from_ref(report), options)?;
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
