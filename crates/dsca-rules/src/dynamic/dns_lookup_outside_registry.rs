//! DSCA1001: the run looked up names that are not the registry's.

use super::{RunContext, count, host_part, is_build_host, short};
use crate::Analysis;
use crate::code::strings::{classify_host, entropy, ip_class};
use crate::code::tables::DestinationClass;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::DnsQuery;
use dsca_model::{Category, Evidence, Rule, Severity, Signal};
use std::collections::{BTreeMap, BTreeSet};

pub const RULE: Rule = Rule {
    id: "DSCA1001",
    name: "dns-lookup-outside-registry",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Looked up names outside the registry while installed",
    problem: "While it was installed or imported in the sandbox, the package (or a program \
        it started) asked DNS for names other than the registry's. Installing a package \
        only needs the registry; a lookup of another name is the first step of a download, \
        a beacon or an upload, and a name made of data (long or random labels) is itself \
        the upload: DNS tunnelling carries stolen values out in the labels.",
    next_steps: "Look at the names and the program that asked for them. A known build host \
        (nodejs.org headers, GitHub release binaries of a native addon) explains itself; \
        a webhook, collaborator, tunnel or dynamic-DNS name, or labels that look like \
        encoded data, do not: do not install this version, and rotate any credentials a \
        machine that installed it could reach.",
    severities: &[Severity::Low, Severity::Medium, Severity::High],
    catches: "low for node headers/GitHub release hosts; high for webhook, OAST, paste, \
        tunnel, dynamic-DNS or IP-lookup names and for names made of data (long, hex or \
        random labels, many names under one domain)",
};

/// Resolvers a program names when it wants to bypass the system's.
const PUBLIC_RESOLVERS: &[&str] = &[
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
];

/// A label this long holds data, not a word.
const DATA_LABEL_CHARS: usize = 40;
/// A label at least this long that is also this random (bits per character) holds data.
const RANDOM_LABEL_CHARS: usize = 20;
const RANDOM_LABEL_ENTROPY: f64 = 3.6;
/// A label of this many hex digits is encoded data.
const HEX_LABEL_CHARS: usize = 24;
/// Names longer than this, or with more labels, are built, not registered.
const DATA_NAME_CHARS: usize = 120;
const DATA_NAME_LABELS: usize = 8;
/// This many distinct names under one parent domain is a channel, not a service.
const TUNNEL_NAMES_PER_PARENT: usize = 10;

/// What was seen of one name.
#[derive(Default)]
struct Name<'a> {
    queries: usize,
    types: BTreeSet<&'a str>,
    resolvers: BTreeSet<&'a str>,
    pids: BTreeSet<u32>,
}

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let mut names: BTreeMap<&str, Name> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for query in run.run.dns.iter().filter(|q| !q.registry) {
        let entry = names.entry(query.name.as_str()).or_insert_with(|| {
            order.push(query.name.as_str());
            Name::default()
        });
        entry.queries += 1;
        entry.types.insert(query.qtype.as_str());
        entry.resolvers.insert(query.resolver.as_str());
        entry.pids.extend(query.pid);
    }
    if order.is_empty() {
        return;
    }
    let tunnels = tunnel_parents(&order);
    let mut severity = Severity::Low;
    let mut reasons: BTreeSet<String> = BTreeSet::new();
    let mut evidence = Vec::new();
    for name in &order {
        let Some(seen) = names.get(name) else {
            continue;
        };
        let mut notes = Vec::new();
        let mut weight = if is_build_host(name) {
            Severity::Low
        } else {
            Severity::Medium
        };
        if let Some(class) = classify_host(name).filter(|c| is_bad_destination(*c)) {
            weight = Severity::High;
            notes.push(class.describe().to_string());
            reasons.insert(class.describe().to_string());
        }
        if let Some(why) = data_in_name(name) {
            weight = Severity::High;
            notes.push(why.to_string());
            reasons.insert("names made of data (DNS tunnelling)".into());
        } else if tunnels.contains(parent(name)) {
            weight = Severity::High;
            notes.push(format!("one of many names under `{}`", parent(name)));
            reasons.insert("names made of data (DNS tunnelling)".into());
        }
        let direct: Vec<&str> = seen
            .resolvers
            .iter()
            .copied()
            .filter(|r| is_direct_resolver(run, r))
            .collect();
        if !direct.is_empty() {
            weight = weight.max(Severity::Medium);
            notes.push(format!("asked {} directly", direct.join(", ")));
            reasons.insert("a hard-coded resolver".into());
        }
        severity = severity.max(weight);
        evidence.push(describe(run, name, seen, &notes));
    }
    let mut message = format!(
        "looked up {} outside the registry",
        count(order.len(), "name", "names")
    );
    if !reasons.is_empty() {
        let reasons: Vec<String> = reasons.into_iter().collect();
        message.push_str(&format!(" (including {})", reasons.join(", ")));
    }
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

fn describe(run: &RunContext, name: &str, seen: &Name, notes: &[String]) -> Evidence {
    let types: Vec<&str> = seen.types.iter().copied().collect();
    let resolvers: Vec<&str> = seen.resolvers.iter().take(3).copied().collect();
    let mut detail = format!(
        "`{}` ({}) asked {} via {}",
        short(name, 120),
        types.join(", "),
        count(seen.queries, "time", "times"),
        resolvers.join(", ")
    );
    if let Some(&pid) = seen.pids.iter().next() {
        detail.push_str(&run.by_process(Some(pid)));
        if seen.pids.len() > 1 {
            detail.push_str(&format!(" and {} more", seen.pids.len() - 1));
        }
    }
    if !notes.is_empty() {
        detail.push_str(&format!(": {}", notes.join("; ")));
    }
    Evidence::new(detail)
}

fn is_bad_destination(class: DestinationClass) -> bool {
    class.is_drop_box()
        || matches!(
            class,
            DestinationClass::DynamicDns | DestinationClass::IpLookup
        )
}

/// Why a name looks like it carries data, if it does.
pub(crate) fn data_in_name(name: &str) -> Option<&'static str> {
    let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
    if labels.iter().any(|l| l.len() >= DATA_LABEL_CHARS) {
        return Some("a label long enough to carry data");
    }
    if labels
        .iter()
        .any(|l| l.len() >= HEX_LABEL_CHARS && l.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Some("a hex-encoded label (encoded data)");
    }
    if labels.iter().any(|l| {
        l.len() >= RANDOM_LABEL_CHARS
            && entropy(l) >= RANDOM_LABEL_ENTROPY
            && l.bytes().any(|b| b.is_ascii_digit())
    }) {
        return Some("a random-looking label (encoded data)");
    }
    if name.len() > DATA_NAME_CHARS || labels.len() > DATA_NAME_LABELS {
        return Some("a name too long or too deep for a service");
    }
    None
}

/// The last two labels: the domain a name belongs to (good enough to group names).
fn parent(name: &str) -> &str {
    let mut dots = name.rmatch_indices('.');
    dots.next();
    match dots.next() {
        Some((at, _)) => &name[at + 1..],
        None => name,
    }
}

/// Parent domains with many distinct names under them.
fn tunnel_parents<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    let mut per_parent: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        *per_parent.entry(parent(name)).or_default() += 1;
    }
    per_parent
        .into_iter()
        .filter(|(parent, n)| *n >= TUNNEL_NAMES_PER_PARENT && !is_build_host(parent))
        .map(|(parent, _)| parent)
        .collect()
}

/// The question went to a resolver other than the sandbox's own.
fn is_direct_resolver(run: &RunContext, resolver: &str) -> bool {
    let host = host_part(resolver);
    if PUBLIC_RESOLVERS.contains(&host) {
        return true;
    }
    let own = host_part(&run.run.sandbox.resolver);
    if !own.is_empty() {
        return host != own;
    }
    // Without the sandbox's own address, only a public address is surely not it.
    host.parse()
        .is_ok_and(|ip| ip_class(ip) == DestinationClass::PublicIp)
}

/// Non-registry queries, for behaviours.
pub(crate) fn outside_registry<'a>(run: &'a RunContext) -> impl Iterator<Item = &'a DnsQuery> {
    run.run.dns.iter().filter(|q| !q.registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_names() {
        assert!(data_in_name("registry.npmjs.org").is_none());
        assert!(data_in_name("objects.githubusercontent.com").is_none());
        assert!(data_in_name("a1b2c3d4e5f6a7b8c9d0e1f2.x.example").is_some());
        assert!(data_in_name(&format!("{}.x.example", "a".repeat(45))).is_some());
        assert!(data_in_name("a.b.c.d.e.f.g.h.i.example").is_some());
        assert_eq!(parent("a.b.example"), "b.example");
        assert_eq!(parent("example"), "example");
        assert!(is_build_host("unofficial-builds.nodejs.org"));
        assert!(!is_build_host("evilnodejs.org"));
    }
}
