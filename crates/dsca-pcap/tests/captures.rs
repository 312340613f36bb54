//! Captures recorded by tcpdump and dumpcap (see tests/data/record.sh) and crafted files
//! for every link type and every kind of bad input. The recorded captures' reports are
//! judged by the capture rules, as `dsca pcap` judges them.

use dsca_pcap::{Allowlist, CaptureError, analyse_reader};
use std::path::Path;

fn analyse(name: &str) -> dsca_model::Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let mut report = analyse_reader(&bytes[..], name, &Allowlist::npm_registry()).unwrap();
    let network = report.network.as_ref().unwrap();
    report.findings = dsca_rules::analyse_capture(network).findings;
    report.finalize();
    report
}

#[test]
fn dig_over_ethernet_udp_tcp_and_ipv6() {
    insta::assert_json_snapshot!(analyse("dig-ethernet.pcap"));
}

#[test]
fn node_through_the_resolver_pcapng_two_interfaces() {
    insta::assert_json_snapshot!(analyse("node-two-interfaces.pcapng"));
}

#[test]
fn linux_cooked_nanoseconds() {
    insta::assert_json_snapshot!(analyse("cooked-any.pcap"));
}

/// A pcap file (little-endian, microseconds) of `frames` on `link_type`.
fn pcap(link_type: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut file = Vec::new();
    for field in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 262_144, link_type] {
        file.extend_from_slice(&field.to_le_bytes());
    }
    for (i, frame) in frames.iter().enumerate() {
        for field in [
            1_700_000_000 + i as u32,
            0,
            frame.len() as u32,
            frame.len() as u32,
        ] {
            file.extend_from_slice(&field.to_le_bytes());
        }
        file.extend_from_slice(frame);
    }
    file
}

/// An IPv4/UDP packet to port 53 carrying a query for `name`.
fn dns_query_ipv4(name: &str) -> Vec<u8> {
    let mut dns = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        dns.push(label.len() as u8);
        dns.extend_from_slice(label.as_bytes());
    }
    dns.extend_from_slice(&[0, 0, 1, 0, 1]);
    let udp_len = 8 + dns.len();
    let mut packet = vec![
        0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 10, 192, 0, 2, 53,
    ];
    packet[2..4].copy_from_slice(&((20 + udp_len) as u16).to_be_bytes());
    packet.extend_from_slice(&[0xc3, 0x50, 0, 53]);
    packet.extend_from_slice(&(udp_len as u16).to_be_bytes());
    packet.extend_from_slice(&[0, 0]);
    packet.extend_from_slice(&dns);
    packet
}

fn names(report: &dsca_model::Report) -> Vec<String> {
    let network = report.network.as_ref().unwrap();
    network.names.iter().map(|n| n.name.clone()).collect()
}

#[test]
fn every_link_type_reaches_the_dns_query() {
    let ip = dns_query_ipv4("link.example");
    let ethernet = [&[0u8; 12][..], &[0x81, 0, 0, 5, 0x08, 0], &ip].concat();
    let sll = [&[0u8; 14][..], &[0x08, 0], &ip].concat();
    let sll2 = [&[0x08, 0][..], &[0u8; 18], &ip].concat();
    let null_le = [&2u32.to_le_bytes()[..], &ip].concat();
    let null_be = [&2u32.to_be_bytes()[..], &ip].concat();
    for (link_type, frame) in [
        (1, ethernet),
        (113, sll),
        (276, sll2),
        (0, null_le),
        (0, null_be),
        (101, ip.clone()),
        (228, ip.clone()),
    ] {
        let file = pcap(link_type, &[frame]);
        let report = analyse_reader(&file[..], "x", &Allowlist::npm_registry()).unwrap();
        assert_eq!(names(&report), ["link.example"], "link type {link_type}");
    }
}

#[test]
fn big_endian_nanosecond_pcap() {
    let ip = dns_query_ipv4("be.example");
    let mut file = Vec::new();
    for field in [0xa1b23c4du32, 0x0002_0004, 0, 0, 65_535, 101] {
        file.extend_from_slice(&field.to_be_bytes());
    }
    for field in [1_700_000_000u32, 5, ip.len() as u32, ip.len() as u32] {
        file.extend_from_slice(&field.to_be_bytes());
    }
    file.extend_from_slice(&ip);
    let report = analyse_reader(&file[..], "x", &Allowlist::npm_registry()).unwrap();
    let network = report.network.unwrap();
    assert_eq!(network.names[0].name, "be.example");
    assert_eq!(network.names[0].first_seen, "2023-11-14T22:13:20.000000Z");
}

#[test]
fn unreadable_files_are_errors() {
    let allow = Allowlist::npm_registry();
    assert!(matches!(
        analyse_reader(&b""[..], "x", &allow),
        Err(CaptureError::Empty)
    ));
    let err = analyse_reader(&b"PK\x03\x04 not a capture"[..], "x", &allow).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a pcap or pcapng file (starts with bytes 50 4b 03 04)"
    );
    let header = pcap(1, &[]);
    assert!(matches!(
        analyse_reader(&header[..10], "x", &allow),
        Err(CaptureError::TruncatedHeader)
    ));
    let pcapng = [0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4];
    assert!(matches!(
        analyse_reader(&pcapng[..], "x", &allow),
        Err(CaptureError::BadSectionHeader(_))
    ));
}

#[test]
fn bad_packets_are_counted_not_fatal() {
    let good = dns_query_ipv4("good.example");
    let mut loop_query = dns_query_ipv4("x.example");
    let dns_start = 28 + 12;
    loop_query.truncate(dns_start);
    loop_query.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let short_ip = vec![0x45, 0, 0];
    let mut file = pcap(101, &[good, loop_query, short_ip]);
    // An oversized record, then a record cut short by the end of the file.
    for field in [0u32, 0, 300_000, 300_000] {
        file.extend_from_slice(&field.to_le_bytes());
    }
    file.extend_from_slice(&vec![0; 300_000]);
    for field in [0u32, 0, 100, 100] {
        file.extend_from_slice(&field.to_le_bytes());
    }
    file.extend_from_slice(&[0; 10]);
    let report = analyse_reader(&file[..], "x", &Allowlist::npm_registry()).unwrap();
    assert_eq!(names(&report), ["good.example"]);
    let skipped: Vec<(String, u64)> = report
        .network
        .unwrap()
        .skipped
        .into_iter()
        .map(|s| (s.reason, s.count))
        .collect();
    insta::assert_debug_snapshot!(skipped);
}

#[test]
fn allowlist_patterns_silence_findings() {
    let file = pcap(101, &[dns_query_ipv4("mirror.corp.example")]);
    let mut allow = Allowlist::npm_registry();
    let allowed = |allow: &Allowlist| {
        let report = analyse_reader(&file[..], "x", allow).unwrap();
        report.network.unwrap().names[0].allowed
    };
    assert!(!allowed(&allow));
    allow.add("*.corp.example").unwrap();
    assert!(allowed(&allow));
}
