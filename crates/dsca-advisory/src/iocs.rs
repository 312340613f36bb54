//! Network indicators (domains, IPs, URLs) of live advisories, for matching what a
//! package did in the sandbox against what advisories say malicious packages contact.

use crate::record::Record;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Indicators, normalised (lowercase, canonical IPs, parsed URLs), each mapped to the
/// advisories that name it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IocIndex {
    domains: BTreeMap<String, Vec<IocSource>>,
    ips: BTreeMap<String, Vec<IocSource>>,
    urls: BTreeMap<String, Vec<IocSource>>,
    /// The host of each IOC URL: a hit here is weaker than a listed domain, since the
    /// URL may sit on a shared host (a paste site, github.com).
    url_hosts: BTreeMap<String, Vec<IocSource>>,
}

/// An advisory that names an indicator, with the packages it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IocSource {
    pub advisory: String,
    pub packages: Vec<String>,
}

/// Which list of the advisory the indicator came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IocKind {
    /// A listed domain, matched exactly or by a subdomain.
    Domain,
    Ip,
    Url,
    /// The host of a listed URL, matched exactly.
    UrlHost,
}

/// One hit: the indicator as indexed and the advisory naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IocMatch<'a> {
    pub kind: IocKind,
    pub indicator: &'a str,
    pub source: &'a IocSource,
}

impl IocIndex {
    /// Adds a record's indicators (the caller leaves withdrawn records out).
    pub(crate) fn add(&mut self, record: &Record) {
        let source = IocSource {
            advisory: record.id.clone(),
            packages: record.packages.iter().map(|p| p.name.clone()).collect(),
        };
        for domain in &record.iocs.domains {
            let domain = normalize_host(domain);
            // A bare TLD as an "indicator" would match every host under it.
            if domain.contains('.') {
                insert(&mut self.domains, domain, &source);
            }
        }
        for ip in &record.iocs.ips {
            insert(&mut self.ips, normalize_ip(ip), &source);
        }
        for url in &record.iocs.urls {
            let (url, host) = normalize_url(url);
            insert(&mut self.urls, url, &source);
            if let Some(host) = host {
                insert(&mut self.url_hosts, host, &source);
            }
        }
    }

    /// Every listed domain, IP and URL with the advisories naming it, for searching
    /// texts for all of them at once.
    pub fn entries(&self) -> impl Iterator<Item = (IocKind, &str, &[IocSource])> {
        [
            (IocKind::Domain, &self.domains),
            (IocKind::Ip, &self.ips),
            (IocKind::Url, &self.urls),
        ]
        .into_iter()
        .flat_map(|(kind, map)| {
            map.iter()
                .map(move |(key, sources)| (kind, key.as_str(), sources.as_slice()))
        })
    }

    /// The number of distinct indicators (domains, IPs, URLs).
    pub fn len(&self) -> usize {
        self.domains.len() + self.ips.len() + self.urls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A host name seen on the wire: IOC domains it equals or is a subdomain of, and IOC
    /// URLs on exactly this host. An IP literal is matched as by [`IocIndex::match_ip`].
    pub fn match_host(&self, host: &str) -> Vec<IocMatch<'_>> {
        let host = normalize_host(host);
        if host.parse::<IpAddr>().is_ok() {
            return self.match_ip(&host);
        }
        let mut hits = Vec::new();
        let mut suffix = host.as_str();
        loop {
            hits.extend(lookup(&self.domains, suffix, IocKind::Domain));
            match suffix.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => suffix = parent,
                _ => break,
            }
        }
        hits.extend(lookup(&self.url_hosts, &host, IocKind::UrlHost));
        hits
    }

    /// An IP address (v4 or v6, in any textual form `std` reads).
    pub fn match_ip(&self, ip: &str) -> Vec<IocMatch<'_>> {
        let ip = normalize_ip(ip);
        let mut hits = lookup(&self.ips, &ip, IocKind::Ip);
        hits.extend(lookup(&self.url_hosts, &ip, IocKind::UrlHost));
        hits
    }

    /// A full URL, compared after normalisation (case, default port, empty path).
    pub fn match_url(&self, url: &str) -> Vec<IocMatch<'_>> {
        lookup(&self.urls, &normalize_url(url).0, IocKind::Url)
    }
}

fn insert(map: &mut BTreeMap<String, Vec<IocSource>>, key: String, source: &IocSource) {
    if key.is_empty() {
        return;
    }
    let sources = map.entry(key).or_default();
    if !sources.iter().any(|s| s.advisory == source.advisory) {
        sources.push(source.clone());
    }
}

fn lookup<'a>(
    map: &'a BTreeMap<String, Vec<IocSource>>,
    key: &str,
    kind: IocKind,
) -> Vec<IocMatch<'a>> {
    map.get_key_value(key)
        .into_iter()
        .flat_map(|(indicator, sources)| {
            sources.iter().map(move |source| IocMatch {
                kind,
                indicator,
                source,
            })
        })
        .collect()
}

/// Lowercase, no trailing dot, no `*.` wildcard, no brackets around an IPv6 literal; a
/// URL given where a domain was expected yields its host.
fn normalize_host(host: &str) -> String {
    let host = host.trim();
    if host.contains("://")
        && let Some(parsed) = normalize_url(host).1
    {
        return parsed;
    }
    let host = host
        .strip_prefix("*.")
        .unwrap_or(host)
        .trim_end_matches('.');
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.to_lowercase()
}

fn normalize_ip(ip: &str) -> String {
    let ip = normalize_host(ip);
    ip.parse::<IpAddr>().map_or(ip, |parsed| parsed.to_string())
}

/// The URL's comparable form and its host.
fn normalize_url(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url.trim()) {
        Ok(parsed) => {
            let host = parsed.host_str().map(normalize_host);
            (parsed.as_str().to_lowercase(), host)
        }
        Err(_) => (url.trim().to_lowercase(), None),
    }
}
