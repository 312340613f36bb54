#![no_main]
//! Any bytes as the body of a git pack request from inside the sandbox: judging it
//! never panics, and what passes is packet lines of object ids and plain words only.
use dsca_registry::hosted_git::{MAX_PACK_REQUEST, pack_request_problem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if pack_request_problem(data).is_none() {
        assert!(data.len() <= MAX_PACK_REQUEST);
        // Packet lines are ASCII hex lengths and text: nothing binary passes.
        assert!(data.is_ascii(), "{data:?}");
    }
});
