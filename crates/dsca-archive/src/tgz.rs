//! Reading a `.tgz` (or plain `.tar`) from memory.

use std::cell::{Cell, RefCell};
use std::io::{self, Read};

use flate2::bufread::MultiGzDecoder;

use crate::collect::{Collector, read_capped};
use crate::path::{PathProblem, package_path};
use crate::{AnomalyKind, ArchiveError, Limits, PackageContents};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BLOCK: u64 = 512;
/// Tar bytes allowed per entry beyond its file data: header, padding, pax records.
const METADATA_PER_ENTRY: u64 = 8 * 1024;
/// Zero records that some tar writers pad the end of an archive with.
const END_PADDING: u64 = 1024 * 1024;
/// Largest tar inflated in one call rather than streamed.
const MAX_WHOLE_INFLATE: u64 = 16 * 1024 * 1024;

/// How an npm package archive is stored, as told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    Gzip,
    /// A plain tar (its `ustar` magic at offset 257).
    Tar,
}

/// The format `bytes` start as, or `None` when they are no package archive.
pub fn archive_format(bytes: &[u8]) -> Option<ArchiveFormat> {
    if bytes.starts_with(&GZIP_MAGIC) {
        Some(ArchiveFormat::Gzip)
    } else if bytes.get(257..262) == Some(&b"ustar"[..]) {
        Some(ArchiveFormat::Tar)
    } else {
        None
    }
}

/// Reads a gzip-compressed (or plain ustar) npm package into memory.
///
/// Every limit is enforced while the archive streams: a decompression bomb stops at
/// the limit instead of being inflated first. Links, special entries and paths that
/// climb or start at the root are reported as [`crate::Anomaly`] values and kept out
/// of `files`; a second file at an already seen path is reported as a duplicate and
/// the later one replaces it, as npm would install it. A link with a hostile path gets both anomalies.
pub fn read_tgz(bytes: &[u8], limits: &Limits) -> Result<PackageContents, ArchiveError> {
    let input_len = bytes.len() as u64;
    match archive_format(bytes) {
        Some(ArchiveFormat::Gzip) => {
            let stream = Stream::new(limits, Some(input_len));
            // The whole tar in one call when the trailer's size fits the budget and the
            // package is not one of the largest (memory: the tar and its files at once);
            // the streaming decoder takes everything else and enforces the limits as it goes.
            if let Some(size) = crate::inflate::announced_size(bytes)
                .filter(|&size| size <= stream.budget.min(MAX_WHOLE_INFLATE))
                .and_then(|size| usize::try_from(size).ok())
                && let Some(tar) = crate::inflate::inflate_single_member(bytes, size)
            {
                return read_stream(&tar[..], &stream, limits);
            }
            read_stream(MultiGzDecoder::new(bytes), &stream, limits)
        }
        Some(ArchiveFormat::Tar) => {
            let stream = Stream::new(limits, None);
            read_stream(bytes, &stream, limits)
        }
        None => Err(ArchiveError::NotAnArchive {
            start: bytes.iter().take(4).copied().collect(),
        }),
    }
}

fn read_stream<R: Read>(
    source: R,
    stream: &Stream,
    limits: &Limits,
) -> Result<PackageContents, ArchiveError> {
    let mut archive = tar::Archive::new(Counted {
        inner: source,
        stream,
    });
    // node-tar only stops at two zero blocks, so npm installs entries that follow a
    // single one; read on to the end of the stream so they are seen here too. Reading
    // to the end also makes the gzip decoder check its trailer (CRC-32 and length).
    archive.set_ignore_zeros(true);
    let mut collector = Collector::new(limits);
    let mut end_of_last_entry = 0;
    // `entries_with_seek`: the tar crate skips the padding after each entry by seeking
    // (see `Seek for Counted`) instead of reading it into a freshly zeroed 32 KiB buffer.
    let entries = archive
        .entries_with_seek()
        .map_err(|err| stream.classify(err, 1))?;
    for entry in entries {
        let mut entry = entry.map_err(|err| stream.classify(err, collector.entry_number() + 1))?;
        collector.count_entry()?;
        end_of_last_entry = data_end(&entry);
        read_entry(&mut entry, &mut collector, stream)?;
    }
    stream.check_end_marker(end_of_last_entry)?;
    Ok(collector.finish())
}

fn read_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    collector: &mut Collector<'_>,
    stream: &Stream,
) -> Result<(), ArchiveError> {
    let number = collector.entry_number();
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let kind = EntryKind::of(entry.header().entry_type().as_byte(), &raw);
    match &kind {
        EntryKind::Metadata => return Ok(()),
        EntryKind::Symlink => {
            let target = link_target(entry);
            collector.anomaly(AnomalyKind::Symlink { target }, &raw);
        }
        EntryKind::Hardlink => {
            let target = link_target(entry);
            collector.anomaly(AnomalyKind::Hardlink { target }, &raw);
        }
        EntryKind::Special(entry_type) => {
            let entry_type = (*entry_type).to_owned();
            collector.anomaly(AnomalyKind::SpecialEntry { entry_type }, &raw);
        }
        EntryKind::Directory | EntryKind::File => {}
    }

    let path = match package_path(&raw) {
        Ok(path) => path,
        Err(PathProblem::Hostile(anomaly)) => {
            collector.anomaly(anomaly, &raw);
            return Ok(());
        }
        Err(PathProblem::Empty) if kind == EntryKind::File => {
            return Err(ArchiveError::CorruptTar {
                entry: number,
                detail: format!("file entry has an empty path `{raw}`"),
            });
        }
        Err(PathProblem::Empty | PathProblem::NotInstalled) => return Ok(()),
    };
    if kind != EntryKind::File {
        return Ok(());
    }
    // npm's extractor overwrites an earlier entry with a later one of the same path, so
    // the later copy is what gets installed and what is analysed.
    if collector.is_duplicate(&path) {
        collector.anomaly(AnomalyKind::Duplicate, &raw);
    }

    let size = entry.size();
    collector.check_size(&path, size)?;
    let mode = entry.header().mode().map_or(0, |mode| mode & 0o7777);
    let data = read_capped(&mut *entry, size, collector.max_file_bytes())
        .map_err(|err| stream.classify(err, number))?;
    let read = data.len() as u64;
    if read < size {
        return Err(ArchiveError::Truncated {
            detail: format!(
                "tar stream ends inside entry {number} (`{path}`, {read} of {size} bytes)"
            ),
        });
    }
    collector.check_size(&path, read)?;
    collector.push_file(path, data, mode);
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum EntryKind {
    File,
    Directory,
    Symlink,
    Hardlink,
    /// Archive bookkeeping (pax global headers) that describes no file.
    Metadata,
    Special(&'static str),
}

impl EntryKind {
    fn of(type_byte: u8, raw_path: &str) -> Self {
        match type_byte {
            // Pre-POSIX tars stored directories as regular files whose name ends in `/`.
            b'0' if raw_path.ends_with('/') => EntryKind::Directory,
            b'0' | b'7' => EntryKind::File,
            b'5' | b'D' => EntryKind::Directory,
            b'1' => EntryKind::Hardlink,
            b'2' => EntryKind::Symlink,
            b'g' => EntryKind::Metadata,
            b'3' => EntryKind::Special("character-device"),
            b'4' => EntryKind::Special("block-device"),
            b'6' => EntryKind::Special("fifo"),
            // npm (node-tar) does not extract sparse files, so they are not package files.
            b'S' => EntryKind::Special("gnu-sparse"),
            // Extension headers only reach here when their own header is not ustar/GNU,
            // so the tar crate did not apply them.
            b'x' => EntryKind::Special("pax-header"),
            b'L' => EntryKind::Special("gnu-long-name"),
            b'K' => EntryKind::Special("gnu-long-link"),
            b'V' => EntryKind::Special("gnu-volume-header"),
            b'M' => EntryKind::Special("gnu-multivolume"),
            _ => EntryKind::Special("unknown"),
        }
    }
}

fn link_target<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    entry
        .link_name_bytes()
        .map(|target| String::from_utf8_lossy(&target).into_owned())
        .unwrap_or_default()
}

/// Where the entry's stored data ends in the tar stream.
fn data_end<R: Read>(entry: &tar::Entry<'_, R>) -> u64 {
    // A sparse entry's `size()` is its expanded size; the stream holds only the
    // stored blocks. (Its extension headers are not counted: this is a lower bound.)
    let stored = if entry.header().entry_type().is_gnu_sparse() {
        entry.header().entry_size().unwrap_or(0)
    } else {
        entry.size()
    };
    entry.raw_file_position().saturating_add(stored)
}

/// What the decompressed stream has done so far, shared between the reader the tar
/// crate pulls from and the code that turns its errors into [`ArchiveError`]s.
struct Stream {
    /// Compressed input length, when the input is compressed (for the ratio).
    compressed_len: Option<u64>,
    max_ratio: u64,
    /// Most decompressed bytes allowed, whichever limit is tighter.
    budget: u64,
    /// True when `budget` comes from the compression ratio rather than the size cap.
    budget_is_ratio: bool,
    produced: Cell<u64>,
    ended: Cell<bool>,
    over_budget: Cell<bool>,
    source_error: RefCell<Option<(io::ErrorKind, String)>>,
}

impl Stream {
    fn new(limits: &Limits, compressed_len: Option<u64>) -> Self {
        let size_cap = limits
            .max_total_bytes
            .saturating_add((limits.max_entries as u64).saturating_mul(METADATA_PER_ENTRY))
            .saturating_add(END_PADDING);
        let ratio_cap = compressed_len.map(|len| {
            limits
                .max_ratio
                .saturating_mul(len)
                .max(limits.ratio_floor_bytes)
        });
        let (budget, budget_is_ratio) = match ratio_cap {
            Some(ratio_cap) if ratio_cap < size_cap => (ratio_cap, true),
            _ => (size_cap, false),
        };
        Stream {
            compressed_len,
            max_ratio: limits.max_ratio,
            budget,
            budget_is_ratio,
            produced: Cell::new(0),
            ended: Cell::new(false),
            over_budget: Cell::new(false),
            source_error: RefCell::new(None),
        }
    }

    /// Names the real cause of an I/O error surfaced by the tar crate: a limit, the
    /// decompressor, the end of the stream, or the tar data itself.
    fn classify(&self, err: io::Error, entry: usize) -> ArchiveError {
        if self.over_budget.get() {
            return if self.budget_is_ratio {
                ArchiveError::RatioTooHigh {
                    limit: self.max_ratio,
                }
            } else {
                ArchiveError::StreamTooLarge { limit: self.budget }
            };
        }
        if let Some((kind, message)) = self.source_error.borrow_mut().take() {
            if kind == io::ErrorKind::UnexpectedEof {
                return ArchiveError::Truncated {
                    detail: format!(
                        "unexpected end of gzip stream after {} bytes",
                        self.compressed_len.unwrap_or(0)
                    ),
                };
            }
            return ArchiveError::Gzip {
                detail: gzip_detail(&message),
            };
        }
        if self.ended.get() {
            return ArchiveError::Truncated {
                detail: format!("tar stream ends inside entry {entry}"),
            };
        }
        ArchiveError::CorruptTar {
            entry,
            detail: err.to_string(),
        }
    }

    /// A tar archive ends with zero blocks; without one after the last entry, the
    /// stream was cut at an entry boundary and later entries may be missing.
    fn check_end_marker(&self, end_of_last_entry: u64) -> Result<(), ArchiveError> {
        let next_header = end_of_last_entry.div_ceil(BLOCK).saturating_mul(BLOCK);
        if self.produced.get() < next_header.saturating_add(BLOCK) {
            return Err(ArchiveError::Truncated {
                detail: "tar stream ends without an end-of-archive marker".to_owned(),
            });
        }
        Ok(())
    }
}

/// flate2's messages, reworded to say what is wrong with the input.
fn gzip_detail(message: &str) -> String {
    if message.contains("checksum") {
        "the CRC-32 or length in the gzip trailer does not match the data".to_owned()
    } else if message.contains("corrupt deflate stream") {
        "invalid deflate data".to_owned()
    } else {
        message.to_owned()
    }
}

/// The decompressed stream as the tar crate sees it: counted, and cut off one byte
/// past the budget.
struct Counted<'s, R> {
    inner: R,
    stream: &'s Stream,
}

/// Forward skips only, by reading (the stream cannot go back): what the tar crate asks
/// for between entries. Returns the position in the tar stream, as `Seek` must.
impl<R: Read> io::Seek for Counted<'_, R> {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        let io::SeekFrom::Current(delta) = position else {
            return Err(io::Error::other("tar stream can only skip forward"));
        };
        let mut left = u64::try_from(delta)
            .map_err(|_| io::Error::other("tar stream can only skip forward"))?;
        let mut scratch = [0u8; 512];
        while left > 0 {
            let want = usize::try_from(left.min(scratch.len() as u64)).unwrap_or(scratch.len());
            let n = self.read(&mut scratch[..want])?;
            if n == 0 {
                return Err(io::Error::other("unexpected EOF during skip"));
            }
            left -= n as u64;
        }
        Ok(self.stream.produced.get())
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let stream = self.stream;
        // One byte past the budget is enough to know it was exceeded.
        let room = stream
            .budget
            .saturating_sub(stream.produced.get())
            .saturating_add(1);
        let len = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let buf = &mut buf[..len];
        match self.inner.read(buf) {
            Ok(0) => {
                if !buf.is_empty() {
                    stream.ended.set(true);
                }
                Ok(0)
            }
            Ok(n) => {
                let produced = stream.produced.get().saturating_add(n as u64);
                stream.produced.set(produced);
                if produced > stream.budget {
                    stream.over_budget.set(true);
                    return Err(io::Error::other("decompressed size budget exceeded"));
                }
                Ok(n)
            }
            Err(err) => {
                let mut source_error = stream.source_error.borrow_mut();
                if err.kind() != io::ErrorKind::Interrupted && source_error.is_none() {
                    *source_error = Some((err.kind(), err.to_string()));
                }
                Err(err)
            }
        }
    }
}
