//! The database on disk and its lookups.
//!
//! ```text
//! <db_dir>/
//!   CURRENT                 name of the live generation, replaced by rename
//!   .lock                   held (File::lock) by an update while it installs
//!   gen-<nanos>-<pid>/      one complete copy, never modified once named
//!     index.bin             "DSCAADV1", u32 count, u32 reserved, then `count` rows of
//!                           (u32 name offset, u16 name length, u16 flags, u64 blob
//!                           offset, u32 blob length), little-endian, sorted by name
//!                           bytes, then the names; read whole at open, binary-searched
//!     records.bin           one JSON array per package: its advisories, compact keys;
//!                           only the asked-for packages are read and parsed
//!     iocs.json             the IocIndex, read only by Database::iocs
//!     meta.json             format number and Status
//!   .tmp-<pid>-<nanos>/     a generation being written
//! ```
//!
//! An update writes a whole generation under a temp name, renames it to `gen-…`, then
//! replaces `CURRENT` by renaming a new file over it; only then are older generations
//! removed. A crash at any point leaves `CURRENT` naming a complete generation.

use crate::collect::Loaded;
use crate::iocs::IocIndex;
use crate::record::{
    AffectedPackage, Basis, Range, Record, evaluate, extra_normalized, names_specific_versions,
    parse_version,
};
use crate::source::Source;
use crate::{AdvisoryError, le, one_line};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const CURRENT: &str = "CURRENT";
const LOCK: &str = ".lock";
const INDEX: &str = "index.bin";
const RECORDS: &str = "records.bin";
const IOCS: &str = "iocs.json";
const META: &str = "meta.json";
const INDEX_MAGIC: &[u8; 8] = b"DSCAADV1";
const FORMAT: u32 = 1;
const HEADER_LEN: usize = 16;
const ROW_LEN: usize = 20;
/// The package has at least one advisory that is not withdrawn.
const FLAG_LIVE: u16 = 1;
/// A temp generation this old is a crashed update's leftover.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// What is installed: counts, where it came from and when.
pub use dsca_model::advisory::DatabaseStatus as Status;

/// How long ago the update of `status` finished; None if the clock or the stamp is off.
pub fn age(status: &Status) -> Option<Duration> {
    let updated = OffsetDateTime::parse(&status.updated_at, &Rfc3339).ok()?;
    (OffsetDateTime::now_utc() - updated).try_into().ok()
}

/// The outcome of an update.
#[derive(Debug, Clone)]
pub struct UpdateSummary {
    pub status: Status,
    /// `<file or entry>: <reason>` per skipped record (the first 10,000), for --verbose.
    pub skip_reasons: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    format: u32,
    #[serde(flatten)]
    status: Status,
}

/// One advisory as stored for one package. Defaults are left out: most summaries are
/// "Malicious code in <name> (npm)" and most links the osv.dev page.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(rename = "i")]
    id: String,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(rename = "w", default, skip_serializing_if = "Option::is_none")]
    withdrawn: Option<String>,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(rename = "v", default, skip_serializing_if = "Vec::is_empty")]
    versions: Vec<String>,
    /// Normalised forms of listed versions that differ from their text (`v1.0.0`).
    #[serde(rename = "n", default, skip_serializing_if = "Vec::is_empty")]
    normalized: Vec<String>,
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    ranges: Vec<Range>,
}

fn default_summary(name: &str) -> String {
    format!("Malicious code in {name} (npm)")
}

fn default_link(id: &str) -> String {
    format!("https://osv.dev/vulnerability/{id}")
}

impl Stored {
    fn new(record: &Record, package: AffectedPackage) -> Stored {
        Stored {
            id: record.id.clone(),
            summary: Some(record.summary.clone())
                .filter(|summary| *summary != default_summary(&package.name)),
            published: record.published.clone(),
            modified: record.modified.clone(),
            withdrawn: record.withdrawn.clone(),
            link: Some(record.link.clone()).filter(|link| *link != default_link(&record.id)),
            aliases: record.aliases.clone(),
            normalized: extra_normalized(&package.versions),
            versions: package.versions,
            ranges: package.ranges,
        }
    }

    fn into_match(self, name: &str, basis: Basis) -> Match {
        Match {
            summary: self.summary.unwrap_or_else(|| default_summary(name)),
            link: self.link.unwrap_or_else(|| default_link(&self.id)),
            advisory_names_specific_versions: names_specific_versions(&self.versions, &self.ranges),
            id: self.id,
            published: self.published,
            modified: self.modified,
            aliases: self.aliases,
            basis,
        }
    }
}

/// An advisory that covers the version looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub id: String,
    pub summary: String,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub link: String,
    pub aliases: Vec<String>,
    /// The strongest way the advisory covers the version.
    pub basis: Basis,
    /// The advisory also lists versions or bounded ranges for this package. With
    /// `basis == EveryVersion` that is the @ctrl/tinycolor trap: an early "every version"
    /// range left beside the real, narrower one, so the match is weak.
    pub advisory_names_specific_versions: bool,
}

/// Builds the database from `source` into `db_dir`, atomically replacing the previous
/// copy. On any error the previous copy stays as it was.
pub fn update(source: &Source, db_dir: &Path) -> Result<UpdateSummary, AdvisoryError> {
    fs::create_dir_all(db_dir).map_err(|e| AdvisoryError::io("create", db_dir, e))?;
    let loaded = source.load_in(db_dir)?;
    install(loaded, &source.to_string(), db_dir)
}

/// Installs records already loaded (or made by the caller) as the new database.
/// `source` is what [`Status::source`] will say.
pub fn install(
    loaded: Loaded,
    source: &str,
    db_dir: &Path,
) -> Result<UpdateSummary, AdvisoryError> {
    if loaded.records.is_empty() {
        return Err(AdvisoryError::NoRecords {
            source_name: source.to_string(),
        });
    }
    fs::create_dir_all(db_dir).map_err(|e| AdvisoryError::io("create", db_dir, e))?;
    let mut by_name: BTreeMap<String, Vec<Stored>> = BTreeMap::new();
    let mut iocs = IocIndex::default();
    let mut withdrawn = 0;
    let records = loaded.records.len() as u64;
    for mut record in loaded.records {
        if record.withdrawn.is_some() {
            withdrawn += 1;
        } else {
            iocs.add(&record);
        }
        for package in std::mem::take(&mut record.packages) {
            let name = package.name.clone();
            by_name
                .entry(name)
                .or_default()
                .push(Stored::new(&record, package));
        }
    }
    let packages = by_name
        .values()
        .filter(|advisories| advisories.iter().any(|a| a.withdrawn.is_none()))
        .count() as u64;
    let status = Status {
        records,
        packages,
        withdrawn,
        skipped: loaded.skipped,
        source: one_line(source, 500),
        updated_at: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
    };

    // One installer at a time: the cleanup below must not delete a generation that
    // another update has named but not yet made current. The lock goes with the process.
    let lock_path = db_dir.join(LOCK);
    let lock = File::create(&lock_path).map_err(|e| AdvisoryError::io("create", &lock_path, e))?;
    lock.lock()
        .map_err(|e| AdvisoryError::io("lock", &lock_path, e))?;
    let stamp = format!(
        "{}-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
        std::process::id()
    );
    let temp = db_dir.join(format!(".tmp-{stamp}"));
    let generation = format!("gen-{stamp}");
    let result = write_generation(&temp, &by_name, &iocs, &status)
        .and_then(|()| swap_in(db_dir, &temp, &generation));
    if result.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    result?;
    remove_old(db_dir, &generation);
    drop(lock);
    Ok(UpdateSummary {
        status,
        skip_reasons: loaded.skip_reasons,
    })
}

fn write_generation(
    dir: &Path,
    by_name: &BTreeMap<String, Vec<Stored>>,
    iocs: &IocIndex,
    status: &Status,
) -> Result<(), AdvisoryError> {
    fs::create_dir(dir).map_err(|e| AdvisoryError::io("create", dir, e))?;
    let records_path = dir.join(RECORDS);
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |e| AdvisoryError::io("write", path, e)
    };
    let mut records =
        BufWriter::new(File::create(&records_path).map_err(write_err(&records_path))?);
    let mut rows = Vec::with_capacity(by_name.len() * ROW_LEN);
    let mut names = Vec::new();
    let mut offset = 0u64;
    for (name, advisories) in by_name {
        let blob = to_json(advisories);
        records.write_all(&blob).map_err(write_err(&records_path))?;
        let live = advisories.iter().any(|a| a.withdrawn.is_none());
        let too_big = || AdvisoryError::Limit {
            what: format!("the advisories of {name}"),
            limit: "4 GiB".into(),
        };
        rows.extend((names.len() as u32).to_le_bytes());
        rows.extend((name.len() as u16).to_le_bytes());
        rows.extend((if live { FLAG_LIVE } else { 0 }).to_le_bytes());
        rows.extend(offset.to_le_bytes());
        rows.extend(
            u32::try_from(blob.len())
                .map_err(|_| too_big())?
                .to_le_bytes(),
        );
        names.extend_from_slice(name.as_bytes());
        offset += blob.len() as u64;
    }
    let file = records
        .into_inner()
        .map_err(|e| AdvisoryError::io("write", &records_path, e.into_error()))?;
    file.sync_all().map_err(write_err(&records_path))?;

    let mut index = Vec::with_capacity(HEADER_LEN + rows.len() + names.len());
    index.extend_from_slice(INDEX_MAGIC);
    index.extend((by_name.len() as u32).to_le_bytes());
    index.extend(0u32.to_le_bytes());
    index.extend(rows);
    index.extend(names);
    write_synced(&dir.join(INDEX), &index)?;
    write_synced(&dir.join(IOCS), &to_json(iocs))?;
    let meta = Meta {
        format: FORMAT,
        status: status.clone(),
    };
    write_synced(&dir.join(META), &to_json(&meta))?;
    Ok(())
}

/// `serde_json::to_vec`, which cannot fail for these plain types (string keys only).
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), AdvisoryError> {
    let mut file = File::create(path).map_err(|e| AdvisoryError::io("write", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| AdvisoryError::io("write", path, e))
}

/// Names the finished generation and points `CURRENT` at it; both steps are renames.
fn swap_in(db_dir: &Path, temp: &Path, generation: &str) -> Result<(), AdvisoryError> {
    let target = db_dir.join(generation);
    fs::rename(temp, &target).map_err(|e| AdvisoryError::io("rename", temp, e))?;
    let pointer = db_dir.join(format!("{CURRENT}.tmp-{}", std::process::id()));
    let result = write_synced(&pointer, format!("{generation}\n").as_bytes()).and_then(|()| {
        fs::rename(&pointer, db_dir.join(CURRENT))
            .map_err(|e| AdvisoryError::io("rename", &pointer, e))
    });
    if result.is_err() {
        let _ = fs::remove_file(&pointer);
        let _ = fs::remove_dir_all(&target);
    }
    result?;
    // Make the renames themselves durable where the platform allows syncing a directory.
    if let Ok(dir) = File::open(db_dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Removes replaced generations and the leftovers of crashed updates. Best effort: a
/// reader that still has an old generation open keeps it until it closes (on Windows
/// the removal fails and is retried by the next update).
fn remove_old(db_dir: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(db_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > STALE_TEMP)
        };
        if name.starts_with("gen-") && name != keep || name.starts_with(".tmp-") && stale() {
            let _ = fs::remove_dir_all(entry.path());
        } else if name.starts_with("CURRENT.tmp-") && stale() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The live generation's directory, from `CURRENT`.
fn current_generation(db_dir: &Path) -> Result<PathBuf, AdvisoryError> {
    let pointer = db_dir.join(CURRENT);
    let text = match fs::read_to_string(&pointer) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(AdvisoryError::NoDatabase {
                dir: db_dir.to_path_buf(),
            });
        }
        Err(err) => return Err(AdvisoryError::io("read", pointer, err)),
    };
    let name = text.trim();
    if !name.starts_with("gen-") || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(AdvisoryError::Corrupt {
            path: pointer,
            reason: "CURRENT does not name a generation".into(),
        });
    }
    Ok(db_dir.join(name))
}

/// What is installed in `db_dir`, if a usable database is.
pub fn status(db_dir: &Path) -> Option<Status> {
    let generation = current_generation(db_dir).ok()?;
    let meta: Meta = serde_json::from_slice(&fs::read(generation.join(META)).ok()?).ok()?;
    (meta.format == FORMAT).then_some(meta.status)
}

/// An open database: the index in memory, the records file open for reads of the
/// packages asked for. `Send + Sync`; share it between scanning threads by reference.
pub struct Database {
    generation: PathBuf,
    index: Vec<u8>,
    count: usize,
    names_start: usize,
    records: File,
}

/// One index row.
struct Row<'a> {
    name: &'a [u8],
    flags: u16,
    offset: u64,
    len: u32,
}

impl std::fmt::Debug for Database {
    /// Not the index bytes: megabytes of them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("generation", &self.generation)
            .field("packages", &self.count)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the live generation in `db_dir`: one read of the index, no record parsed.
    pub fn open(db_dir: &Path) -> Result<Database, AdvisoryError> {
        match Self::open_generation(&current_generation(db_dir)?) {
            // An update replaced the generation between reading CURRENT and opening it.
            Err(AdvisoryError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Self::open_generation(&current_generation(db_dir)?)
            }
            other => other,
        }
    }

    fn open_generation(generation: &Path) -> Result<Database, AdvisoryError> {
        let index_path = generation.join(INDEX);
        let index = fs::read(&index_path).map_err(|e| AdvisoryError::io("read", &index_path, e))?;
        let records_path = generation.join(RECORDS);
        let records =
            File::open(&records_path).map_err(|e| AdvisoryError::io("read", &records_path, e))?;
        let corrupt = |reason: &str| AdvisoryError::Corrupt {
            path: index_path.clone(),
            reason: reason.to_string(),
        };
        if index.len() < HEADER_LEN || &index[..8] != INDEX_MAGIC {
            return Err(corrupt("not an index of this format"));
        }
        let count = le(&index, 8, 4) as usize;
        let names_start = count
            .checked_mul(ROW_LEN)
            .and_then(|rows| rows.checked_add(HEADER_LEN))
            .filter(|&end| end <= index.len())
            .ok_or_else(|| corrupt("the index is cut short"))?;
        Ok(Database {
            generation: generation.to_path_buf(),
            index,
            count,
            names_start,
            records,
        })
    }

    /// The number of package names in the index (withdrawn-only ones included).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn row(&self, i: usize) -> Option<Row<'_>> {
        let at = HEADER_LEN + i * ROW_LEN;
        let row = self.index.get(at..at + ROW_LEN)?;
        let name_at = self.names_start.checked_add(le(row, 0, 4) as usize)?;
        Some(Row {
            name: self
                .index
                .get(name_at..name_at.checked_add(le(row, 4, 2) as usize)?)?,
            flags: le(row, 6, 2) as u16,
            offset: le(row, 8, 8),
            len: le(row, 16, 4) as u32,
        })
    }

    fn find(&self, name: &str) -> Option<Row<'_>> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let mid = low + (high - low) / 2;
            let row = self.row(mid)?;
            match row.name.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(row),
            }
        }
        None
    }

    /// Whether some advisory that is not withdrawn names the package.
    pub fn has_package(&self, name: &str) -> bool {
        self.find(name)
            .is_some_and(|row| row.flags & FLAG_LIVE != 0)
    }

    /// The live advisories of a package, read from the records file.
    fn advisories(&self, name: &str) -> Result<Vec<Stored>, AdvisoryError> {
        let Some(row) = self.find(name).filter(|row| row.flags & FLAG_LIVE != 0) else {
            return Ok(Vec::new());
        };
        let path = self.generation.join(RECORDS);
        let mut blob = vec![0; row.len as usize];
        read_exact_at(&self.records, &path, &mut blob, row.offset)
            .map_err(|e| AdvisoryError::io("read", &path, e))?;
        let advisories: Vec<Stored> =
            serde_json::from_slice(&blob).map_err(|e| AdvisoryError::Corrupt {
                path,
                reason: format!("the entry of {}: {e}", one_line(name, 100)),
            })?;
        Ok(advisories
            .into_iter()
            .filter(|a| a.withdrawn.is_none())
            .collect())
    }

    /// The advisories covering `name@version`, by id. Withdrawn advisories never match.
    /// An error means the database could not be read, never "not malicious".
    pub fn lookup(&self, name: &str, version: &str) -> Result<Vec<Match>, AdvisoryError> {
        let mut matches: Vec<Match> = self
            .advisories(name)?
            .into_iter()
            .filter_map(|advisory| {
                evaluate(
                    &advisory.versions,
                    &advisory.normalized,
                    &advisory.ranges,
                    version,
                )
                .map(|basis| advisory.into_match(name, basis))
            })
            .collect();
        matches.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(matches)
    }

    /// Every version that live advisories list explicitly for `name`, in semver order:
    /// what the caller names when a version is gone from the registry.
    pub fn known_versions(&self, name: &str) -> Result<Vec<String>, AdvisoryError> {
        let mut versions: Vec<String> = self
            .advisories(name)?
            .into_iter()
            .flat_map(|advisory| advisory.versions)
            .collect();
        // Semver order, then versions that are not semver in text order: a total order
        // (a comparator mixing the two would not be one).
        versions.sort_by_cached_key(|v| {
            let parsed = parse_version(v);
            (parsed.is_none(), parsed, v.clone())
        });
        versions.dedup();
        Ok(versions)
    }

    /// The IOC index of the live advisories, read from its own file on demand.
    pub fn iocs(&self) -> Result<IocIndex, AdvisoryError> {
        let path = self.generation.join(IOCS);
        let bytes = fs::read(&path).map_err(|e| AdvisoryError::io("read", &path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| AdvisoryError::Corrupt {
            path,
            reason: e.to_string(),
        })
    }
}

/// A positioned read that needs no `&mut` and so no lock between threads.
#[cfg(unix)]
fn read_exact_at(file: &File, _path: &Path, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(_file: &File, path: &Path, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}
