//! Finished results a writer holds before writing them to the store, kept on local disk.
//!
//! Each round trip to the store costs the server more than the rows it writes, so a
//! writer holds results for a moment and writes them together. Held only in memory, a
//! result would be lost with a killed process and its package scanned again; appended to
//! a journal first, it is written from there by the next batch or worker that opens the
//! same store. A journal is one file per writer (named after its lease owner), locked
//! while its writer lives: a file whose lock can be taken belongs to a process that died.
//!
//! A journal replayed after its results were already written writes nothing twice: a
//! result is written only while its job is still leased to the journal's owner, and
//! writing it clears the lease.

use crate::{Job, ResultRecord, Store};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// The name a journal has until its header is written: a replay removes such a file
/// only when its process is dead (it is locked from just after its creation).
const UNLOCKED_SUFFIX: &str = ".new";
const SUFFIX: &str = ".jsonl";
/// Results a replay writes per transaction.
const REPLAY_BATCH: usize = 64;
/// Bytes of one journal a replay reads: a writer holds 64 results at most, so more is
/// not a journal dsca wrote; what lies beyond is left to be scanned again.
const MAX_REPLAYED_BYTES: u64 = 256 * 1024 * 1024;

/// The first line of a journal.
#[derive(Serialize, Deserialize)]
struct Header {
    owner: String,
}

/// One held result.
#[derive(Serialize, Deserialize)]
struct Entry {
    job: Job,
    scanned_at: String,
    record: ResultRecord,
}

/// This process's journal, locked until dropped. Dropped empty, its file is removed.
pub struct Journal {
    path: PathBuf,
    file: File,
    header_len: u64,
    entries: usize,
    line: Vec<u8>,
    /// An append failed: the writer should write what it holds and stop journaling.
    failed: bool,
}

impl Journal {
    /// A new, locked journal for `owner` in `dir` (created if missing).
    pub fn create(dir: &Path, owner: &str) -> std::io::Result<Journal> {
        let stem = file_stem(owner);
        let unlocked = dir.join(format!("{stem}{UNLOCKED_SUFFIX}"));
        let open = || {
            std::fs::create_dir_all(dir)?;
            File::options()
                .create(true)
                .truncate(true)
                .read(true)
                .write(true)
                .open(&unlocked)
        };
        // Once more if another process removed the directory as it emptied it.
        let mut file = match open() {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => open()?,
            opened => opened?,
        };
        file.lock()?;
        let mut header = serde_json::to_vec(&Header {
            owner: owner.to_string(),
        })?;
        header.push(b'\n');
        file.write_all(&header)?;
        let path = dir.join(format!("{stem}{SUFFIX}"));
        std::fs::rename(&unlocked, &path)?;
        Ok(Journal {
            path,
            file,
            header_len: header.len() as u64,
            entries: 0,
            line: Vec::new(),
            failed: false,
        })
    }

    /// Append one result in one write: a process killed mid-append leaves at most a torn
    /// last line, which a replay ignores (its job is scanned again).
    pub fn append(
        &mut self,
        job: &Job,
        record: &ResultRecord,
        scanned_at: &str,
    ) -> std::io::Result<()> {
        self.line.clear();
        let entry = EntryRef {
            job,
            scanned_at,
            record,
        };
        let written = serde_json::to_writer(&mut self.line, &entry)
            .map_err(std::io::Error::from)
            .and_then(|()| {
                self.line.push(b'\n');
                self.file.write_all(&self.line)
            });
        match written {
            Ok(()) => self.entries += 1,
            Err(_) => self.failed = true,
        }
        written
    }

    /// Whether an append failed (a full disk): the result it was given is not journaled,
    /// what it holds before is still whole (the failed line at most torn off at the end).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Every result appended so far is in the store: forget them.
    pub fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(self.header_len)?;
        self.file.seek(SeekFrom::Start(self.header_len))?;
        self.entries = 0;
        Ok(())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        // Results not yet in the store stay for the next run to write.
        if self.entries == 0 {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// [`Entry`] by reference, so appending copies nothing.
#[derive(Serialize)]
struct EntryRef<'a> {
    job: &'a Job,
    scanned_at: &'a str,
    record: &'a ResultRecord,
}

/// A lease owner as a file name: letters, digits, `.` and `-` kept, anything else `_`.
fn file_stem(owner: &str) -> String {
    owner
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What [`replay`] did.
#[derive(Debug, Default)]
pub struct Replayed {
    /// Journals of dead processes read (and removed).
    pub journals: usize,
    /// Results written from them.
    pub written: usize,
    /// Results not written: their job was no longer leased to the journal's owner
    /// (already written, or its lease ran out and another worker took it).
    pub stale: usize,
    /// Journals that could not be read, and why: left where they are (their results'
    /// jobs are scanned again when requeued).
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

/// Write the results held in the journals of dead processes in `dir`, then remove those
/// journals. Journals still locked by a live process are left alone.
pub fn replay(store: &Store, dir: &Path) -> crate::Result<Replayed> {
    let mut replayed = Replayed::default();
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(replayed),
        Err(err) => return Err(err.into()),
    };
    let mut paths: Vec<PathBuf> = listing
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.to_str() else { continue };
        let unfinished = name.ends_with(UNLOCKED_SUFFIX);
        if !unfinished && !name.ends_with(SUFFIX) {
            continue;
        }
        // A file that cannot be read must not keep every batch and worker from starting.
        let file = match lock_if_dead(&path) {
            Ok(Some(file)) => file,
            Ok(None) => continue,
            Err(err) => {
                replayed.unreadable.push((path, err));
                continue;
            }
        };
        if unfinished {
            // Its process died before its journal held anything.
            remove_if_there(&path)?;
            continue;
        }
        let (owner, entries) = match read_journal(&file) {
            Ok(read) => read,
            Err(err) => {
                replayed.unreadable.push((path, err));
                continue;
            }
        };
        if let Some(owner) = owner {
            for slice in entries.chunks(REPLAY_BATCH) {
                let items: Vec<(&Job, &ResultRecord, &str)> = slice
                    .iter()
                    .map(|entry| (&entry.job, &entry.record, entry.scanned_at.as_str()))
                    .collect();
                let written = store.complete_many(&owner, &items)?;
                let count = written.iter().filter(|written| **written).count();
                replayed.written += count;
                replayed.stale += written.len() - count;
            }
        }
        // Removed only once written: a failed store leaves the journal for the next run.
        remove_if_there(&path)?;
        replayed.journals += 1;
    }
    Ok(replayed)
}

/// The file at `path`, locked, when no live process holds it; `None` when one does or
/// the file is gone (another process replayed it meanwhile).
fn lock_if_dead(path: &Path) -> std::io::Result<Option<File>> {
    let file = match File::options().read(true).write(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(err)) => Err(err),
    }
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// The owner and the whole entries of a journal. A torn or unreadable line ends it: what
/// follows was never acknowledged as written to the journal.
fn read_journal(file: &File) -> std::io::Result<(Option<String>, Vec<Entry>)> {
    let mut lines = BufReader::new(file.take(MAX_REPLAYED_BYTES)).split(b'\n');
    let owner = match lines.next() {
        Some(line) => serde_json::from_slice::<Header>(&line?)
            .ok()
            .map(|header| header.owner),
        None => None,
    };
    let mut entries = Vec::new();
    if owner.is_some() {
        for line in lines {
            match serde_json::from_slice::<Entry>(&line?) {
                Ok(entry) => entries.push(entry),
                Err(_) => break,
            }
        }
    }
    Ok((owner, entries))
}
