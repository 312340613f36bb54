#![no_main]
//! Any bytes as a payload searched for bait values, on every channel's path (DNS splits
//! names into labels), with one planted token copied in so that the decoders get real hits.
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn tokens() -> &'static dsca_sandbox::honey::Honeytokens {
    static TOKENS: OnceLock<dsca_sandbox::honey::Honeytokens> = OnceLock::new();
    TOKENS.get_or_init(|| {
        dsca_sandbox::honey::Honeytokens::generate("/home/node", "node", "build-host")
            .expect("the OS random generator works on a fuzzing machine")
    })
}

fuzz_target!(|data: &[u8]| {
    let tokens = tokens();
    let channel = match data.first().map(|b| b % 3) {
        Some(0) => "dns",
        Some(1) => "http",
        _ => "udp",
    };
    let _ = tokens.find_exfiltration(channel, "192.0.2.1:53", data, 0);
});
