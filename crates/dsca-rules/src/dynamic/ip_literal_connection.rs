//! DSCA1002: a connection to an address no DNS answer gave.

use super::{RunContext, count, host_part, is_loopback, short};
use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::dynamic::Connection;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1002",
    name: "ip-literal-connection",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::High,
    title: "Connected to a hard-coded IP address while installed",
    problem: "While it ran in the sandbox, the package (or a program it started) opened a \
        connection to an address that no DNS answer gave it: the address was written into \
        the code or its payload. Honest software reaches services by name; droppers and \
        reverse shells carry a bare address so that no lookup shows up in DNS logs or \
        blocklists.",
    next_steps: "Do not install this version. Look at the address, the port and the first \
        bytes the program sent (a shell prompt, an HTTP request, TLS). If the version was \
        installed anywhere, check that machine for connections to the address and treat it \
        as compromised.",
    severities: &[Severity::High],
    catches: "a connection to an address no DNS answer gave",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let hits: Vec<&Connection> = run
        .run
        .connections
        .iter()
        .filter(|c| is_ip_literal(run, c))
        .collect();
    let Some(first) = hits.first() else {
        return;
    };
    let message = if hits.len() == 1 {
        format!(
            "connected to {}:{}, an address no DNS answer gave",
            short(&first.destination, 60),
            first.port
        )
    } else {
        format!(
            "opened {} to addresses no DNS answer gave",
            count(hits.len(), "connection", "connections")
        )
    };
    let evidence = hits.iter().map(|c| describe(run, c)).collect();
    let finding = Finding::new(&RULE, message);
    out.findings.push(
        cap_evidence(evidence)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}

fn is_ip_literal(run: &RunContext, connection: &Connection) -> bool {
    if connection.name.is_some()
        || connection.kind == "registry"
        || is_loopback(&connection.destination)
    {
        return false;
    }
    // DNS over TCP to a resolver the DNS table already shows is the lookup, not a channel.
    let destination = host_part(&connection.destination);
    !(connection.port == 53
        && run
            .run
            .dns
            .iter()
            .any(|q| host_part(&q.resolver) == destination))
}

pub(crate) fn describe(run: &RunContext, connection: &Connection) -> Evidence {
    let mut detail = format!(
        "{} {}:{} ({})",
        short(&connection.protocol, 8),
        short(&connection.destination, 60),
        connection.port,
        short(&connection.kind, 16)
    );
    if let Some(sni) = &connection.sni {
        detail.push_str(&format!(", server name `{}`", short(sni, 80)));
    }
    detail.push_str(&run.by_process(connection.pid));
    let evidence = Evidence::new(detail);
    if connection.first_bytes.is_empty() {
        evidence
    } else {
        evidence.with_snippet(short(&connection.first_bytes, 120))
    }
}
