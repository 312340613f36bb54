//! Throughput and memory of `analyse_file` on generated captures (default 1 GiB, and
//! 128 MiB to show that peak memory does not grow with the file). Prints a table.
//!
//!     cargo bench -p dsca-pcap --bench read_capture            # DSCA_PCAP_BENCH_MIB=1024
//!
//! The capture mixes bulk TCP segments of 1,448 bytes on many flows with DNS queries
//! and answers and TLS ClientHellos, as an install's traffic would.

use dsca_pcap::{Allowlist, analyse_file};
use std::io::{BufWriter, Write};
use std::time::Instant;

fn ethernet_ipv4(protocol: u8, src: [u8; 4], dst: [u8; 4], transport: &[u8]) -> Vec<u8> {
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x08, 0]);
    let total = 20 + transport.len();
    frame.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        protocol,
        0,
        0,
    ]);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
    frame.extend_from_slice(transport);
    frame
}

fn tcp(sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut segment = Vec::new();
    segment.extend_from_slice(&sport.to_be_bytes());
    segment.extend_from_slice(&dport.to_be_bytes());
    segment.extend_from_slice(&seq.to_be_bytes());
    segment.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    segment.extend_from_slice(payload);
    segment
}

fn dns_query(name: &str) -> Vec<u8> {
    let mut dns = vec![0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        dns.push(label.len() as u8);
        dns.extend_from_slice(label.as_bytes());
    }
    dns.extend_from_slice(&[0, 0, 1, 0, 1]);
    let mut udp = vec![0xc3, 0x50, 0, 53];
    udp.extend_from_slice(&((8 + dns.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(&dns);
    udp
}

fn client_hello(name: &str) -> Vec<u8> {
    let name = name.as_bytes();
    let mut ext = vec![0, 0];
    ext.extend_from_slice(&((name.len() + 5) as u16).to_be_bytes());
    ext.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
    ext.push(0);
    ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
    ext.extend_from_slice(name);
    let mut body = vec![3, 3];
    body.extend_from_slice(&[1; 32]);
    body.extend_from_slice(&[0, 0, 2, 0x13, 1, 1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut record = vec![0x16, 3, 1];
    record.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    record.push(1);
    record.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    record.extend_from_slice(&body);
    record
}

fn generate(path: &std::path::Path, target_bytes: u64) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for field in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
        out.write_all(&field.to_le_bytes())?;
    }
    let bulk = vec![0x5a; 1448];
    let mut written = 24u64;
    let mut seqs = [0u32; 256];
    let mut i: u64 = 0;
    while written < target_bytes {
        let flow = (i % 256) as usize;
        let client = [10, 0, (flow / 250) as u8, (flow % 250) as u8 + 1];
        let server = [198, 51, 100, (flow % 200) as u8 + 1];
        let sport = 40_000 + flow as u16;
        let frame = match i % 1000 {
            0 => ethernet_ipv4(
                17,
                client,
                [192, 0, 2, 53],
                &dns_query(&format!("host{}.example", i % 5000)),
            ),
            1 => {
                seqs[flow] = 1;
                ethernet_ipv4(6, client, server, &tcp(sport, 443, 0, 0x02, &[]))
            }
            2 => {
                let hello = client_hello(&format!("sni{}.example", i % 3000));
                let frame = ethernet_ipv4(
                    6,
                    client,
                    server,
                    &tcp(sport, 443, seqs[flow], 0x18, &hello),
                );
                seqs[flow] = seqs[flow].wrapping_add(hello.len() as u32);
                frame
            }
            _ => {
                let frame =
                    ethernet_ipv4(6, server, client, &tcp(443, sport, seqs[flow], 0x10, &bulk));
                seqs[flow] = seqs[flow].wrapping_add(1448);
                frame
            }
        };
        let seconds = 1_700_000_000 + (i / 100_000) as u32;
        for field in [
            seconds,
            (i % 1_000_000) as u32,
            frame.len() as u32,
            frame.len() as u32,
        ] {
            out.write_all(&field.to_le_bytes())?;
        }
        out.write_all(&frame)?;
        written += 16 + frame.len() as u64;
        i += 1;
    }
    out.flush()?;
    Ok(written)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let mib: u64 = std::env::var("DSCA_PCAP_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().expect("temporary directory");
    println!(
        "{:>10} {:>10} {:>9} {:>10} {:>7} {:>14}",
        "file MiB", "packets", "seconds", "MB/s", "names", "peak RSS MiB"
    );
    for size in [128.min(mib), mib] {
        let path = dir.path().join(format!("bench-{size}.pcap"));
        let bytes = generate(&path, size << 20).expect("generate capture");
        let start = Instant::now();
        let report = analyse_file(&path, &Allowlist::npm_registry()).expect("readable capture");
        let seconds = start.elapsed().as_secs_f64();
        let network = report.network.expect("network section");
        println!(
            "{:>10} {:>10} {:>9.2} {:>10.0} {:>7} {:>14.1}",
            bytes >> 20,
            network.packets,
            seconds,
            bytes as f64 / seconds / 1e6,
            network.names.len(),
            peak_rss_kib() as f64 / 1024.0
        );
        std::fs::remove_file(&path).ok();
    }
}
