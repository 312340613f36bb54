//! Capture rules: what a packet capture of a build shows outside its allowlist
//! (DSCA901–DSCA949), judged from the network section `dsca pcap` reads out of it.
//! The allowlist's verdict is already on each name and host (`allowed`).

pub mod connection_to_unresolved_ip;
pub mod dns_lookup_outside_allowlist;
pub mod http_host_outside_allowlist;
pub mod tls_sni_outside_allowlist;

use crate::Analysis;
use dsca_model::network::{HostActivity, NetworkActivity};
use dsca_model::{Evidence, Finding, Rule};

pub(crate) type Check = fn(&NetworkActivity, &mut Analysis);

/// Judge one capture's network section with `checks` (the capture rules of the rule
/// table).
pub(crate) fn analyse(network: &NetworkActivity, checks: &[Check]) -> Analysis {
    let mut analysis = Analysis::default();
    for check in checks {
        check(network, &mut analysis);
    }
    analysis
}

/// The finding for a TLS server name or HTTP host outside the allowlist, with up to
/// three of its requests.
fn host_finding(rule: &'static Rule, what: &str, host: &HostActivity) -> Finding {
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
