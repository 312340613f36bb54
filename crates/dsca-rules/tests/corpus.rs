//! The rules over the real malicious npm packages in shared/corpus.
//!
//! SAFETY: the tarballs are real malware. They are only read into memory here; nothing
//! is unpacked to disk, installed or executed.

use dsca_archive::{PackageContents, PackageFile};
use dsca_model::npm::SignatureCheck;
use dsca_rules::{Origin, ScanContext, analyse_metadata};
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

const CORPUS: &str = "../../../shared/corpus/npm-malicious";

/// Read a .tgz into memory, stripping the top-level folder. Only regular files are kept.
fn read_tarball(path: &Path) -> PackageContents {
    let file = std::fs::File::open(path).expect("open tarball");
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let mut contents = PackageContents::default();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let raw = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let path = raw
            .split_once('/')
            .map_or(raw.clone(), |(_, rest)| rest.to_string());
        let mode = entry.header().mode().unwrap_or(0);
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("entry data");
        contents.total_bytes += data.len() as u64;
        contents.files.push(PackageFile { path, data, mode });
    }
    contents
}

struct Scanned {
    file: String,
    rules: Vec<String>,
}

fn scan_corpus() -> Option<Vec<Scanned>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let Ok(listing) = std::fs::read_dir(&dir) else {
        eprintln!("corpus not found at {}; skipping", dir.display());
        return None;
    };
    let mut paths: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tgz"))
        .collect();
    paths.sort();
    let scanned = paths
        .iter()
        .map(|path| {
            let contents = read_tarball(path);
            let manifest: serde_json::Value = contents
                .file("package.json")
                .and_then(|f| serde_json::from_slice(&f.data).ok())
                .unwrap_or_default();
            let text = |key: &str| manifest.get(key).and_then(|v| v.as_str()).unwrap_or("");
            let ctx = ScanContext {
                name: text("name"),
                version: text("version"),
                origin: Origin::Tarball,
                manifest: Some(&manifest),
                packument: None,
                contents: Some(&contents),
                signature: &SignatureCheck::NotApplicable,
                now: time::macros::datetime!(2025-06-01 00:00 UTC),
                advisories: &[],
                known_indicators: None,
            };
            let mut rules: Vec<String> = analyse_metadata(&ctx)
                .findings
                .into_iter()
                .map(|f| f.rule)
                .collect();
            rules.sort();
            rules.dedup();
            Scanned {
                file: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                rules,
            }
        })
        .collect();
    Some(scanned)
}

#[test]
fn malicious_corpus() {
    let Some(scanned) = scan_corpus() else {
        return;
    };
    assert_eq!(scanned.len(), 15);
    let fires = |file_prefix: &str, rule: &str| {
        let package = scanned
            .iter()
            .find(|s| s.file.starts_with(file_prefix))
            .unwrap_or_else(|| panic!("{file_prefix} missing from corpus"));
        assert!(
            package.rules.iter().any(|r| r == rule),
            "{} should raise {rule}, raised {:?}",
            package.file,
            package.rules
        );
    };
    // Every sample whose package.json runs a script on install.
    for sample in [
        "rrgod-",
        "commander-js-",
        "ua-parser-js-",
        "express-exp-",
        "an0n-chat-lib-",
        "electorn-",
        "sonatype-",
        "eslint-scope-",
        "twilio-npm-",
        "roblox.dll-",
    ] {
        fires(sample, "DSCA101");
    }
    // Risky commands in the scripts themselves.
    for sample in ["rrgod-", "twilio-npm-", "electorn-", "ua-parser-js-"] {
        fires(sample, "DSCA102");
    }
    for sample in ["electorn-", "commander-js-", "twilio-npm-"] {
        fires(sample, "DSCA301");
    }
    fires("sonatype-", "DSCA601");

    let summary: Vec<String> = scanned
        .iter()
        .map(|s| format!("{}: {}", s.file, s.rules.join(" ")))
        .collect();
    insta::assert_yaml_snapshot!(summary);
}
