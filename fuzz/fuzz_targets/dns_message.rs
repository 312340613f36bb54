#![no_main]
//! Any bytes as a DNS message.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dsca_pcap::dns::parse(data);
});
