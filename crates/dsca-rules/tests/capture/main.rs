//! One network section that triggers each capture rule and one that must not, as
//! `dsca pcap` reads them out of a capture. (The recorded captures of dsca-pcap's tests
//! are judged by these rules too.) Names are reserved (`*.example`), addresses are
//! documentation ranges.

use dsca_model::network::{
    ConnectionActivity, HostActivity, NameActivity, NameKind, NetworkActivity,
};
use dsca_model::{Finding, Severity};
use dsca_rules::{analyse_capture, rule_by_id};

mod connection_to_unresolved_ip;
mod dns_lookup_outside_allowlist;
mod host_outside_allowlist;

const FIRST: &str = "2026-11-21T14:07:40.797565Z";
const LAST: &str = "2026-11-21T14:07:41.100000Z";

fn name(name: &str, kind: NameKind, allowed: bool) -> NameActivity {
    NameActivity {
        name: name.into(),
        kind,
        allowed,
        queries: 2,
        responses: 1,
        first_seen: FIRST.into(),
        last_seen: LAST.into(),
        query_types: vec!["A".into(), "AAAA".into()],
        response_codes: Vec::new(),
        servers: vec!["192.0.2.53".into()],
        answers: vec!["198.51.100.7".into()],
        clients: vec!["192.0.2.10".into()],
    }
}

fn host(host: &str, allowed: bool) -> HostActivity {
    HostActivity {
        host: host.into(),
        allowed,
        count: 1,
        first_seen: FIRST.into(),
        last_seen: LAST.into(),
        destinations: vec!["198.51.100.7:443".into()],
        requests: vec!["POST /collect".into()],
    }
}

fn connection(destination: &str, port: u16, names: &[&str]) -> ConnectionActivity {
    ConnectionActivity {
        protocol: "tcp".into(),
        destination: destination.into(),
        port,
        names: names.iter().map(|name| name.to_string()).collect(),
        count: 3,
        first_seen: FIRST.into(),
        last_seen: LAST.into(),
        clients: vec!["192.0.2.10".into()],
    }
}

/// The findings of `rule` over `network`, each within its rule's documented severities.
fn findings(network: &NetworkActivity, rule: &str) -> Vec<Finding> {
    let findings = analyse_capture(network).findings;
    for finding in &findings {
        let documented = rule_by_id(&finding.rule).expect("a catalogued rule");
        assert!(documented.severities.contains(&finding.severity));
        assert_eq!(finding.severity, Severity::Medium);
    }
    findings.into_iter().filter(|f| f.rule == rule).collect()
}
