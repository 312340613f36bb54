//! The offline copy of the known-malware advisories (`dsca db update`) that every scan
//! reads: where it lives, how a session opens it, and `dsca db update` / `dsca db status`.

use anyhow::Context as _;
use dsca_advisory::{AdvisoryError, Database, Source, Status};
use dsca_registry::Cache;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A copy older than this is used with a warning.
pub const STALE_AFTER_DAYS: u64 = 7;

/// Where the database lives under the cache directory (default: the usual cache).
pub fn database_dir(cache_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let root = match cache_dir {
        Some(dir) => dir.to_path_buf(),
        None => Cache::from_env()?.root().to_path_buf(),
    };
    Ok(root.join("advisories"))
}

/// How many whole days old the copy is.
pub fn age_days(status: &Status) -> Option<u64> {
    status.age().map(|age| age.as_secs() / 86_400)
}

/// The database every scan of this session reads, or `None` when there is no copy
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

/// OSV's export of every npm advisory; only the malware records are kept.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";

/// `dsca db update`: fill the copy under `cache_dir` from `from` (a directory, a zip or
/// a URL; default OSV's export) and say what it holds.
pub fn update(
    from: Option<&str>,
    cache_dir: Option<&Path>,
    verbose: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let from = from.unwrap_or(DEFAULT_SOURCE);
    let dir = database_dir(cache_dir)?;
    let source = Source::from_arg(from);
    let summary = dsca_advisory::update(&source, &dir)
        .with_context(|| format!("cannot update the advisory database from {source}"))?;
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
    Ok(())
}

/// `dsca db status`: what the copy under `cache_dir` holds, as text or JSON.
pub fn print_status(
    cache_dir: Option<&Path>,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let dir = database_dir(cache_dir)?;
    let Some(status) = dsca_advisory::status(&dir) else {
        anyhow::bail!(
            "no advisory database in {}: run `dsca db update` (or `dsca db update --from DIR|ZIP|URL`)",
            dir.display()
        );
    };
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
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(());
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
    Ok(())
}
