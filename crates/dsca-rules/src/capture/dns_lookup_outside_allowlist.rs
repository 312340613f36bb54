//! DSCA901: a capture shows a unicast DNS query for a name outside the allowlist.

use crate::Analysis;
use dsca_model::network::{NameKind, NetworkActivity};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA901",
    name: "dns-lookup-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "DNS lookup of a name outside the allowlist",
    problem: "The capture shows a DNS query for a name that is neither the npm registry nor \
              on the allowlist. An install that only fetches packages has no reason to \
              resolve other names; malicious install scripts resolve their command-and-control \
              or exfiltration hosts, and some leak data inside the queried name itself.",
    next_steps: "Find which process asked (the client address and time tell when in the build). \
                 If the name is expected (a mirror, a binary download host of a known native \
                 package), add it with --allow or --allow-file. Otherwise treat the packages \
                 installed in that build as suspect and look for install scripts that reach \
                 the network.",
    severities: &[Severity::Medium],
    catches: "a DNS query for a name outside the allowlist (mDNS and LLMNR stay on the link \
        and are not judged)",
};

pub(crate) fn check(network: &NetworkActivity, out: &mut Analysis) {
    // mDNS and LLMNR never leave the network segment: no allowlist applies to them.
    for name in network
        .names
        .iter()
        .filter(|name| name.kind == NameKind::Dns && !name.allowed)
    {
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
        out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "DNS lookup of `{}`, which is not on the allowlist",
                    name.name
                ),
            )
            .with_evidence(Evidence::new(detail)),
        );
    }
}
