#![no_main]
//! Any bytes as a capture file: the reader and the whole analysis must not panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dsca_pcap::analyse_reader(data, "fuzz", &dsca_pcap::Allowlist::npm_registry());
});
