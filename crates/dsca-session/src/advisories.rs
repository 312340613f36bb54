//! The offline copy of the known-malware advisories (`dsca db update`) that every scan
//! reads: where it lives, how a session opens it, and `dsca db update` / `dsca db status`.

use crate::notices::Notices;
use anyhow::Context as _;
use dsca_advisory::{AdvisoryError, Database, Source, Status};
use dsca_model::advisory::DatabaseInfo;
use dsca_registry::Cache;
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
    dsca_advisory::age(status).map(|age| age.as_secs() / 86_400)
}

/// The database every scan of this session reads, or `None` when there is no copy
/// (scans never download it). A stale or unreadable copy is a warning.
pub fn open_for_scans(cache_root: &Path, notices: &Notices) -> Option<std::sync::Arc<Database>> {
    let dir = cache_root.join("advisories");
    match Database::open(&dir) {
        Ok(db) => {
            if let Some(days) = dsca_advisory::status(&dir)
                .as_ref()
                .and_then(age_days)
                .filter(|days| *days > STALE_AFTER_DAYS)
            {
                notices.warning(&format!(
                    "the advisory database is {days} days old; run `dsca db update`"
                ));
            }
            Some(std::sync::Arc::new(db))
        }
        Err(AdvisoryError::NoDatabase { .. }) => None,
        Err(err) => {
            notices.warning(&format!("known-malware advisories not checked: {err}"));
            None
        }
    }
}

/// OSV's export of every npm advisory; only the malware records are kept.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";

/// What the copy in `dir` holds, as the report shows it.
fn info(dir: &Path, status: &Status) -> DatabaseInfo {
    DatabaseInfo {
        path: dir.display().to_string(),
        status: status.clone(),
        age_days: age_days(status),
    }
}

/// `dsca db update`: fill the copy under `cache_dir` from `from` (a directory, a zip or
/// a URL; default OSV's export). Returns what it holds and the skip reasons.
pub fn update(
    from: Option<&str>,
    cache_dir: Option<&Path>,
) -> anyhow::Result<(DatabaseInfo, Vec<String>)> {
    let from = from.unwrap_or(DEFAULT_SOURCE);
    let dir = database_dir(cache_dir)?;
    let source = Source::from_arg(from);
    let summary = dsca_advisory::update(&source, &dir)
        .with_context(|| format!("cannot update the advisory database from {source}"))?;
    Ok((info(&dir, &summary.status), summary.skip_reasons))
}

/// `dsca db status`: what the copy under `cache_dir` holds.
pub fn status(cache_dir: Option<&Path>) -> anyhow::Result<DatabaseInfo> {
    let dir = database_dir(cache_dir)?;
    let Some(status) = dsca_advisory::status(&dir) else {
        anyhow::bail!(
            "no advisory database in {}: run `dsca db update` (or `dsca db update --from DIR|ZIP|URL`)",
            dir.display()
        );
    };
    Ok(info(&dir, &status))
}
