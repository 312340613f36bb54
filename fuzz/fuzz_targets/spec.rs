//! Package specs and purls from the command line or a names file: never a panic, and an
//! error is always one line.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Err(err) = dsca_registry::parse_spec(input) {
        assert!(!err.to_string().contains('\n'), "{err}");
    }
    if let Ok((name, _version)) = dsca_model::parse_npm_purl(input) {
        assert!(!name.is_empty());
    }
});
