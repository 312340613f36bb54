#![no_main]
//! Any bytes as the start of a TLS stream, and as an HTTP request head.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dsca_pcap::tls::client_hello(data);
    let _ = dsca_pcap::http::request(data);
});
