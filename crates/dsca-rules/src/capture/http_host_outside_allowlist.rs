//! DSCA903: a plain HTTP request in a capture goes to a host outside the allowlist.

use super::host_finding;
use crate::Analysis;
use dsca_model::network::NetworkActivity;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA903",
    name: "http-host-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Plain HTTP request to a host outside the allowlist",
    problem: "An HTTP request went to a host that is not on the allowlist, unencrypted. \
              Payload downloads and beacons often use plain HTTP; anything fetched this way \
              could also have been altered on the path.",
    next_steps: "Look at the request line for what was fetched or sent. Allow the host if it \
                 is expected; otherwise find the package that made the request.",
    severities: &[Severity::Medium],
    catches: "a plain HTTP request whose `Host` is outside the allowlist",
};

pub(crate) fn check(network: &NetworkActivity, out: &mut Analysis) {
    for host in network.http_hosts.iter().filter(|host| !host.allowed) {
        out.findings.push(host_finding(&RULE, "HTTP host", host));
    }
}
