//! Whatever the bytes, `read_tgz` returns: it never panics, and it never accepts a
//! gzip stream that was cut short.

mod common;

use common::{RawTar, gzip};
use dsca_archive::{Limits, read_tgz};
use proptest::prelude::*;

fn limits() -> Limits {
    Limits {
        max_total_bytes: 1 << 20,
        max_entries: 64,
        max_file_bytes: 256 << 10,
        max_ratio: 100,
        ratio_floor_bytes: 64 << 10,
    }
}

fn seed_tar() -> Vec<u8> {
    RawTar::new()
        .dir("package/")
        .file("package/package.json", br#"{"name":"seed"}"#)
        .file("package/index.js", &[b'x'; 700])
        .pax_path("package/a-long-name.js")
        .file("package/short.js", b"pax")
        .link("package/link", b'2', "../../etc/passwd")
        .file("../evil", b"climb")
        .finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_tgz(&bytes, &limits());
    }

    #[test]
    fn random_bytes_behind_a_magic(
        gz in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut bytes = if gz { vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] } else { vec![0; 257] };
        if !gz {
            bytes.extend_from_slice(b"ustar\x0000");
        }
        bytes.extend(tail);
        let _ = read_tgz(&bytes, &limits());
    }

    #[test]
    fn mutated_archives(
        compress in any::<bool>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = if compress { gzip(&seed_tar()) } else { seed_tar() };
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        let _ = read_tgz(&bytes, &limits());
    }

    #[test]
    fn a_cut_gzip_stream_is_never_accepted(cut in any::<prop::sample::Index>()) {
        let tgz = gzip(&seed_tar());
        let cut = cut.index(tgz.len());
        prop_assert!(read_tgz(&tgz[..cut], &limits()).is_err());
    }
}

#[test]
fn the_seed_reads() {
    let contents = read_tgz(&gzip(&seed_tar()), &limits()).unwrap();
    assert_eq!(contents.files.len(), 3);
    assert_eq!(contents.anomalies.len(), 2);
}
