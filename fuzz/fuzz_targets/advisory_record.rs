//! `parse_record` on arbitrary bytes: never a panic, every rejection one line, and what
//! it accepts respects the record limits and can be matched against any version.

#![no_main]

use dsca_advisory::{MAX_NAME_BYTES, MAX_VERSIONS, parse_record};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_record(data) {
        Ok(record) => {
            assert!(!record.id.is_empty() && !record.packages.is_empty());
            assert!(!record.summary.contains('\n'));
            assert!(record.link.to_ascii_lowercase().starts_with("http"));
            let mut counted = 0;
            for package in &record.packages {
                assert!(!package.name.is_empty() && package.name.len() <= MAX_NAME_BYTES);
                counted += package.versions.len();
                counted += package.ranges.iter().map(|r| r.events.len()).sum::<usize>();
                // Matching must not panic on listed versions, range ends or junk.
                let probes = package
                    .versions
                    .iter()
                    .map(String::as_str)
                    .chain(
                        package
                            .ranges
                            .iter()
                            .flat_map(|r| r.events.iter().map(|e| e.version())),
                    )
                    .take(8)
                    .chain(["0.0.0", "1.0.0-rc.1", "junk"]);
                for probe in probes {
                    let _ = package.affects(probe);
                }
                let _ = package.names_specific_versions();
            }
            assert!(counted <= MAX_VERSIONS);
        }
        Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
    }
});
