//! DSCA1011: the sandboxed run contacted a domain, address or URL that a malware
//! advisory lists as its infrastructure.

use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::advisory::KnownIndicators;
use dsca_model::dynamic::DynamicAnalysis;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    id: "DSCA1011",
    name: "contacted-known-malicious-indicator",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Critical,
    title: "Contacted the infrastructure of known malware",
    problem: "While it ran in the sandbox, the package looked up, connected to or requested \
        a domain, address or URL that a malware advisory (OSV MAL- record) lists as the \
        command-and-control or drop server of a known malicious package. The same server \
        serving a new package is the same campaign.",
    next_steps: "Do not install this version. Read the advisory named: it says what the \
        campaign steals or drops. Search your network logs for the indicator and treat \
        machines that reached it as compromised.",
    severities: &[Severity::Critical],
    catches: "a name looked up, an address connected to, a TLS server name or a URL requested \
        is a domain, IP or URL a malware advisory lists (`dsca db update`); subdomains \
        of a listed domain count",
};

pub(crate) fn check(run: &DynamicAnalysis, known: &dyn KnownIndicators, out: &mut Analysis) {
    // What the run contacted, as (what, how it was seen).
    let mut seen: Vec<(String, String)> = Vec::new();
    for query in &run.dns {
        seen.push((query.name.clone(), format!("looked up `{}`", query.name)));
    }
    for connection in &run.connections {
        seen.push((
            connection.destination.clone(),
            format!(
                "connected to {}:{}",
                connection.destination, connection.port
            ),
        ));
        if let Some(sni) = &connection.sni {
            seen.push((sni.clone(), format!("opened TLS to `{sni}`")));
        }
    }
    for request in &run.http {
        seen.push((
            request.url.clone(),
            format!("requested {} {}", request.method, request.url),
        ));
    }
    let mut reported = BTreeSet::new();
    let mut evidence = Vec::new();
    let mut first = None;
    for (value, how) in seen.iter().take(10_000) {
        for hit in known.lookup(value) {
            if !reported.insert((how.clone(), hit.advisory.clone())) {
                continue;
            }
            let packages = hit.packages.join(", ");
            first.get_or_insert_with(|| {
                (
                    hit.indicator.clone(),
                    hit.advisory.clone(),
                    packages.clone(),
                )
            });
            evidence.push(Evidence::new(format!(
                "{}: `{}` is listed by {} ({packages})",
                crate::inline_code::short(how),
                hit.indicator,
                hit.advisory
            )));
        }
    }
    let Some((indicator, advisory, packages)) = first else {
        return;
    };
    let finding = Finding::new(
        &RULE,
        format!("contacted `{indicator}`, the same infrastructure as {advisory} ({packages})"),
    );
    out.findings.push(
        cap_evidence(evidence)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}
