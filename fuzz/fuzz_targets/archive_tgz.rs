//! `read_tgz` on arbitrary bytes: it must return (never panic, hang or blow up memory),
//! and whatever it accepts must respect the limits it was given.

#![no_main]

use dsca_archive::{Limits, read_tgz};
use libfuzzer_sys::fuzz_target;

/// Small limits keep each run fast and let the fuzzer reach every limit.
const LIMITS: Limits = Limits {
    max_total_bytes: 4 << 20,
    max_entries: 256,
    max_file_bytes: 1 << 20,
    max_ratio: 100,
    ratio_floor_bytes: 256 << 10,
};

fuzz_target!(|data: &[u8]| {
    match read_tgz(data, &LIMITS) {
        Ok(contents) => {
            let sum: u64 = contents.files.iter().map(|f| f.data.len() as u64).sum();
            assert_eq!(contents.total_bytes, sum);
            assert!(contents.total_bytes <= LIMITS.max_total_bytes);
            for file in &contents.files {
                assert!(file.data.len() as u64 <= LIMITS.max_file_bytes);
                assert!(!file.path.starts_with('/'));
                assert!(!file.path.split(['/', '\\']).any(|segment| segment == ".."));
            }
        }
        Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
    }
});
