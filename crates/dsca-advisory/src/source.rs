//! Where an update reads OSV records from: a directory, a file, a URL or a zip archive.

use crate::collect::{Collector, Loaded};
use crate::record::{MAX_RECORD_BYTES, RecordError, parse_record};
use crate::{AdvisoryError, one_line};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bytes one URL source may download.
pub const MAX_DOWNLOAD_BYTES: u64 = 2 << 30;
/// Where [`crate::update`] reads records from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory walked recursively for `*.json` (and `*.jsonl`) files: the
    /// malicious-packages repository's `osv/`, `npm/<name>/` trees, or flat files.
    Dir(PathBuf),
    /// One `.json` record, or a JSON Lines file of records (`dsca export --format osv`).
    File(PathBuf),
    /// A zip of records, flat `<ID>.json` entries (OSV's `all.zip`) or nested paths.
    Zip(PathBuf),
    /// An http(s) URL of such a zip.
    Url(String),
}

impl Source {
    /// Reads a command-line argument: an http(s) URL, an existing directory, a file that
    /// is a zip (by name or by its first bytes), else a JSON / JSON Lines file.
    pub fn from_arg(arg: &str) -> Source {
        let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Source::Url(arg.to_string());
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            return Source::Dir(path);
        }
        let mut magic = [0u8; 4];
        let looks_zipped = File::open(&path)
            .and_then(|mut file| file.read_exact(&mut magic))
            .is_ok_and(|()| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06");
        if looks_zipped || has_extension(&path, &["zip"]) {
            Source::Zip(path)
        } else {
            Source::File(path)
        }
    }

    /// Reads every record of the source (downloads go to the system's temp directory).
    pub fn load(&self) -> Result<Loaded, AdvisoryError> {
        self.load_in(&std::env::temp_dir())
    }

    /// Like [`Source::load`], downloading into `scratch`: beside the database, where
    /// there is room for it, rather than in a possibly small tmpfs.
    pub(crate) fn load_in(&self, scratch: &Path) -> Result<Loaded, AdvisoryError> {
        let mut collector = Collector::default();
        match self {
            Source::Dir(dir) => walk(dir, &mut collector)?,
            Source::File(path) => read_file(path, &display_path(path), &mut collector)?,
            Source::Zip(path) => {
                let file = File::open(path).map_err(|e| AdvisoryError::io("open", path, e))?;
                crate::zip::load_zip(file, &path.display().to_string(), &mut collector)?;
            }
            Source::Url(url) => {
                let file = download(url, scratch)?;
                crate::zip::load_zip(file, &redact(url), &mut collector)?;
            }
        }
        Ok(collector.loaded)
    }
}

impl fmt::Display for Source {
    /// How the source is named in [`crate::Status`]: a URL without credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Dir(path) | Source::File(path) | Source::Zip(path) => {
                write!(f, "{}", path.display())
            }
            Source::Url(url) => f.write_str(&redact(url)),
        }
    }
}

fn has_extension(path: &Path, wanted: &[&str]) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| wanted.iter().any(|w| ext.eq_ignore_ascii_case(w)))
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

/// Walks `root` for record files in name order. Hidden entries (`.git`) and symbolic
/// links are not followed: a link loop must not hang an update.
fn walk(root: &Path, collector: &mut Collector) -> Result<(), AdvisoryError> {
    if !root.is_dir() {
        return Err(AdvisoryError::Source(format!(
            "{} is not a directory",
            root.display()
        )));
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let read = std::fs::read_dir(&dir).map_err(|e| AdvisoryError::io("read", &dir, e))?;
        let mut entries = Vec::new();
        for entry in read {
            entries.push(entry.map_err(|e| AdvisoryError::io("read", &dir, e))?);
        }
        entries.sort_by_key(|entry| entry.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| AdvisoryError::io("read", &path, e))?;
            if kind.is_dir() {
                subdirs.push(path);
            } else if kind.is_file() && has_extension(&path, &["json", "jsonl", "ndjson"]) {
                let origin = path
                    .strip_prefix(root)
                    .map_or_else(|_| display_path(&path), display_path);
                read_file(&path, &origin, collector)?;
            }
        }
        // Depth first, in name order.
        pending.extend(subdirs.into_iter().rev());
    }
    Ok(())
}

/// One record file, or a JSON Lines file of records (by extension, or a `.json` file
/// whose text turns out to hold one record per line).
fn read_file(path: &Path, origin: &str, collector: &mut Collector) -> Result<(), AdvisoryError> {
    let file = File::open(path).map_err(|e| AdvisoryError::io("open", path, e))?;
    if has_extension(path, &["jsonl", "ndjson"]) {
        return read_lines(file, path, origin, collector);
    }
    let len = file
        .metadata()
        .map_err(|e| AdvisoryError::io("read", path, e))?
        .len();
    if len > MAX_RECORD_BYTES as u64 {
        collector.count(0)?;
        collector.skip(
            origin,
            &RecordError::TooLarge { size: len as usize }.to_string(),
        );
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AdvisoryError::io("read", path, e))?;
    match parse_record(&bytes) {
        Err(RecordError::NotJson(message)) if message.contains("trailing characters") => {
            read_lines(&bytes[..], path, origin, collector)
        }
        _ => {
            collector.count(bytes.len() as u64)?;
            collector.add(origin, &bytes);
            Ok(())
        }
    }
}

fn read_lines(
    reader: impl Read,
    path: &Path,
    origin: &str,
    collector: &mut Collector,
) -> Result<(), AdvisoryError> {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        number += 1;
        line.clear();
        let cap = MAX_RECORD_BYTES as u64 + 1;
        let read = (&mut reader)
            .take(cap)
            .read_until(b'\n', &mut line)
            .map_err(|e| AdvisoryError::io("read", path, e))?;
        if read == 0 {
            return Ok(());
        }
        let where_ = format!("{origin} line {number}");
        if line.len() as u64 == cap && line.last() != Some(&b'\n') {
            // Too long: drop the rest of the line without holding it.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let n = (&mut reader)
                    .take(1 << 16)
                    .read_until(b'\n', &mut rest)
                    .map_err(|e| AdvisoryError::io("read", path, e))?;
                if n == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            collector.count(0)?;
            collector.skip(
                &where_,
                &format!("line over the {MAX_RECORD_BYTES}-byte limit"),
            );
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        collector.count(line.len() as u64)?;
        collector.add(&where_, &line);
    }
}

/// Downloads `url` into an unnamed temp file in `scratch` and returns it rewound.
fn download(url: &str, scratch: &Path) -> Result<File, AdvisoryError> {
    let shown = redact(url);
    let network = |err: &dyn std::error::Error| AdvisoryError::Network {
        url: shown.clone(),
        reason: error_chain(err),
    };
    let client = reqwest::blocking::Client::builder()
        .user_agent(concat!("dsca-advisory/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(30))
        // A whole all.zip on a slow link; the default 30 s would cut it off.
        .timeout(Duration::from_secs(30 * 60))
        .build()
        .map_err(|e| network(&e))?;
    let mut response = client.get(url).send().map_err(|e| network(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(AdvisoryError::Http {
            url: shown,
            status: status.as_u16(),
        });
    }
    let too_large = || AdvisoryError::Limit {
        what: format!("the download of {shown}"),
        limit: format!("{} GiB", MAX_DOWNLOAD_BYTES >> 30),
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_DOWNLOAD_BYTES)
    {
        return Err(too_large());
    }
    let mut file = tempfile::tempfile_in(scratch)
        .map_err(|e| AdvisoryError::io("create a file in", scratch, e))?;
    let copied = std::io::copy(&mut (&mut response).take(MAX_DOWNLOAD_BYTES + 1), &mut file)
        .map_err(|e| network(&e))?;
    if copied > MAX_DOWNLOAD_BYTES {
        return Err(too_large());
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| AdvisoryError::io("read", scratch, e))?;
    Ok(file)
}

/// An error and its causes on one line: reqwest's own message alone is "error sending
/// request", which tells the user nothing.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut cause = err.source();
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = inner.source();
    }
    one_line(&parts.join(": "), 500)
}

/// A URL as it may be shown and stored: without a user name or password.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => one_line(url, 500),
    }
}
