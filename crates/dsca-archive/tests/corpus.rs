//! Every real malicious npm tarball in the shared corpus must read cleanly. The files
//! are only read as bytes here; nothing in them is executed.

use std::path::Path;

use dsca_archive::{Limits, read_tgz};

#[test]
fn every_corpus_tarball_reads() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/npm-malicious");
    let Ok(listing) = std::fs::read_dir(&corpus) else {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    };
    let mut read = 0;
    for entry in listing {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "tgz") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let contents = read_tgz(&bytes, &Limits::default())
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(
            matches!(contents.manifest(), Some(Ok(_))),
            "{}: no readable package.json",
            path.display()
        );
        read += 1;
    }
    eprintln!("read {read} corpus tarballs");
}
