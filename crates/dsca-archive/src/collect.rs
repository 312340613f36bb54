//! Limit accounting and de-duplication shared by the tarball and directory readers.

use std::collections::HashMap;
use std::io::{self, Read};

use crate::{Anomaly, AnomalyKind, ArchiveError, Limits, PackageContents, PackageFile};

pub(crate) struct Collector<'l> {
    limits: &'l Limits,
    contents: PackageContents,
    /// Index into `contents.files` by path, so duplicates are found without a scan.
    seen: HashMap<String, usize>,
    entries: usize,
}

impl<'l> Collector<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Collector {
            limits,
            contents: PackageContents::default(),
            seen: HashMap::new(),
            entries: 0,
        }
    }

    /// Counts one more entry of any kind against `max_entries`.
    pub(crate) fn count_entry(&mut self) -> Result<(), ArchiveError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: self.limits.max_entries,
            });
        }
        Ok(())
    }

    pub(crate) fn max_file_bytes(&self) -> u64 {
        self.limits.max_file_bytes
    }

    /// 1-based number of the entry counted last, for error messages.
    pub(crate) fn entry_number(&self) -> usize {
        self.entries
    }

    pub(crate) fn anomaly(&mut self, kind: AnomalyKind, raw_path: &str) {
        self.contents.anomalies.push(Anomaly {
            kind,
            path: raw_path.to_owned(),
        });
    }

    pub(crate) fn is_duplicate(&self, path: &str) -> bool {
        self.seen.contains_key(path)
    }

    /// Checks a file against the per-file and total limits: from its declared size
    /// before any of it is read, and again from the bytes actually read.
    pub(crate) fn check_size(&self, path: &str, size: u64) -> Result<(), ArchiveError> {
        if size > self.limits.max_file_bytes {
            return Err(ArchiveError::FileTooLarge {
                path: path.to_owned(),
                size,
                limit: self.limits.max_file_bytes,
            });
        }
        if self.contents.total_bytes.saturating_add(size) > self.limits.max_total_bytes {
            return Err(ArchiveError::TotalTooLarge {
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(())
    }

    /// Adds a file; a file of the same path that came earlier is replaced, as npm's
    /// extractor would overwrite it.
    pub(crate) fn push_file(&mut self, path: String, data: Vec<u8>, mode: u32) {
        self.contents.total_bytes += data.len() as u64;
        if let Some(&index) = self.seen.get(&path)
            && let Some(earlier) = self.contents.files.get_mut(index)
        {
            self.contents.total_bytes -= earlier.data.len() as u64;
            earlier.data = data;
            earlier.mode = mode;
            return;
        }
        self.seen.insert(path.clone(), self.contents.files.len());
        self.contents.files.push(PackageFile { path, data, mode });
    }

    pub(crate) fn finish(self) -> PackageContents {
        self.contents
    }
}

/// Reads a file's bytes, at most one byte past `limit`, so that a size that was declared
/// wrongly (or grew on disk) still shows up when the result is passed to `check_size`.
pub(crate) fn read_capped(
    reader: impl Read,
    declared_size: u64,
    limit: u64,
) -> io::Result<Vec<u8>> {
    // Never let a declared size drive an allocation beyond the limit.
    let capacity = usize::try_from(declared_size.min(limit)).unwrap_or(0);
    let mut data = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)?;
    Ok(data)
}
