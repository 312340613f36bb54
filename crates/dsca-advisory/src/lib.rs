//! An offline database of OSV advisories for malicious npm packages (the format of the
//! OpenSSF malicious-packages project and of OSV's per-ecosystem `all.zip`), so a scan
//! can say "this exact version is a known malicious release" without a network round trip.
//!
//! - [`parse_record`] reads one OSV record and keeps what matching needs: npm packages,
//!   listed versions, SEMVER/ECOSYSTEM ranges, the withdrawn mark and network IOCs.
//! - [`Source`] is where an update reads records from: a directory in any OSV layout, a
//!   single `.json`/`.jsonl` file (what `dsca export --format osv` writes), a zip of
//!   records, or an http(s) URL of such a zip. Records that cannot be used are skipped
//!   and counted with a one-line reason each; a source that cannot be read at all (a
//!   truncated zip, an HTTP error) fails the update.
//! - [`update`] builds a new copy of the database and swaps it in atomically, so a
//!   failed or interrupted update leaves the previous copy usable; [`status`] says what
//!   is installed and how old it is.
//! - [`Database`] answers lookups from a name-sorted index held in memory and a blob of
//!   per-package records of which only the asked-for ones are read and parsed, so opening
//!   a 200,000-record database and checking a whole lockfile takes milliseconds.
//! - [`IocIndex`] maps the advisories' domains, IPs and URLs back to advisories, for the
//!   sandbox's network log.
//!
//! Zips are read by a small central-directory reader of our own (stored and deflate
//! entries, zip64, data descriptors; about 300 lines) on top of `flate2` rather than the
//! `zip` crate, which would add itself, typed-path and constant_time_eq to the tree for
//! the one format feature we need, and whose limits we would have to wrap anyway. Ours
//! checks the entry count and the central directory size before it allocates, refuses
//! any entry over 4 MiB by its declared size, inflates into a buffer no larger than that declared size (plus one
//! byte, to catch a lie) and checks the CRC, so no archive (zip bomb, lying headers,
//! fake entry counts) makes it hold more than one record's bytes at a time. It reuses
//! one inflater and its buffers for every entry, which also keeps the heap flat over a
//! few hundred thousand entries.

mod collect;
mod db;
mod iocs;
mod record;
mod source;
mod zip;

pub use collect::{Loaded, MAX_ENTRIES, MAX_TOTAL_BYTES};
pub use db::{Database, Match, Status, UpdateSummary, age, install, status, update};
pub use iocs::{IocIndex, IocKind, IocMatch, IocSource};
pub use record::{
    AffectedPackage, Basis, Event, Iocs, MAX_NAME_BYTES, MAX_RECORD_BYTES, MAX_VERSIONS, Range,
    Record, RecordError, parse_record,
};
pub use source::{MAX_DOWNLOAD_BYTES, Source};
pub use zip::load_zip_bytes;

use std::path::PathBuf;

/// Everything that fails a whole operation. Messages are one line, for a user; records
/// that are merely unusable are not errors but skip reasons (see [`Loaded`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdvisoryError {
    #[error("no advisory database in {}; update it first", dir.display())]
    NoDatabase { dir: PathBuf },

    #[error("the advisory database in {} is unreadable ({reason}); update it again", path.display())]
    Corrupt { path: PathBuf, reason: String },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{source_name} is not a usable zip of OSV records: {reason}")]
    Zip { source_name: String, reason: String },

    #[error("HTTP {status} fetching {url}")]
    Http { url: String, status: u16 },

    #[error("network error fetching {url}: {reason}")]
    Network { url: String, reason: String },

    #[error("{what} exceeds the limit of {limit}")]
    Limit { what: String, limit: String },

    #[error("no npm advisories found in {source_name}; the database was left as it was")]
    NoRecords { source_name: String },

    #[error("{0}")]
    Source(String),
}

impl AdvisoryError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        AdvisoryError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Keeps text from a record or an archive on one printable line: a hostile record must
/// not be able to forge output lines or send terminal escapes.
pub(crate) fn one_line(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// The little-endian unsigned integer of `width` bytes at `at`, 0 past the end: the
/// index and zip readers check bounds themselves and must never panic on bad input.
pub(crate) fn le(bytes: &[u8], at: usize, width: usize) -> u64 {
    at.checked_add(width)
        .and_then(|end| bytes.get(at..end))
        .map_or(0, |b| {
            b.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x))
        })
}
