//! DSCA902: a TLS ClientHello in a capture names a server outside the allowlist.

use super::host_finding;
use crate::Analysis;
use dsca_model::network::NetworkActivity;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA902",
    name: "tls-sni-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "TLS connection to a server name outside the allowlist",
    problem: "A TLS client announced a server name (SNI) that is not on the allowlist. \
              The build opened an encrypted connection to a host other than the registry, \
              which is how a dropper fetches its payload or a stealer sends what it found.",
    next_steps: "Match the connection to a step of the build by its time and client address. \
                 Allow the name if it is expected; otherwise find the package that connects \
                 and treat the credentials the build could reach as exposed.",
    severities: &[Severity::Medium],
    catches: "a TLS ClientHello naming a server outside the allowlist",
};

pub(crate) fn check(network: &NetworkActivity, out: &mut Analysis) {
    for host in network.tls_server_names.iter().filter(|host| !host.allowed) {
        out.findings
            .push(host_finding(&RULE, "TLS server name", host));
    }
}
