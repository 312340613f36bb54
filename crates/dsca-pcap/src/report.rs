//! From observations to a [`Report`]: the network section, sorted, with the
//! allowlist's verdict on every name and host. The capture rules (dsca-rules) judge it.

use crate::allowlist::Allowlist;
use crate::analysis::{CappedSet, Observations, Protocol, Seen};
use dsca_model::network::{
    ConnectionActivity, HostActivity, NameActivity, NameKind, NetworkActivity, SkippedPackets,
};
use dsca_model::{PackageInfo, Report, Source};
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

/// The report of one capture, with its network section; no findings, not finalised.
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
    network.skipped = observations
        .skipped
        .into_iter()
        .map(|(reason, count)| SkippedPackets { reason, count })
        .collect();
    report.network = Some(network);
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
