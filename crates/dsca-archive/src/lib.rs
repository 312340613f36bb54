//! Reads an npm package (a `.tgz` or an unpacked directory) into memory.
//!
//! Nothing is ever written to disk and no link is followed. Entries that a careless
//! extractor would mishandle (traversal, absolute paths, links, duplicates) are kept
//! out of `files` and reported as [`Anomaly`] values for the rules to turn into findings.
//!
//! [`read_tgz`] reads a tarball from memory, [`read_dir`] an unpacked folder; both return
//! a [`PackageContents`] or an [`ArchiveError`], never a partial result.

// Only `inflate` calls C (libdeflate), in two unsafe blocks.
#![deny(unsafe_code)]

mod collect;
mod dir;
mod error;
mod inflate;
mod path;
mod tgz;

use serde::{Deserialize, Serialize};

pub use dir::read_dir;
pub use error::ArchiveError;
pub use tgz::{ArchiveFormat, archive_format, read_tgz};

/// Largest `package.json` that [`PackageContents::manifest`] parses.
pub const MAX_MANIFEST_BYTES: usize = 5 * 1024 * 1024;

/// Bounds on what one package may unpack to. Exceeding any of them is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sum of all unpacked file sizes.
    pub max_total_bytes: u64,
    /// Number of entries (files, directories, links).
    pub max_entries: usize,
    /// Size of one unpacked file.
    pub max_file_bytes: u64,
    /// Unpacked bytes per compressed byte, checked once the output passes `ratio_floor_bytes`.
    pub max_ratio: u64,
    /// Below this many unpacked bytes the ratio is not checked (tiny archives compress well).
    pub ratio_floor_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 512 * 1024 * 1024,
            max_entries: 100_000,
            max_file_bytes: 128 * 1024 * 1024,
            max_ratio: 200,
            ratio_floor_bytes: 16 * 1024 * 1024,
        }
    }
}

/// A regular file of the package. `path` is relative to the package root: the tarball's
/// single top-level folder (`package/` for npm) is stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub data: Vec<u8>,
    /// Unix permission bits as stored in the archive (0 when unknown).
    pub mode: u32,
}

impl PackageFile {
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AnomalyKind {
    /// A `..` component that would climb out of the extraction folder.
    PathTraversal,
    /// A path that starts at the file system root (or a Windows drive).
    AbsolutePath,
    Symlink {
        target: String,
    },
    Hardlink {
        target: String,
    },
    /// A second entry with a path already seen. npm's extractor overwrites the earlier
    /// one, so the later copy is kept in `files`: it is the one that gets installed.
    Duplicate,
    /// Device files, FIFOs and other entries a package has no reason to hold.
    SpecialEntry {
        entry_type: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    #[serde(flatten)]
    pub kind: AnomalyKind,
    /// The entry's path exactly as stored in the archive (lossy UTF-8).
    pub path: String,
}

/// The package as read into memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageContents {
    /// Regular files, in archive order ([`read_dir`]: sorted by path).
    pub files: Vec<PackageFile>,
    pub anomalies: Vec<Anomaly>,
    /// Sum of the sizes of `files`.
    pub total_bytes: u64,
}

impl PackageContents {
    pub fn file(&self, path: &str) -> Option<&PackageFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The root `package.json`, parsed: `None` when there is none, `Err` with a one-line
    /// reason when it is too large or not JSON.
    pub fn manifest(&self) -> Option<Result<serde_json::Value, String>> {
        let file = self.file("package.json")?;
        Some(parse_manifest(&file.data))
    }
}

fn parse_manifest(data: &[u8]) -> Result<serde_json::Value, String> {
    if data.len() > MAX_MANIFEST_BYTES {
        return Err(format!(
            "it is {}, over the {} limit for package.json",
            error::human_size(data.len() as u64),
            error::human_size(MAX_MANIFEST_BYTES as u64)
        ));
    }
    // npm tolerates a UTF-8 byte order mark, so it must not make the manifest unreadable.
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    serde_json::from_slice(data).map_err(|err| format!("invalid JSON: {err}"))
}
