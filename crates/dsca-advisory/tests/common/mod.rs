//! Helpers shared by the integration tests: test data paths, a minimal zip writer, OSV
//! record builders and a one-file HTTP server on 127.0.0.1.

#![allow(dead_code)]

use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

/// The records copied from ../shared/data/osv-mal (see tests/data/README.md).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub fn osv_dir() -> PathBuf {
    data_dir().join("osv")
}

pub fn read_data(relative: &str) -> Vec<u8> {
    std::fs::read(osv_dir().join(relative)).expect("test record")
}

/// One zip entry for [`zip`]: name, contents, deflated or stored.
pub struct ZipEntry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub deflate: bool,
}

pub fn entry<'a>(name: &'a str, data: &'a [u8]) -> ZipEntry<'a> {
    ZipEntry {
        name,
        data,
        deflate: true,
    }
}

/// A plain zip (no zip64, no data descriptors), written from the format description.
pub fn zip(entries: &[ZipEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let body = if entry.deflate {
            let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(entry.data).unwrap();
            encoder.finish().unwrap()
        } else {
            entry.data.to_vec()
        };
        let mut crc = flate2::Crc::new();
        crc.update(entry.data);
        let method: u16 = if entry.deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let common = |buf: &mut Vec<u8>| {
            buf.extend(20u16.to_le_bytes()); // version needed
            buf.extend(0u16.to_le_bytes()); // flags
            buf.extend(method.to_le_bytes());
            buf.extend(0u32.to_le_bytes()); // time, date
            buf.extend(crc.sum().to_le_bytes());
            buf.extend((body.len() as u32).to_le_bytes());
            buf.extend((entry.data.len() as u32).to_le_bytes());
            buf.extend((entry.name.len() as u16).to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // extra length
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(entry.name.as_bytes());
        out.extend(&body);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend([0u8; 8]); // comment length, disk, internal and external attributes
        central.extend([0u8; 2]);
        central.extend(offset.to_le_bytes());
        central.extend(entry.name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment length
    out
}

/// A minimal OSV record for one npm package.
pub fn record(id: &str, name: &str, affected: serde_json::Value) -> Vec<u8> {
    let mut entry = serde_json::json!({ "package": { "ecosystem": "npm", "name": name } });
    for (key, value) in affected.as_object().unwrap() {
        entry[key] = value.clone();
    }
    serde_json::to_vec(&serde_json::json!({
        "schema_version": "1.5.0",
        "id": id,
        "modified": "2025-01-01T00:00:00Z",
        "published": "2025-01-01T00:00:00Z",
        "summary": format!("Malicious code in {name} (npm)"),
        "affected": [entry],
    }))
    .unwrap()
}

/// Serves each `(path, status, body)` over HTTP/1.1 on 127.0.0.1 from a background
/// thread, for as long as the test runs; anything else gets a 404. Returns the base URL.
pub fn serve(routes: Vec<(&'static str, u16, Vec<u8>)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Drain the headers up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = routes
                .iter()
                .find(|(route, _, _)| *route == path)
                .map_or((404, b"not found".to_vec()), |(_, status, body)| {
                    (*status, body.clone())
                });
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    base
}
