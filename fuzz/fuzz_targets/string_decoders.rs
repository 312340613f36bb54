//! The string decoders on their own: base64/hex constant decoding and the extraction and
//! classification of URLs, IPv4 addresses and emails, layers of encoding deep. Never a
//! panic, and bounded output for any input.

#![no_main]

use dsca_rules::code::string_intelligence;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_decoded, indicators) = string_intelligence(&text);
    for indicator in &indicators {
        assert!(!indicator.is_empty());
    }
});
