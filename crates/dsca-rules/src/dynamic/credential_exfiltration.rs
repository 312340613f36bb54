//! DSCA1009: a bait credential left the package, caught in what it sent.

use super::{RunContext, short};
use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1009",
    name: "credential-exfiltration",
    category: Category::Network,
    signal: Signal::Behaviour,
    severity: Severity::Critical,
    title: "Sent stolen credentials out",
    problem: "dsca planted bait credentials in the sandbox (an npm token, cloud keys, an SSH \
        key) and found their values in what the package sent out: in a DNS name, an HTTP(S) \
        request or a raw connection, plain or encoded. This is not a capability or a \
        pattern; it is the theft itself, caught.",
    next_steps: "This version is malware. Do not install it; report it to npm. On every \
        machine and CI runner that installed it, rotate the real credentials of the same \
        kinds (npm tokens first), look for their use, and check for persistence.",
    severities: &[Severity::Critical],
    catches: "a bait value found in what the package sent out",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let exfiltrations = &run.run.honeytokens.exfiltrations;
    let Some(first) = exfiltrations.first() else {
        return;
    };
    let mut message = format!(
        "sent the bait {} out over {} to `{}`",
        short(&first.token, 60),
        short(&first.channel, 12),
        short(&first.destination, 120)
    );
    if exfiltrations.len() > 1 {
        message.push_str(&format!(" (and {} more)", exfiltrations.len() - 1));
    }
    let evidence = exfiltrations
        .iter()
        .map(|e| {
            Evidence::new(format!(
                "{} ({} encoded) over {} to `{}` at {} ms",
                short(&e.token, 60),
                short(&e.encoding, 16),
                short(&e.channel, 12),
                short(&e.destination, 200),
                e.time_ms
            ))
        })
        .collect();
    let finding = Finding::new(&RULE, message);
    out.findings.push(
        cap_evidence(evidence)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}
