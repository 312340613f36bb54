//! What an update keeps of a source while it reads it: the records (one per id), what
//! was skipped and why, and the source-wide limits. Directory, file, URL and zip
//! readers all feed one [`Collector`].

use crate::record::{Record, parse_record};
use crate::{AdvisoryError, one_line};
use std::collections::HashMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Records (files or zip entries) one source may hold. OSV's npm `all.zip` has a few
/// hundred thousand; the limit only stops absurd or hostile archives.
pub const MAX_ENTRIES: u64 = 2_000_000;
/// Bytes of records one source may hold once uncompressed.
pub const MAX_TOTAL_BYTES: u64 = 8 << 30;
/// Skip reasons kept for the caller; the count goes on past it.
const MAX_REASONS: usize = 10_000;

/// What a source held: the usable npm records (one per id) and what was skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// Every skipped file, entry or line, including duplicates and other ecosystems.
    pub skipped: u64,
    /// One line per skip, `<file or entry>: <reason>`, the first 10,000 of them.
    pub skip_reasons: Vec<String>,
}

/// Gathers records while a source is read: enforces the source-wide limits, keeps one
/// record per id (the most recently modified) and the skip reasons.
#[derive(Default)]
pub(crate) struct Collector {
    pub(crate) loaded: Loaded,
    by_id: HashMap<String, usize>,
    entries: u64,
    bytes: u64,
}

impl Collector {
    /// Counts one file or entry of `len` bytes against the source's limits.
    pub(crate) fn count(&mut self, len: u64) -> Result<(), AdvisoryError> {
        self.entries += 1;
        self.bytes = self.bytes.saturating_add(len);
        if self.entries > MAX_ENTRIES {
            return Err(AdvisoryError::Limit {
                what: "the number of records in the source".into(),
                limit: MAX_ENTRIES.to_string(),
            });
        }
        if self.bytes > MAX_TOTAL_BYTES {
            return Err(AdvisoryError::Limit {
                what: "the uncompressed size of the source".into(),
                limit: format!("{} GiB", MAX_TOTAL_BYTES >> 30),
            });
        }
        Ok(())
    }

    /// Parses one record's bytes from `origin` (a path or entry name).
    pub(crate) fn add(&mut self, origin: &str, bytes: &[u8]) {
        match parse_record(bytes) {
            Ok(record) => self.push(origin, record),
            Err(err) => self.skip(origin, &err.to_string()),
        }
    }

    pub(crate) fn skip(&mut self, origin: &str, reason: &str) {
        self.loaded.skipped += 1;
        if self.loaded.skip_reasons.len() < MAX_REASONS {
            self.loaded
                .skip_reasons
                .push(format!("{}: {reason}", one_line(origin, 300)));
        }
    }

    fn push(&mut self, origin: &str, record: Record) {
        let Some(&index) = self.by_id.get(&record.id) else {
            self.by_id
                .insert(record.id.clone(), self.loaded.records.len());
            self.loaded.records.push(record);
            return;
        };
        // The same id twice (a record copied into two folders): keep the newer copy.
        let kept = &mut self.loaded.records[index];
        let reason = format!("a second record {}; kept the newer copy", record.id);
        if is_newer(record.modified.as_deref(), kept.modified.as_deref()) {
            *kept = record;
        }
        self.skip(origin, &reason);
    }
}

fn is_newer(candidate: Option<&str>, current: Option<&str>) -> bool {
    let parse = |t: Option<&str>| t.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    match (parse(candidate), parse(current)) {
        (Some(a), Some(b)) => a > b,
        _ => candidate > current,
    }
}
