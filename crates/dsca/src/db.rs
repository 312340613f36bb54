//! `dsca db update` and `dsca db status`: the offline copy of the known-malware
//! advisories that every scan reads (see `dsca_advisory`).

use crate::cli::DbCommand;
use anyhow::Context as _;
use dsca_advisory::{AdvisoryError, Database, Source, Status};
use dsca_registry::Cache;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// OSV's export of every npm advisory; only the malware records are kept.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";

/// A copy older than this is used with a warning.
const STALE_AFTER_DAYS: u64 = 7;

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

/// Where the database lives under the cache directory.
pub fn database_dir(cache_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let root = match cache_dir {
        Some(dir) => dir.to_path_buf(),
        None => Cache::from_env()?.root().to_path_buf(),
    };
    Ok(root.join("advisories"))
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

fn age_days(status: &Status) -> Option<u64> {
    status.age().map(|age| age.as_secs() / 86_400)
}

/// The database every scan of this command reads, or `None` when there is no copy
/// (scans never download it). A stale or unreadable copy is said once on stderr.
pub fn open_for_scans(cache_root: &Path) -> Option<std::sync::Arc<Database>> {
    let dir = cache_root.join("advisories");
    match Database::open(&dir) {
        Ok(db) => {
            if let Some(days) = dsca_advisory::status(&dir)
                .as_ref()
                .and_then(age_days)
                .filter(|days| *days > STALE_AFTER_DAYS)
            {
                eprintln!(
                    "dsca: warning: the advisory database is {days} days old; run `dsca db update`"
                );
            }
            Some(std::sync::Arc::new(db))
        }
        Err(AdvisoryError::NoDatabase { .. }) => None,
        Err(err) => {
            eprintln!("dsca: warning: known-malware advisories not checked: {err}");
            None
        }
    }
}
