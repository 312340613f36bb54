//! Builders for test archives. Hostile entries are written as raw headers because
//! `tar::Builder` (rightly) refuses to create them.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A tar stream written header by header, with any name bytes and type.
#[derive(Default)]
pub struct RawTar {
    bytes: Vec<u8>,
}

impl RawTar {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn file(self, path: &str, data: &[u8]) -> Self {
        self.entry(path.as_bytes(), b'0', data, b"", 0o644)
    }

    pub fn file_with_mode(self, path: &str, data: &[u8], mode: u32) -> Self {
        self.entry(path.as_bytes(), b'0', data, b"", mode)
    }

    pub fn dir(self, path: &str) -> Self {
        self.entry(path.as_bytes(), b'5', b"", b"", 0o755)
    }

    pub fn link(self, path: &str, type_byte: u8, target: &str) -> Self {
        self.entry(path.as_bytes(), type_byte, b"", target.as_bytes(), 0o777)
    }

    pub fn special(self, path: &str, type_byte: u8) -> Self {
        self.entry(path.as_bytes(), type_byte, b"", b"", 0o644)
    }

    /// A pax extended header (`x`) giving the next entry the path `long_path`.
    pub fn pax_path(self, long_path: &str) -> Self {
        let record = pax_record("path", long_path);
        self.entry(b"PaxHeader/x", b'x', &record, b"", 0o644)
    }

    /// Appends a ustar header (name of at most 100 bytes) and the data, padded to a block.
    pub fn entry(
        mut self,
        name: &[u8],
        type_byte: u8,
        data: &[u8],
        link: &[u8],
        mode: u32,
    ) -> Self {
        let header = header(name, type_byte, data.len() as u64, link, mode);
        self.bytes.extend_from_slice(header.as_bytes());
        self.bytes.extend_from_slice(data);
        pad(&mut self.bytes);
        self
    }

    /// Any bytes, as they are (e.g. a deliberately broken header).
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// The stream with its end-of-archive marker (two zero blocks).
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.extend_from_slice(&[0; 1024]);
        self.bytes
    }

    /// The stream as it is, with no end-of-archive marker.
    pub fn unterminated(self) -> Vec<u8> {
        self.bytes
    }
}

pub fn header(name: &[u8], type_byte: u8, size: u64, link: &[u8], mode: u32) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    let old = header.as_old_mut();
    old.name[..name.len()].copy_from_slice(name);
    old.linkname[..link.len()].copy_from_slice(link);
    header.set_entry_type(tar::EntryType::new(type_byte));
    header.set_size(size);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header.set_cksum();
    header
}

pub fn pax_record(key: &str, value: &str) -> Vec<u8> {
    // The length prefix counts itself, so grow it until it is consistent.
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len = len.to_string().len() + body.len();
    }
    format!("{len}{body}").into_bytes()
}

fn pad(bytes: &mut Vec<u8>) {
    let rem = bytes.len() % 512;
    if rem != 0 {
        bytes.resize(bytes.len() + 512 - rem, 0);
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("writing to a Vec");
    encoder.finish().expect("writing to a Vec")
}

/// A well-formed npm-style tarball built with `tar::Builder`.
pub fn npm_tarball(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("package/{path}"), *data)
            .expect("appending to a Vec");
    }
    gzip(&builder.into_inner().expect("finishing a Vec"))
}
