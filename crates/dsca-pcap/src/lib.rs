//! Packet captures, read for what a build looked up and where it connected.
//!
//! [`analyse_file`] (or [`analyse_reader`]) streams a pcap or pcapng file through the
//! link, IP and transport decoders, reassembles TCP streams and IPv4 fragments within
//! fixed memory limits, reads DNS (UDP and TCP; mDNS and LLMNR apart), TLS ClientHello
//! server names and HTTP request hosts, and returns a [`Report`] whose `network` section
//! lists every name, connection and host, each name and host marked with the
//! [`Allowlist`]'s verdict; the capture rules of dsca-rules judge it. Broken records inside a readable file are counted in
//! `network.skipped`; a file that cannot be read at all is a [`CaptureError`].

mod allowlist;
pub mod analysis;
pub mod decode;
pub mod dns;
pub mod http;
pub mod reader;
mod report;
mod streams;
pub mod tls;
pub mod writer;

pub use allowlist::{Allowlist, DEFAULT_ALLOWED, PatternError};
pub use reader::{CaptureError, CaptureReader, Packet, Record};
pub use report::timestamp;

use dsca_model::Report;
use std::io::Read;
use std::path::Path;

/// Read a whole capture from `input` and report on it; `name` is how the report names it.
pub fn analyse_reader(
    input: impl Read,
    name: &str,
    allowlist: &Allowlist,
) -> Result<Report, CaptureError> {
    let mut reader = CaptureReader::new(input)?;
    let mut analyzer = analysis::Analyzer::new();
    while let Some(record) = reader.next_record()? {
        match record {
            Record::Packet(packet) => {
                analyzer.packet(packet.timestamp_ns, packet.link_type, packet.data)
            }
            Record::Skipped(reason) => {
                let observations = &mut analyzer.observations;
                observations.packets += 1;
                observations.skip(reason.describe());
            }
        }
    }
    Ok(report::build_report(name, analyzer.finish(), allowlist))
}

/// [`analyse_reader`] over a file, read through a 1 MiB buffer.
pub fn analyse_file(path: &Path, allowlist: &Allowlist) -> Result<Report, CaptureError> {
    let file = std::fs::File::open(path)?;
    let input = std::io::BufReader::with_capacity(1 << 20, file);
    analyse_reader(input, &path.display().to_string(), allowlist)
}
