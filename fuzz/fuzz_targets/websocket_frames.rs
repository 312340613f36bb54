#![no_main]
//! Any bytes as what a WebSocket client sends the sandbox's sink: the messages read out
//! of them never exceed the limit, and reading never panics.
use dsca_sandbox::net::websocket::client_messages;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let max = data.first().map_or(64, |&b| usize::from(b) * 16);
    let messages = client_messages(data, max);
    assert!(messages.len() <= max, "{} > {max}", messages.len());
    // Unmasked payloads are never longer than the frames they came in.
    assert!(messages.len() <= data.len());
});
