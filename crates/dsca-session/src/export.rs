//! `dsca export`: a store's results for other tools, streamed page by page.
//! - JSON Lines: the full report per line (BigQuery, ClickHouse, notebooks);
//! - CSV: one row per package with the columns the store indexes;
//! - OSV: one record per package judged malicious (the printers are
//!   `dsca_report::export`'s).

use anyhow::Context as _;
use dsca_model::Report;
use dsca_report::Format;
use dsca_report::export::{CSV_HEADER, csv_line, osv_record};
use dsca_store::{Store, StoredResult};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Results read per query while exporting.
const PAGE: i64 = 500;

/// Stream every result of `store` in `format` (jsonl, csv or osv) to `output` (written
/// beside it and renamed at the end: never half a file) or standard output.
pub fn export(store: &Store, format: Format, output: Option<&Path>) -> anyhow::Result<()> {
    if !Format::EXPORT.contains(&format) {
        anyhow::bail!("{format} is not a format of dsca export");
    }
    let (mut out, temp): (
        Box<dyn Write>,
        Option<(std::path::PathBuf, std::path::PathBuf)>,
    ) = match output {
        Some(path) => {
            // Written beside the target and renamed at the end: never half a file.
            let temp = path.with_extension(format!("dsca-{}.tmp", std::process::id()));
            let file = std::fs::File::create(&temp)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            (
                Box::new(BufWriter::new(file)),
                Some((temp, path.to_path_buf())),
            )
        }
        None => (Box::new(BufWriter::new(std::io::stdout().lock())), None),
    };
    if format == Format::Csv {
        writeln!(out, "{CSV_HEADER}")?;
    }
    let mut after = 0;
    loop {
        let page = store.results_after(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.job_id;
        for result in &page {
            match format {
                Format::Csv => write_csv_row(&mut out, result)?,
                Format::Osv => {
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
                // Jsonl, the last of Format::EXPORT (checked above).
                _ => writeln!(out, "{}", result.report_json)?,
            }
        }
    }
    out.flush()?;
    drop(out);
    if let Some((temp, path)) = temp {
        std::fs::rename(&temp, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
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
    writeln!(out, "{}", csv_line(&fields))?;
    Ok(())
}
