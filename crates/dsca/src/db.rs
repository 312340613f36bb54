//! `dsca db update` and `dsca db status`: the offline copy of the known-malware
//! advisories that every scan reads (see `dsca_advisory`).

use crate::cli::DbCommand;
use anyhow::Context as _;
use dsca_advisory::Source;
use dsca_session::advisories::{age_days, database_dir};
use std::io::Write as _;
use std::path::PathBuf;

/// OSV's export of every npm advisory; only the malware records are kept.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";

pub fn run(command: DbCommand) -> anyhow::Result<u8> {
    match command {
        DbCommand::Update {
            from,
            cache_dir,
            verbose,
        } => update(
            from.as_deref().unwrap_or(DEFAULT_SOURCE),
            cache_dir,
            verbose,
        ),
        DbCommand::Status { cache_dir, json } => status(cache_dir, json),
    }
}

fn update(from: &str, cache_dir: Option<PathBuf>, verbose: bool) -> anyhow::Result<u8> {
    let dir = database_dir(cache_dir.as_deref())?;
    let source = Source::from_arg(from);
    let summary = dsca_advisory::update(&source, &dir)
        .with_context(|| format!("cannot update the advisory database from {source}"))?;
    let mut out = std::io::stdout().lock();
    let status = &summary.status;
    writeln!(
        out,
        "advisory database updated: {} advisories for {} packages ({} withdrawn) from {}",
        status.records, status.packages, status.withdrawn, status.source
    )?;
    if status.skipped > 0 {
        writeln!(
            out,
            "skipped {} records that cannot be used{}",
            status.skipped,
            if verbose {
                ":"
            } else {
                " (--verbose lists them)"
            }
        )?;
        if verbose {
            for reason in &summary.skip_reasons {
                writeln!(out, "  {}", dsca_report::sanitize_for_terminal(reason))?;
            }
        }
    }
    writeln!(out, "stored in {}", dir.display())?;
    Ok(0)
}

fn status(cache_dir: Option<PathBuf>, json: bool) -> anyhow::Result<u8> {
    let dir = database_dir(cache_dir.as_deref())?;
    let Some(status) = dsca_advisory::status(&dir) else {
        anyhow::bail!(
            "no advisory database in {}: run `dsca db update` (or `dsca db update --from DIR|ZIP|URL`)",
            dir.display()
        );
    };
    let mut out = std::io::stdout().lock();
    if json {
        let value = serde_json::json!({
            "path": dir.display().to_string(),
            "records": status.records,
            "packages": status.packages,
            "withdrawn": status.withdrawn,
            "skipped": status.skipped,
            "source": status.source,
            "updated_at": status.updated_at,
            "age_days": age_days(&status),
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(out, "advisory database: {}", dir.display())?;
    writeln!(
        out,
        "  {} advisories for {} packages ({} withdrawn, {} records skipped)",
        status.records, status.packages, status.withdrawn, status.skipped
    )?;
    writeln!(out, "  from {}", status.source)?;
    match age_days(&status) {
        Some(days) => writeln!(out, "  updated {} ({days} days ago)", status.updated_at)?,
        None => writeln!(out, "  updated {}", status.updated_at)?,
    }
    Ok(0)
}
