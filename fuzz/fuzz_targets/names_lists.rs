//! The names lists of `dsca batch`: a JSON array of names read as a stream, and a names
//! file of one spec a line. Never a panic; every error is one line with its position.

#![no_main]

use dsca_registry::{NamesFileReader, NamesJsonReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    for name in NamesJsonReader::new(input) {
        match name {
            Ok(name) => assert!(name.len() <= dsca_registry::names::MAX_NAME_BYTES * 4),
            Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
        }
    }
    for spec in NamesFileReader::new(input) {
        match spec {
            Ok(spec) => assert!(!spec.is_empty() && !spec.contains(char::is_whitespace)),
            Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
        }
    }
});
