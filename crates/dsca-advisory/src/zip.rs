//! A deliberately small zip reader for archives of OSV records: stored and deflate
//! entries, zip64 sizes and offsets, one archive on one disk. It trusts nothing in the
//! archive: the entry count and central directory size are checked before anything is
//! allocated, each entry is inflated through a cap and must match its declared size and
//! CRC, and only one entry's bytes are held at a time.

use crate::collect::{Collector, Loaded, MAX_ENTRIES};
use crate::record::MAX_RECORD_BYTES;
use crate::{AdvisoryError, le, one_line};
use flate2::{Decompress, FlushDecompress};
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const EOCD_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
/// 2,000,000 entries with long names fit; a larger central directory is not an OSV export.
const MAX_CENTRAL_BYTES: u64 = 512 << 20;

/// Reads the OSV records of a zip held in memory: the fuzz target's entry point, and a
/// way to load an archive obtained some other way.
pub fn load_zip_bytes(bytes: &[u8]) -> Result<Loaded, AdvisoryError> {
    let mut collector = Collector::default();
    load_zip(Cursor::new(bytes), "the zip", &mut collector)?;
    Ok(collector.loaded)
}

/// Why reading stopped: the archive is unusable, or the source hit a limit.
enum Stop {
    Zip(String),
    Limit(AdvisoryError),
}

impl From<AdvisoryError> for Stop {
    fn from(err: AdvisoryError) -> Self {
        Stop::Limit(err)
    }
}

pub(crate) fn load_zip<R: Read + Seek>(
    reader: R,
    name: &str,
    collector: &mut Collector,
) -> Result<(), AdvisoryError> {
    read_archive(&mut BufReader::new(reader), collector).map_err(|stop| match stop {
        Stop::Zip(reason) => AdvisoryError::Zip {
            source_name: name.to_string(),
            reason,
        },
        Stop::Limit(err) => err,
    })
}

fn read_at<R: Read + Seek>(
    reader: &mut R,
    offset: u64,
    buf: &mut [u8],
    what: &str,
) -> Result<(), Stop> {
    reader
        .seek(SeekFrom::Start(offset))
        .and_then(|_| reader.read_exact(buf))
        .map_err(|err| Stop::Zip(format!("cannot read the {what} ({err}); truncated?")))
}

/// Where the central directory is and how many entries it claims.
struct Directory {
    entries: u64,
    offset: u64,
    size: u64,
}

fn find_directory<R: Read + Seek>(reader: &mut R) -> Result<Directory, Stop> {
    let len = reader
        .seek(SeekFrom::End(0))
        .map_err(|err| Stop::Zip(format!("cannot read it: {err}")))?;
    if len < EOCD_LEN as u64 {
        return Err(Stop::Zip(format!("only {len} bytes; truncated?")));
    }
    // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
    let tail_start = len.saturating_sub(EOCD_LEN as u64 + 0xFFFF);
    let mut tail = vec![0; (len - tail_start) as usize];
    read_at(reader, tail_start, &mut tail, "end of the archive")?;
    let at = (0..=tail.len() - EOCD_LEN)
        .rev()
        .find(|&i| {
            le(&tail, i, 4) == u64::from(EOCD_SIG)
                && i + EOCD_LEN + le(&tail, i + 20, 2) as usize <= tail.len()
        })
        .ok_or_else(|| {
            Stop::Zip("no end-of-central-directory record; truncated or not a zip".into())
        })?;
    let eocd_offset = tail_start + at as u64;
    let mut disks = (le(&tail, at + 4, 2), le(&tail, at + 6, 2));
    let mut directory = Directory {
        entries: le(&tail, at + 10, 2),
        size: le(&tail, at + 12, 4),
        offset: le(&tail, at + 16, 4),
    };
    // Zip64: a locator right before the end record points at the 64-bit end record.
    if eocd_offset >= 20 {
        let mut locator = [0u8; 20];
        read_at(reader, eocd_offset - 20, &mut locator, "zip64 locator")?;
        if le(&locator, 0, 4) == u64::from(ZIP64_LOCATOR_SIG) {
            let mut record = [0u8; 56];
            read_at(reader, le(&locator, 8, 8), &mut record, "zip64 end record")?;
            if le(&record, 0, 4) != u64::from(ZIP64_EOCD_SIG) {
                return Err(Stop::Zip("bad zip64 end record".into()));
            }
            disks = (le(&record, 16, 4), le(&record, 20, 4));
            directory = Directory {
                entries: le(&record, 32, 8),
                size: le(&record, 40, 8),
                offset: le(&record, 48, 8),
            };
        }
    }
    if disks != (0, 0) {
        return Err(Stop::Zip("multi-disk archives are not supported".into()));
    }
    if directory.entries > MAX_ENTRIES {
        return Err(Stop::Limit(AdvisoryError::Limit {
            what: format!("a zip of {} entries", directory.entries),
            limit: format!("{MAX_ENTRIES} entries"),
        }));
    }
    if directory.size > MAX_CENTRAL_BYTES {
        return Err(Stop::Zip(format!(
            "a central directory of {} bytes is over the {MAX_CENTRAL_BYTES}-byte limit",
            directory.size
        )));
    }
    if directory
        .offset
        .checked_add(directory.size)
        .is_none_or(|end| end > len)
    {
        return Err(Stop::Zip(
            "the central directory lies beyond the end of the file; truncated?".into(),
        ));
    }
    if directory.entries.saturating_mul(CENTRAL_LEN as u64) > directory.size {
        return Err(Stop::Zip(format!(
            "the central directory is too small for {} entries",
            directory.entries
        )));
    }
    Ok(directory)
}

/// One central directory entry, sizes resolved through the zip64 extra field.
struct Entry {
    name: String,
    flags: u64,
    method: u64,
    crc: u64,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

fn parse_entry(central: &[u8], at: &mut usize, index: u64) -> Result<Entry, Stop> {
    let bad = |what: &str| Stop::Zip(format!("central directory entry {index}: {what}"));
    let header = central
        .get(*at..*at + CENTRAL_LEN)
        .ok_or_else(|| bad("cut short"))?;
    if le(header, 0, 4) != u64::from(CENTRAL_SIG) {
        return Err(bad("bad signature"));
    }
    let name_len = le(header, 28, 2) as usize;
    let extra_len = le(header, 30, 2) as usize;
    let comment_len = le(header, 32, 2) as usize;
    let name_start = *at + CENTRAL_LEN;
    let extra_start = name_start + name_len;
    let end = extra_start + extra_len + comment_len;
    let name = central
        .get(name_start..extra_start)
        .ok_or_else(|| bad("cut short"))?;
    let extra = central
        .get(extra_start..extra_start + extra_len)
        .ok_or_else(|| bad("cut short"))?;
    if end > central.len() {
        return Err(bad("cut short"));
    }
    *at = end;
    let mut entry = Entry {
        name: String::from_utf8_lossy(name).into_owned(),
        flags: le(header, 8, 2),
        method: le(header, 10, 2),
        crc: le(header, 16, 4),
        compressed: le(header, 20, 4),
        size: le(header, 24, 4),
        local_offset: le(header, 42, 4),
    };
    // Zip64 extra field (tag 1): the 64-bit values of the fields saturated above, in order.
    let mut field = 0;
    while field + 4 <= extra.len() {
        let tag = le(extra, field, 2);
        let len = le(extra, field + 2, 2) as usize;
        let data = extra
            .get(field + 4..field + 4 + len)
            .ok_or_else(|| bad("bad extra field"))?;
        if tag == 1 {
            let mut next = 0;
            for value in [
                &mut entry.size,
                &mut entry.compressed,
                &mut entry.local_offset,
            ] {
                if *value == 0xFFFF_FFFF {
                    if next + 8 > data.len() {
                        return Err(bad("bad zip64 extra field"));
                    }
                    *value = le(data, next, 8);
                    next += 8;
                }
            }
        }
        field += 4 + len;
    }
    Ok(entry)
}

fn read_archive<R: Read + Seek>(
    reader: &mut BufReader<R>,
    collector: &mut Collector,
) -> Result<(), Stop> {
    let directory = find_directory(reader)?;
    let mut central = vec![0; directory.size as usize];
    read_at(reader, directory.offset, &mut central, "central directory")?;
    let mut at = 0;
    let mut scratch = Scratch {
        compressed: Vec::new(),
        inflated: Vec::new(),
        inflater: Decompress::new(false),
    };
    for index in 0..directory.entries {
        let entry = parse_entry(&central, &mut at, index)?;
        // Directories and non-record files (a README beside the records) are not records.
        if entry.name.ends_with('/') || !entry.name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        collector.count(entry.size)?;
        if entry.flags & 1 != 0 {
            collector.skip(&entry.name, "encrypted entry");
        } else if entry.method != 0 && entry.method != 8 {
            collector.skip(
                &entry.name,
                &format!("compression method {} is not supported", entry.method),
            );
        } else if entry.size > MAX_RECORD_BYTES as u64 {
            collector.skip(
                &entry.name,
                &format!(
                    "{} bytes, over the {MAX_RECORD_BYTES}-byte limit",
                    entry.size
                ),
            );
        } else {
            let data = read_entry(reader, &entry, &mut scratch)?;
            collector.add(&entry.name, data);
        }
    }
    Ok(())
}

/// Buffers and inflater reused from entry to entry. Besides saving work, this keeps
/// the heap flat: allocating a fresh inflater per entry, interleaved with the small
/// allocations of each parsed record, fragmented glibc's heap to 5 GiB for 200,000
/// entries; reused, the whole load stays near the size of the parsed records.
struct Scratch {
    compressed: Vec<u8>,
    inflated: Vec<u8>,
    inflater: Decompress,
}

/// Room a deflate stream of `size` bytes plausibly needs: stored blocks cost 5 bytes per
/// 64 KiB, encoders add little; anything larger is not an honest entry.
fn compressed_bound(size: u64) -> u64 {
    size + size / 8 + 4096
}

fn read_entry<'s, R: Read + Seek>(
    reader: &mut BufReader<R>,
    entry: &Entry,
    scratch: &'s mut Scratch,
) -> Result<&'s [u8], Stop> {
    let shown = one_line(&entry.name, 200);
    let corrupt = |what: String| Stop::Zip(format!("entry {shown}: {what}"));
    let mut local = [0u8; LOCAL_LEN];
    read_at(
        reader,
        entry.local_offset,
        &mut local,
        &format!("entry {shown}"),
    )?;
    if le(&local, 0, 4) != u64::from(LOCAL_SIG) {
        return Err(corrupt("bad local header signature".into()));
    }
    let stored = entry.method == 0;
    if stored && entry.compressed != entry.size || entry.compressed > compressed_bound(entry.size) {
        return Err(corrupt(format!(
            "{} compressed bytes for {}; corrupt",
            entry.compressed, entry.size
        )));
    }
    let skip = le(&local, 26, 2) + le(&local, 28, 2);
    // Relative: the name and extra field are usually in the buffer already.
    reader
        .seek_relative(skip as i64)
        .map_err(|err| corrupt(err.to_string()))?;
    scratch.compressed.clear();
    reader
        .take(entry.compressed)
        .read_to_end(&mut scratch.compressed)
        .map_err(|err| corrupt(err.to_string()))?;
    if scratch.compressed.len() as u64 != entry.compressed {
        return Err(corrupt("data cut short; truncated".into()));
    }
    let data = if stored {
        &scratch.compressed
    } else {
        // Output goes into spare capacity only: at most the declared size plus one byte
        // (or a previous entry's capacity), whatever the stream would expand to.
        scratch.inflated.clear();
        scratch.inflated.reserve(entry.size as usize + 1);
        scratch.inflater.reset(false);
        scratch
            .inflater
            .decompress_vec(
                &scratch.compressed,
                &mut scratch.inflated,
                FlushDecompress::Finish,
            )
            .map_err(|err| corrupt(format!("{err}; corrupt")))?;
        &scratch.inflated
    };
    if data.len() as u64 != entry.size {
        return Err(corrupt(format!(
            "{} bytes instead of {}; corrupt or truncated",
            data.len(),
            entry.size
        )));
    }
    let mut crc = flate2::Crc::new();
    crc.update(data);
    if u64::from(crc.sum()) != entry.crc {
        return Err(corrupt("CRC mismatch; corrupt".into()));
    }
    Ok(data)
}
