//! What the sandboxed run did, as neutral behaviours with counts and bounded evidence.

use super::{RunContext, count, program_name, short};
use crate::metadata::cap_evidence;
use dsca_model::{Behaviour, Category, Evidence};
use std::collections::BTreeMap;

pub(crate) fn summarise(run: &RunContext) -> Vec<Behaviour> {
    let mut out = Vec::new();

    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for query in super::dns_lookup_outside_registry::outside_registry(run) {
        *names.entry(query.name.as_str()).or_default() += 1;
    }
    push(
        &mut out,
        "dynamic.dns-outside-registry",
        Category::Network,
        format!(
            "Looked up {} outside the registry",
            count(names.len(), "domain", "domains")
        ),
        names.len(),
        names
            .iter()
            .map(|(name, n)| format!("`{}` ({})", short(name, 120), count(*n, "query", "queries")))
            .collect(),
    );

    let connections = &run.run.connections;
    push(
        &mut out,
        "dynamic.connections",
        Category::Network,
        format!(
            "Opened {}",
            count(connections.len(), "connection", "connections")
        ),
        connections.len(),
        connections
            .iter()
            .map(|c| {
                let name = c
                    .name
                    .as_deref()
                    .map(|n| format!(" (`{}`)", short(n, 80)))
                    .unwrap_or_default();
                format!(
                    "{} {}:{}{name}, {}",
                    short(&c.protocol, 8),
                    short(&c.destination, 60),
                    c.port,
                    short(&c.kind, 16)
                )
            })
            .collect(),
    );

    let requests = &run.run.http;
    push(
        &mut out,
        "dynamic.http",
        Category::Network,
        format!(
            "Made {}",
            count(requests.len(), "HTTP(S) request", "HTTP(S) requests")
        ),
        requests.len(),
        requests
            .iter()
            .map(|r| {
                format!(
                    "{} {} → {}{}",
                    short(&r.method, 12),
                    short(&r.url, 200),
                    r.status,
                    if r.registry { " (registry)" } else { "" }
                )
            })
            .collect(),
    );

    let mut programs: BTreeMap<String, usize> = BTreeMap::new();
    for exec in run.run.processes.iter().flat_map(|p| &p.execs) {
        *programs.entry(short(&program_name(exec), 60)).or_default() += 1;
    }
    push(
        &mut out,
        "dynamic.programs",
        Category::Execution,
        format!("Ran {}", count(programs.len(), "program", "programs")),
        programs.len(),
        programs
            .iter()
            .map(|(program, n)| format!("`{program}` ({})", count(*n, "time", "times")))
            .collect(),
    );

    let changes = super::write_outside_project::outside_changes(run);
    push(
        &mut out,
        "dynamic.writes-outside-project",
        Category::Filesystem,
        "Wrote files outside the project".into(),
        changes.len(),
        changes
            .iter()
            .map(|(path, event, _)| {
                format!(
                    "{} `{}`",
                    event.op.as_str(),
                    short(&run.display_path(path), 160)
                )
            })
            .collect(),
    );

    let baits = &run.run.honeytokens.reads;
    push(
        &mut out,
        "dynamic.bait-read",
        Category::Recon,
        "Read bait credentials".into(),
        baits.len(),
        baits
            .iter()
            .map(|b| {
                format!(
                    "`{}` by `{}` (pid {})",
                    short(&b.path, 120),
                    short(&b.process, 80),
                    b.pid
                )
            })
            .collect(),
    );
    out
}

fn push(
    out: &mut Vec<Behaviour>,
    id: &str,
    category: Category,
    description: String,
    n: usize,
    details: Vec<String>,
) {
    if n == 0 {
        return;
    }
    out.push(Behaviour {
        id: id.to_string(),
        category,
        description,
        count: u32::try_from(n).unwrap_or(u32::MAX),
        evidence: cap_evidence(details.into_iter().map(Evidence::new).collect()),
    });
}
