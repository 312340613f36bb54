//! A packument from a hostile registry, and a requested range: parsing, the lenient
//! manifest accessors and npm's version resolution must never panic.

#![no_main]

use dsca_model::npm::{Manifest, Packument};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is the requested range or tag, the rest the packument.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(0);
    let requested = std::str::from_utf8(&data[..split]).ok().filter(|r| !r.is_empty());
    let Ok(packument) = serde_json::from_slice::<Packument>(data.get(split + 1..).unwrap_or(&[]))
    else {
        return;
    };
    for manifest in packument.versions.values().map(Manifest) {
        let _ = (manifest.scripts(), manifest.bins(), manifest.dist(), manifest.maintainers());
    }
    if let Ok(version) = dsca_registry::client::resolve(&packument, requested) {
        assert!(packument.versions.contains_key(&version));
    }
});
