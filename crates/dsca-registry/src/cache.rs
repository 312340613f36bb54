//! The on-disk cache: verified tarballs by content, packuments and registry keys by
//! registry, all written atomically (temp file in the same directory, then rename) so
//! concurrent scans never read a half-written entry.

use crate::error::RegistryError;
use crate::integrity::{self, Expected};
use sha2::Digest;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use url::Url;

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// `$DSCA_CACHE_DIR`, else `$XDG_CACHE_HOME/dsca`, else `~/.cache/dsca`.
    pub fn from_env() -> Result<Cache, RegistryError> {
        Self::default_root(|name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .map(Cache::new)
    }

    /// The default root given a variable lookup (`HOME` included).
    pub fn default_root(var: impl Fn(&str) -> Option<PathBuf>) -> Result<PathBuf, RegistryError> {
        if let Some(dir) = var("DSCA_CACHE_DIR") {
            return Ok(dir);
        }
        if let Some(xdg) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
            return Ok(xdg.join("dsca"));
        }
        var("HOME")
            .map(|home| home.join(".cache").join("dsca"))
            .ok_or_else(|| RegistryError::Io {
                action: "find a cache directory (set DSCA_CACHE_DIR)",
                path: PathBuf::from("~/.cache/dsca"),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "HOME is not set"),
            })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a tarball with this expected digest lives: `content/<algo>/<hex>`.
    pub fn tarball_path(&self, expected: &Expected) -> PathBuf {
        self.root
            .join("content")
            .join(expected.algorithm.name())
            .join(expected.hex())
    }

    /// A cached tarball, re-verified. A corrupt entry is deleted and reported as a miss.
    pub(crate) fn read_tarball(&self, expected: &Expected, max_bytes: u64) -> Option<Vec<u8>> {
        let path = self.tarball_path(expected);
        let bytes = read_bounded(&path, max_bytes).ok()??;
        if integrity::digest(expected.algorithm, &bytes) == expected.digest {
            Some(bytes)
        } else {
            let _ = std::fs::remove_file(&path);
            None
        }
    }

    /// Stores a tarball the caller has already verified against `expected`.
    pub(crate) fn write_tarball(
        &self,
        expected: &Expected,
        bytes: &[u8],
    ) -> Result<(), RegistryError> {
        write_atomic(&self.tarball_path(expected), bytes)
    }

    /// `packuments/<registry hash>/<encoded name>.json`
    pub fn packument_path(&self, registry: &Url, name: &str) -> PathBuf {
        self.registry_dir(registry)
            .join("packuments")
            .join(format!("{}.json", encode_file_name(name)))
    }

    pub(crate) fn keys_path(&self, registry: &Url) -> PathBuf {
        self.registry_dir(registry).join("keys.json")
    }

    fn registry_dir(&self, registry: &Url) -> PathBuf {
        let hash = hex::encode(sha2::Sha256::digest(registry.as_str().as_bytes()));
        self.root.join("registries").join(&hash[..16])
    }

    pub(crate) fn read_document(
        &self,
        path: &Path,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, RegistryError> {
        read_bounded(path, max_bytes).map_err(|source| RegistryError::Io {
            action: "read the cache entry",
            path: path.to_path_buf(),
            source,
        })
    }

    pub(crate) fn write_document(&self, path: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
        write_atomic(path, bytes)
    }
}

/// Reads a file up to `max_bytes`; `None` if it does not exist or is larger.
fn read_bounded(path: &Path, max_bytes: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // Through `Take` the file's size hint is lost, and a packument of tens of megabytes
    // was copied again at every doubling of the buffer: reserve what the file holds
    // (never more than the bound) up front.
    let expected = file
        .metadata()
        .map_or(0, |meta| meta.len())
        .min(max_bytes.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Ok(None);
    }
    Ok(Some(bytes))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io_err = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| RegistryError::Io {
            action,
            path,
            source,
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err("create the cache directory", dir))?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_err("write the cache entry", path))
}

/// A file name that cannot escape its directory or collide between names: every
/// byte outside `[A-Za-z0-9-]` is percent-encoded (so `@s/x` is `%40s%2Fx`). Case is
/// kept: old registry names may differ only in case.
fn encode_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_root_order() {
        let vars = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| PathBuf::from(v))
            }
        };
        assert_eq!(
            Cache::default_root(vars(&[("DSCA_CACHE_DIR", "/c"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/c")
        );
        assert_eq!(
            Cache::default_root(vars(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/x/dsca")
        );
        assert_eq!(
            Cache::default_root(vars(&[("HOME", "/h")])).unwrap(),
            PathBuf::from("/h/.cache/dsca")
        );
        assert!(Cache::default_root(vars(&[])).is_err());
    }

    #[test]
    fn names_cannot_escape() {
        assert_eq!(encode_file_name("../x"), "%2E%2E%2Fx");
        assert_eq!(encode_file_name("@s/x.js"), "%40s%2Fx%2Ejs");
    }

    #[test]
    fn atomic_write_and_bounded_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(read_bounded(&path, 10).unwrap().unwrap(), b"{}");
        assert_eq!(read_bounded(&path, 1).unwrap(), None);
        assert_eq!(read_bounded(&dir.path().join("none"), 1).unwrap(), None);
        // No temp files are left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
