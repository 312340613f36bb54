#![no_main]
//! Any bytes as an strace log, with small limits so that they are reached too.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = dsca_sandbox::trace::TraceLimits {
        max_bytes: 1 << 20,
        max_line: 4096,
        max_processes: 64,
        max_events: 256,
    };
    let _ = dsca_sandbox::trace::parse(data, 0, "/work", "install", &limits);
});
