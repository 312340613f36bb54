//! Reads an npm package (a `.tgz` or an unpacked directory) into memory.
//!
//! Nothing is ever written to disk and no link is followed. Entries that a careless
//! extractor would mishandle (traversal, absolute paths, links, duplicates) are kept
//! out of `files` and reported as [`Anomaly`] values for the rules to turn into findings.

use serde::{Deserialize, Serialize};

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
    Symlink { target: String },
    Hardlink { target: String },
    /// A second entry with a path already seen; the first one is kept.
    Duplicate,
    /// Device files, FIFOs and other entries a package has no reason to hold.
    SpecialEntry { entry_type: String },
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
    /// Regular files in archive order.
    pub files: Vec<PackageFile>,
    pub anomalies: Vec<Anomaly>,
    /// Sum of the sizes of `files`.
    pub total_bytes: u64,
}

impl PackageContents {
    pub fn file(&self, path: &str) -> Option<&PackageFile> {
        self.files.iter().find(|f| f.path == path)
    }
}
