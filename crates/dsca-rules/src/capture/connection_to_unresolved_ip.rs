//! DSCA904: a capture shows a connection to a public address that no DNS answer in it
//! gave.

use crate::Analysis;
use dsca_model::network::NetworkActivity;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};
use std::net::IpAddr;

pub const RULE: Rule = Rule {
    id: "DSCA904",
    name: "connection-to-unresolved-ip",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Connection to an address no DNS answer in the capture gave",
    problem: "A connection went to an IP address that no name in the capture resolved to. \
              Malware often carries a hard-coded address to avoid DNS-based blocking and \
              logging. (The address may also come from a lookup made before the capture \
              started, or from /etc/hosts.)",
    next_steps: "Check who owns the address and whether the capture started before the build. \
                 If the connection is unexplained, find the package that opened it.",
    severities: &[Severity::Medium],
    catches: "a connection to a public address no DNS answer in the capture gave (resolver \
        ports, loopback, link-local and multicast apart)",
};

/// Ports whose traffic is name resolution itself, never "a connection to an address".
const RESOLVER_PORTS: [u16; 3] = [53, 5353, 5355];

/// Addresses that never leave the machine or the link, or reach a group, not a host.
fn is_local_or_group(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_link_local()
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

pub(crate) fn check(network: &NetworkActivity, out: &mut Analysis) {
    for connection in &network.connections {
        let public = connection
            .destination
            .parse::<IpAddr>()
            .is_ok_and(|address| !is_local_or_group(address));
        if !connection.names.is_empty() || RESOLVER_PORTS.contains(&connection.port) || !public {
            continue;
        }
        out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "{} connection to {}:{} with no DNS answer for that address",
                    connection.protocol, connection.destination, connection.port
                ),
            )
            .with_evidence(Evidence::new(format!(
                "{} time(s) from {} between {} and {}",
                connection.count,
                connection.clients.join(", "),
                connection.first_seen,
                connection.last_seen
            ))),
        );
    }
}
