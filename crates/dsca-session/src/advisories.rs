//! The offline copy of the known-malware advisories (`dsca db update`) that every scan
//! reads: where it lives and how a session opens it.

use dsca_advisory::{AdvisoryError, Database, Status};
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
