//! The zip source reader on arbitrary bytes: it must return (never panic, hang or blow
//! up memory); a broken archive is one error line, unusable entries one line each.

#![no_main]

use dsca_advisory::load_zip_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match load_zip_bytes(data) {
        Ok(loaded) => {
            assert!(loaded.skip_reasons.len() as u64 <= loaded.skipped);
            for reason in &loaded.skip_reasons {
                assert!(!reason.contains('\n'), "{reason}");
            }
        }
        Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
    }
});
