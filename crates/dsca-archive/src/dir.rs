//! Reading an unpacked package folder.

use std::fs::{self, File, Metadata};
use std::path::{Path, PathBuf};

use crate::collect::{Collector, read_capped};
use crate::{AnomalyKind, ArchiveError, Limits, PackageContents};

/// Top-level folders that `npm pack` leaves out.
const SKIPPED_AT_ROOT: [&str; 2] = ["node_modules", ".git"];

/// Reads an unpacked package folder into memory, under the same limits as [`crate::read_tgz`].
///
/// Paths are relative to `root` and `/`-separated; `files` and `anomalies` are sorted by
/// path. Symlinks are never followed: each one is reported with its target. Sockets,
/// FIFOs and devices are reported as special entries.
pub fn read_dir(root: &Path, limits: &Limits) -> Result<PackageContents, ArchiveError> {
    let mut collector = Collector::new(limits);
    // An explicit stack rather than recursion: nesting depth is attacker-chosen.
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, relative)) = pending.pop() {
        let mut children = Vec::new();
        for child in fs::read_dir(&dir).map_err(io_error(&dir))? {
            let child = child.map_err(io_error(&dir))?;
            let name = child.file_name().to_string_lossy().into_owned();
            if relative.is_empty() && SKIPPED_AT_ROOT.contains(&name.as_str()) {
                continue;
            }
            collector.count_entry()?;
            children.push((name, child.path()));
        }
        // Sorted so that which of two lossily-equal names counts as the duplicate
        // does not depend on the file system's order.
        children.sort();
        for (name, full) in children {
            let path = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            // symlink_metadata describes the link itself, never its target.
            let metadata = fs::symlink_metadata(&full).map_err(io_error(&full))?;
            let file_type = metadata.file_type();
            if file_type.is_dir() {
                pending.push((full, path));
            } else if file_type.is_symlink() {
                let target = fs::read_link(&full).map_err(io_error(&full))?;
                let target = target.to_string_lossy().into_owned();
                collector.anomaly(AnomalyKind::Symlink { target }, &path);
            } else if file_type.is_file() {
                read_file(&full, path, &metadata, &mut collector)?;
            } else {
                let entry_type = special_type(&metadata).to_owned();
                collector.anomaly(AnomalyKind::SpecialEntry { entry_type }, &path);
            }
        }
    }
    let mut contents = collector.finish();
    contents.files.sort_by(|a, b| a.path.cmp(&b.path));
    contents.anomalies.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(contents)
}

fn read_file(
    full: &Path,
    path: String,
    metadata: &Metadata,
    collector: &mut Collector<'_>,
) -> Result<(), ArchiveError> {
    if collector.is_duplicate(&path) {
        collector.anomaly(AnomalyKind::Duplicate, &path);
        return Ok(());
    }
    collector.check_size(&path, metadata.len())?;
    let file = File::open(full).map_err(io_error(full))?;
    ensure_same_file(full, &file, metadata)?;
    let data =
        read_capped(&file, metadata.len(), collector.max_file_bytes()).map_err(io_error(full))?;
    // The file may have grown since it was measured.
    collector.check_size(&path, data.len() as u64)?;
    collector.push_file(path, data, mode(metadata));
    Ok(())
}

/// `open` follows symlinks; make sure what was opened is the regular file that was
/// inspected, not a link swapped in since.
#[cfg(unix)]
fn ensure_same_file(full: &Path, file: &File, before: &Metadata) -> Result<(), ArchiveError> {
    use std::os::unix::fs::MetadataExt;
    let now = file.metadata().map_err(io_error(full))?;
    if (now.dev(), now.ino()) == (before.dev(), before.ino()) {
        Ok(())
    } else {
        Err(ArchiveError::Io {
            path: full.to_path_buf(),
            error: std::io::Error::other("file was replaced while the package was being read"),
        })
    }
}

#[cfg(not(unix))]
fn ensure_same_file(_: &Path, _: &File, _: &Metadata) -> Result<(), ArchiveError> {
    Ok(())
}

#[cfg(unix)]
fn mode(metadata: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(_: &Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn special_type(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let file_type = metadata.file_type();
    if file_type.is_fifo() {
        "fifo"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_block_device() {
        "block-device"
    } else if file_type.is_char_device() {
        "character-device"
    } else {
        "unknown"
    }
}

#[cfg(not(unix))]
fn special_type(_: &Metadata) -> &'static str {
    "unknown"
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ArchiveError + '_ {
    move |error| ArchiveError::Io {
        path: PathBuf::from(path),
        error,
    }
}
