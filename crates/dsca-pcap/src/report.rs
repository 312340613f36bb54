//! From observations to a [`Report`]: the network section (sorted, with allowlist
//! verdicts) and one finding per name, server name, HTTP host or unresolved address
//! outside the allowlist.

use crate::allowlist::Allowlist;
use crate::analysis::{CappedSet, Observations, Protocol, Seen};
use crate::rules;
use dsca_model::network::{
    ConnectionActivity, HostActivity, NameActivity, NameKind, NetworkActivity, SkippedPackets,
};
use dsca_model::{Evidence, Finding, PackageInfo, Report, Source};
use std::net::IpAddr;
use time::OffsetDateTime;
use time::macros::format_description;

/// RFC 3339 in UTC with microseconds; the raw nanoseconds when out of range.
pub fn timestamp(nanos: i64) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .ok()
        .and_then(|time| time.format(&format).ok())
        .unwrap_or_else(|| format!("{nanos}ns"))
}

fn list(set: CappedSet) -> Vec<String> {
    set.0.into_iter().collect()
}

fn times(seen: &Seen) -> (String, String) {
    (timestamp(seen.first), timestamp(seen.last))
}

/// Ports whose traffic is name resolution itself, never "a connection to an address".
const RESOLVER_PORTS: [u16; 3] = [53, 5353, 5355];

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

pub fn build_report(path: &str, observations: Observations, allowlist: &Allowlist) -> Report {
    let mut report = Report::new(
        path,
        PackageInfo {
            name: path.to_string(),
            ..PackageInfo::default()
        },
        Source::Capture {
            path: path.to_string(),
        },
    );
    let mut network = NetworkActivity {
        packets: observations.packets,
        bytes: observations.bytes,
        first_packet: observations.first_packet.map(timestamp),
        last_packet: observations.last_packet.map(timestamp),
        ..NetworkActivity::default()
    };

    for ((name, kind), entry) in observations.names {
        // Link-local resolution never leaves the network segment: no allowlist applies.
        let allowed = kind != NameKind::Dns || allowlist.allows(&name);
        let (first_seen, last_seen) = times(&entry.seen);
        let activity = NameActivity {
            name,
            kind,
            allowed,
            queries: entry.queries,
            responses: entry.responses,
            first_seen,
            last_seen,
            query_types: list(entry.query_types),
            response_codes: list(entry.response_codes),
            servers: list(entry.servers),
            answers: list(entry.answers),
            clients: list(entry.clients),
        };
        if !allowed {
            report.findings.push(name_finding(&activity));
        }
        network.names.push(activity);
    }
    network
        .names
        .sort_by(|a, b| a.name.cmp(&b.name).then(a.kind.cmp(&b.kind)));

    for ((protocol, destination, port), entry) in observations.connections {
        let (first_seen, last_seen) = times(&entry.seen);
        let activity = ConnectionActivity {
            protocol: match protocol {
                Protocol::Tcp => "tcp",
                Protocol::Udp => "udp",
            }
            .to_string(),
            destination: destination.to_string(),
            port,
            names: list(entry.names),
            count: entry.seen.count,
            first_seen,
            last_seen,
            clients: list(entry.clients),
        };
        if activity.names.is_empty()
            && !RESOLVER_PORTS.contains(&port)
            && !is_local_or_group(destination)
        {
            let finding = Finding::new(
                &rules::CONNECTION_TO_UNRESOLVED_IP,
                format!(
                    "{} connection to {}:{} with no DNS answer for that address",
                    activity.protocol, activity.destination, activity.port
                ),
            )
            .with_evidence(Evidence::new(format!(
                "{} time(s) from {} between {} and {}",
                activity.count,
                activity.clients.join(", "),
                activity.first_seen,
                activity.last_seen
            )));
            report.findings.push(finding);
        }
        network.connections.push(activity);
    }
    network.connections.sort_by(|a, b| {
        (&a.names, &a.destination, a.port, &a.protocol).cmp(&(
            &b.names,
            &b.destination,
            b.port,
            &b.protocol,
        ))
    });

    network.tls_server_names = hosts(observations.tls_server_names, allowlist);
    network.http_hosts = hosts(observations.http_hosts, allowlist);
    for host in network.tls_server_names.iter().filter(|h| !h.allowed) {
        report.findings.push(host_finding(
            &rules::TLS_SNI_OUTSIDE_ALLOWLIST,
            "TLS server name",
            host,
        ));
    }
    for host in network.http_hosts.iter().filter(|h| !h.allowed) {
        report.findings.push(host_finding(
            &rules::HTTP_HOST_OUTSIDE_ALLOWLIST,
            "HTTP host",
            host,
        ));
    }
    network.skipped = observations
        .skipped
        .into_iter()
        .map(|(reason, count)| SkippedPackets { reason, count })
        .collect();
    report.network = Some(network);
    report.finalize();
    report
}

fn hosts(
    table: std::collections::HashMap<String, crate::analysis::HostEntry>,
    allowlist: &Allowlist,
) -> Vec<HostActivity> {
    let mut hosts: Vec<HostActivity> = table
        .into_iter()
        .map(|(host, entry)| {
            let (first_seen, last_seen) = times(&entry.seen);
            HostActivity {
                allowed: allowlist.allows(&host),
                host,
                count: entry.seen.count,
                first_seen,
                last_seen,
                destinations: list(entry.destinations),
                requests: list(entry.requests),
            }
        })
        .collect();
    hosts.sort_by(|a, b| a.host.cmp(&b.host));
    hosts
}

fn name_finding(name: &NameActivity) -> Finding {
    let mut detail = format!(
        "{} quer{} ({}) from {}, first {}, last {}",
        name.queries,
        if name.queries == 1 { "y" } else { "ies" },
        name.query_types.join(", "),
        if name.clients.is_empty() {
            "-".to_string()
        } else {
            name.clients.join(", ")
        },
        name.first_seen,
        name.last_seen
    );
    if !name.answers.is_empty() {
        detail.push_str(&format!("; answered {}", name.answers.join(", ")));
    }
    if !name.response_codes.is_empty() {
        detail.push_str(&format!("; {}", name.response_codes.join(", ")));
    }
    Finding::new(
        &rules::DNS_LOOKUP_OUTSIDE_ALLOWLIST,
        format!(
            "DNS lookup of `{}`, which is not on the allowlist",
            name.name
        ),
    )
    .with_evidence(Evidence::new(detail))
}

fn host_finding(rule: &dsca_model::Rule, what: &str, host: &HostActivity) -> Finding {
    let mut finding = Finding::new(
        rule,
        format!("{what} `{}`, which is not on the allowlist", host.host),
    )
    .with_evidence(Evidence::new(format!(
        "{} time(s) to {}, first {}, last {}",
        host.count,
        host.destinations.join(", "),
        host.first_seen,
        host.last_seen
    )));
    for request in host.requests.iter().take(3) {
        finding = finding.with_evidence(Evidence::new("request").with_snippet(request.clone()));
    }
    finding
}
