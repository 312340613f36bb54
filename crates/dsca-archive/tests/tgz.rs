mod common;

use common::{RawTar, gzip, header, npm_tarball, pax_record};
use dsca_archive::{Anomaly, AnomalyKind, ArchiveError, Limits, read_tgz};

fn read(bytes: &[u8]) -> dsca_archive::PackageContents {
    read_tgz(bytes, &Limits::default()).expect("archive should read")
}

fn read_err(bytes: &[u8], limits: &Limits) -> ArchiveError {
    match read_tgz(bytes, limits) {
        Ok(contents) => panic!("expected an error, read {} files", contents.files.len()),
        Err(err) => err,
    }
}

fn paths(contents: &dsca_archive::PackageContents) -> Vec<&str> {
    contents.files.iter().map(|f| f.path.as_str()).collect()
}

fn anomaly(kind: AnomalyKind, path: &str) -> Anomaly {
    Anomaly {
        kind,
        path: path.to_owned(),
    }
}

#[test]
fn reads_an_npm_tarball_and_strips_the_package_folder() {
    let manifest = br#"{"name":"demo","version":"1.0.0"}"#;
    let tgz = npm_tarball(&[
        ("package.json", manifest),
        ("index.js", b"module.exports = 1;\n"),
        ("lib/util/a.js", b"exports.a = 2;\n"),
    ]);
    let contents = read(&tgz);
    assert_eq!(
        paths(&contents),
        ["package.json", "index.js", "lib/util/a.js"]
    );
    assert!(contents.anomalies.is_empty());
    assert_eq!(contents.total_bytes, (manifest.len() + 20 + 15) as u64);
    assert_eq!(
        contents.file("index.js").unwrap().data,
        b"module.exports = 1;\n"
    );
    let manifest = contents.manifest().unwrap().unwrap();
    assert_eq!(manifest["name"], "demo");
}

#[test]
fn strips_any_top_folder_and_normalises_dot_segments() {
    let tar = RawTar::new()
        .dir("node/")
        .dir("node/lib/")
        .file("node/lib/a.js", b"a")
        .file("other//lib/./b.js", b"b")
        // npm strips the raw first component: `./other/...` keeps `other/`.
        .file("./other/c.js", b"c")
        // A top-level file is the extraction folder itself to npm: never installed.
        .file("README", b"top-level file")
        .file("./LICENSE", b"under `.`, so installed at the root")
        .finish();
    let contents = read(&gzip(&tar));
    assert_eq!(
        paths(&contents),
        ["lib/a.js", "lib/b.js", "other/c.js", "LICENSE"]
    );
    assert!(contents.anomalies.is_empty());
}

#[test]
fn directories_are_neither_files_nor_anomalies() {
    let tar = RawTar::new()
        .dir("package/")
        .dir("package/empty/")
        // Pre-POSIX tars mark directories as regular files with a trailing slash.
        .file("package/old-style/", b"")
        .file("package/index.js", b"x")
        .finish();
    let contents = read(&tar);
    assert_eq!(paths(&contents), ["index.js"]);
    assert!(contents.anomalies.is_empty());
}

#[test]
fn keeps_mode_bits() {
    let tar = RawTar::new()
        .file_with_mode("package/bin/cli.js", b"#!/usr/bin/env node\n", 0o755)
        .file_with_mode("package/index.js", b"", 0o644)
        .finish();
    let contents = read(&gzip(&tar));
    let cli = contents.file("bin/cli.js").unwrap();
    assert_eq!(cli.mode, 0o755);
    assert!(cli.is_executable());
    assert!(!contents.file("index.js").unwrap().is_executable());
}

#[test]
fn reads_gnu_long_names_and_pax_paths() {
    let long_dir = "d".repeat(120);
    let gnu_path = format!("{long_dir}/gnu.js");
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(3);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, format!("package/{gnu_path}"), &b"gnu"[..])
        .unwrap();
    let mut tar = builder.into_inner().unwrap();
    // Drop the builder's end marker and append a pax-named entry by hand.
    tar.truncate(tar.len() - 1024);
    let pax_path = format!("{}/pax.js", "p".repeat(150));
    let tar = RawTar::new()
        .raw(&tar)
        .pax_path(&format!("package/{pax_path}"))
        .file("package/short-name-ignored.js", b"pax")
        .finish();

    let contents = read(&gzip(&tar));
    assert_eq!(paths(&contents), [gnu_path.as_str(), pax_path.as_str()]);
    assert_eq!(contents.file(&pax_path).unwrap().data, b"pax");
}

#[test]
fn a_top_level_decoy_cannot_replace_the_installed_manifest() {
    // npm drops the top-level `package.json` (it is the extraction folder itself) and
    // installs `package/package.json`: dsca must analyse that same file.
    let tar = RawTar::new()
        .file(
            "package/package.json",
            br#"{"scripts":{"postinstall":"sh x"}}"#,
        )
        .file("package.json", br#"{"name":"decoy"}"#)
        .finish();
    let contents = read(&gzip(&tar));
    assert_eq!(paths(&contents), ["package.json"]);
    assert!(contents.anomalies.is_empty());
    let manifest = contents.manifest().unwrap().unwrap();
    assert_eq!(manifest["scripts"]["postinstall"], "sh x");
}

#[test]
fn reports_every_hostile_entry_and_extracts_none() {
    let tar = RawTar::new()
        .file("package/index.js", b"first")
        .file("../evil.js", b"climb")
        .file("package/../../evil.js", b"climb")
        .file("/etc/cron.d/x", b"root")
        .file("C:/Windows/x.js", b"drive")
        .link("package/link", b'2', "/etc/passwd")
        .link("package/hard", b'1', "package/index.js")
        .file("package/index.js", b"second")
        .file("pkg/index.js", b"third")
        .special("package/pipe", b'6')
        .special("package/tty", b'3')
        .special("package/disk", b'4')
        .special("package/weird", b'Z')
        .finish();
    let contents = read(&gzip(&tar));
    assert_eq!(paths(&contents), ["index.js"]);
    // The last copy wins, as when npm extracts it.
    assert_eq!(contents.file("index.js").unwrap().data, b"third");
    assert_eq!(contents.total_bytes, 5);
    let special = |entry_type: &str| AnomalyKind::SpecialEntry {
        entry_type: entry_type.to_owned(),
    };
    assert_eq!(
        contents.anomalies,
        [
            anomaly(AnomalyKind::PathTraversal, "../evil.js"),
            anomaly(AnomalyKind::PathTraversal, "package/../../evil.js"),
            anomaly(AnomalyKind::AbsolutePath, "/etc/cron.d/x"),
            anomaly(AnomalyKind::AbsolutePath, "C:/Windows/x.js"),
            anomaly(
                AnomalyKind::Symlink {
                    target: "/etc/passwd".into()
                },
                "package/link"
            ),
            anomaly(
                AnomalyKind::Hardlink {
                    target: "package/index.js".into()
                },
                "package/hard"
            ),
            anomaly(AnomalyKind::Duplicate, "package/index.js"),
            anomaly(AnomalyKind::Duplicate, "pkg/index.js"),
            anomaly(special("fifo"), "package/pipe"),
            anomaly(special("character-device"), "package/tty"),
            anomaly(special("block-device"), "package/disk"),
            anomaly(special("unknown"), "package/weird"),
        ]
    );
}

#[test]
fn a_link_with_a_hostile_path_is_reported_twice() {
    let tar = RawTar::new()
        .link("../up", b'2', "target")
        .file("package/a.js", b"")
        .finish();
    let contents = read(&tar);
    assert_eq!(
        contents.anomalies,
        [
            anomaly(
                AnomalyKind::Symlink {
                    target: "target".into()
                },
                "../up"
            ),
            anomaly(AnomalyKind::PathTraversal, "../up"),
        ]
    );
}

#[test]
fn anomalies_serialise_with_a_kind_tag() {
    let value = serde_json::to_value(anomaly(
        AnomalyKind::Symlink {
            target: "/etc/passwd".into(),
        },
        "package/x",
    ))
    .unwrap();
    assert_eq!(
        value,
        serde_json::json!({"kind": "symlink", "target": "/etc/passwd", "path": "package/x"})
    );
}

#[test]
fn sees_entries_after_a_single_zero_block() {
    // node-tar keeps going after one zero block, so npm would install `hidden.js`.
    let tar = RawTar::new()
        .file("package/index.js", b"benign")
        .raw(&[0; 512])
        .file("package/hidden.js", b"payload")
        .finish();
    let contents = read(&gzip(&tar));
    assert_eq!(paths(&contents), ["index.js", "hidden.js"]);
}

#[test]
fn ignores_pax_global_headers() {
    let tar = RawTar::new()
        .entry(
            b"pax_global_header",
            b'g',
            &pax_record("comment", "abc"),
            b"",
            0o644,
        )
        .file("package/a.js", b"a")
        .finish();
    let contents = read(&tar);
    assert_eq!(paths(&contents), ["a.js"]);
    assert!(contents.anomalies.is_empty());
}

#[test]
fn sparse_files_are_special_entries() {
    let mut sparse = tar::Header::new_gnu();
    sparse.set_path("package/sparse").unwrap();
    sparse.set_entry_type(tar::EntryType::GNUSparse);
    sparse.set_size(0);
    sparse.set_mode(0o644);
    sparse.as_gnu_mut().unwrap().set_real_size(0);
    sparse.set_cksum();
    let tar = RawTar::new()
        .raw(sparse.as_bytes())
        .file("package/a.js", b"a")
        .finish();
    let contents = read(&tar);
    assert_eq!(paths(&contents), ["a.js"]);
    assert_eq!(
        contents.anomalies,
        [anomaly(
            AnomalyKind::SpecialEntry {
                entry_type: "gnu-sparse".into()
            },
            "package/sparse"
        )]
    );
}

#[test]
fn reads_plain_tar() {
    let tar = RawTar::new().file("package/index.js", b"plain").finish();
    let contents = read(&tar);
    assert_eq!(contents.file("index.js").unwrap().data, b"plain");
}

/// Two files, the tar cut at `at` and each part gzipped as a member of its own.
fn two_gzip_members(at: impl FnOnce(usize) -> usize) -> Vec<u8> {
    let tar = RawTar::new()
        .file("package/a.js", b"a")
        .file("package/b.js", b"b")
        .finish();
    let (first, second) = tar.split_at(at(tar.len()));
    let mut tgz = gzip(first);
    tgz.extend(gzip(second));
    tgz
}

#[test]
fn reads_concatenated_gzip_members() {
    let tgz = two_gzip_members(|_| 512 * 2);
    assert_eq!(paths(&read(&tgz)), ["a.js", "b.js"]);
}

#[test]
fn a_second_gzip_member_as_long_as_the_first_is_read_too() {
    // The trailer announces the last member's size; here it is also the first's, so a
    // decoder that stopped after one member would find the size it expected.
    let tgz = two_gzip_members(|len| {
        assert_eq!(len % 2, 0);
        len / 2
    });
    assert_eq!(paths(&read(&tgz)), ["a.js", "b.js"]);
}

#[test]
fn an_empty_archive_is_empty() {
    let contents = read(&gzip(&[0; 1024]));
    assert_eq!(contents, dsca_archive::PackageContents::default());
}

// ---- limits ----

fn small_limits() -> Limits {
    Limits {
        max_total_bytes: 1000,
        max_entries: 4,
        max_file_bytes: 600,
        max_ratio: 1000,
        ratio_floor_bytes: 1 << 20,
    }
}

#[test]
fn too_many_entries() {
    let mut tar = RawTar::new();
    for i in 0..5 {
        tar = tar.file(&format!("package/{i}.js"), b"");
    }
    let err = read_err(&gzip(&tar.finish()), &small_limits());
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 4 }),
        "{err}"
    );
    assert_eq!(err.to_string(), "archive exceeds the limit of 4 entries");
}

#[test]
fn directories_and_links_count_as_entries() {
    let tar = RawTar::new()
        .dir("package/")
        .dir("package/a/")
        .link("package/l", b'2', "x")
        .special("package/p", b'6')
        .file("package/a.js", b"")
        .finish();
    let err = read_err(&tar, &small_limits());
    assert!(matches!(err, ArchiveError::TooManyEntries { .. }), "{err}");
}

#[test]
fn file_over_the_size_limit_is_refused_from_its_header() {
    // The header claims 700 bytes but none follow: the claim alone is enough.
    let mut tar = header(b"package/lib/big.js", b'0', 700, b"", 0o644)
        .as_bytes()
        .to_vec();
    tar.extend_from_slice(&[0; 1024]);
    let err = read_err(&tar, &small_limits());
    assert!(
        matches!(&err, ArchiveError::FileTooLarge { path, size: 700, limit: 600 } if path == "lib/big.js"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "file `lib/big.js` is 700 bytes, over the 600 bytes per-file limit"
    );
}

#[test]
fn a_huge_declared_size_does_not_allocate_it() {
    let mut tar = header(b"package/big.js", b'0', 1 << 40, b"", 0o644)
        .as_bytes()
        .to_vec();
    tar.extend_from_slice(&[0; 1024]);
    let err = read_err(&gzip(&tar), &Limits::default());
    assert!(matches!(err, ArchiveError::FileTooLarge { .. }), "{err}");
    assert!(
        err.to_string().contains("is 1024 GiB, over the 128 MiB"),
        "{err}"
    );
}

#[test]
fn total_size_limit() {
    let tar = RawTar::new()
        .file("package/a.js", &[b'a'; 500])
        .file("package/b.js", &[b'b'; 400])
        .file("package/c.js", &[b'c'; 200])
        .finish();
    let err = read_err(&gzip(&tar), &small_limits());
    assert!(
        matches!(err, ArchiveError::TotalTooLarge { limit: 1000 }),
        "{err}"
    );
}

fn bomb_limits() -> Limits {
    Limits {
        max_ratio: 100,
        ratio_floor_bytes: 1 << 20,
        ..Limits::default()
    }
}

#[test]
fn a_decompression_bomb_stops_at_the_ratio() {
    let zeros = vec![0u8; 64 << 20];
    let tar = RawTar::new().file("package/zeros.bin", &zeros).finish();
    let tgz = gzip(&tar);
    assert!(tgz.len() < 1 << 20, "64 MiB of zeros should compress well");
    let err = read_err(&tgz, &bomb_limits());
    assert!(
        matches!(err, ArchiveError::RatioTooHigh { limit: 100 }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "compression ratio over 100:1 (possible decompression bomb)"
    );
    // The same archive is fine when the ratio allows it.
    let generous = Limits {
        max_ratio: 10_000,
        ..bomb_limits()
    };
    assert_eq!(read_tgz(&tgz, &generous).unwrap().total_bytes, 64 << 20);
}

#[test]
fn zero_padding_after_the_end_is_bounded_too() {
    // Zero blocks carry no file data but still cost time to inflate.
    let mut tar = RawTar::new().file("package/a.js", b"a").finish();
    tar.resize(64 << 20, 0);
    let tgz = gzip(&tar);
    let err = read_err(&tgz, &bomb_limits());
    assert!(matches!(err, ArchiveError::RatioTooHigh { .. }), "{err}");

    let no_ratio = Limits {
        max_total_bytes: 1 << 20,
        max_entries: 10,
        max_ratio: u64::MAX,
        ..Limits::default()
    };
    let err = read_err(&tgz, &no_ratio);
    assert!(matches!(err, ArchiveError::StreamTooLarge { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("archive stream exceeds 2.1 MiB"),
        "{err}"
    );
}

#[test]
fn the_ratio_is_not_checked_below_the_floor() {
    let tar = RawTar::new().file("package/zeros", &[0; 100_000]).finish();
    let limits = Limits {
        max_ratio: 2,
        ratio_floor_bytes: 1 << 20,
        ..Limits::default()
    };
    assert!(read_tgz(&gzip(&tar), &limits).is_ok());
}

// ---- corrupt input ----

fn sample_tgz() -> Vec<u8> {
    // Incompressible-ish content so that the gzip body is long enough to cut.
    let data: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let tar = RawTar::new()
        .file("package/package.json", b"{}")
        .file("package/data.bin", &data)
        .file("package/index.js", b"last")
        .finish();
    gzip(&tar)
}

#[test]
fn truncated_gzip_is_an_error_even_after_some_entries() {
    let tgz = sample_tgz();
    let half = &tgz[..tgz.len() / 2];
    let err = read_err(half, &Limits::default());
    assert!(matches!(err, ArchiveError::Truncated { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "archive is truncated: unexpected end of gzip stream after {} bytes",
            half.len()
        )
    );
}

#[test]
fn a_missing_gzip_trailer_is_an_error() {
    let tgz = sample_tgz();
    for cut in 1..=8 {
        let err = read_err(&tgz[..tgz.len() - cut], &Limits::default());
        assert!(
            matches!(err, ArchiveError::Truncated { .. }),
            "cut {cut}: {err}"
        );
    }
}

#[test]
fn a_wrong_crc_is_an_error() {
    let mut tgz = sample_tgz();
    let crc_at = tgz.len() - 8;
    tgz[crc_at] ^= 0xff;
    let err = read_err(&tgz, &Limits::default());
    assert!(matches!(err, ArchiveError::Gzip { .. }), "{err}");
    assert!(err.to_string().contains("CRC-32"), "{err}");
}

#[test]
fn a_wrong_length_in_the_trailer_is_an_error() {
    let mut tgz = sample_tgz();
    let len_at = tgz.len() - 4;
    tgz[len_at] ^= 0x01;
    let err = read_err(&tgz, &Limits::default());
    assert!(matches!(err, ArchiveError::Gzip { .. }), "{err}");
}

#[test]
fn corrupt_deflate_data_is_an_error() {
    let mut tgz = sample_tgz();
    let middle = tgz.len() / 2;
    for byte in &mut tgz[middle..middle + 16] {
        *byte ^= 0x5a;
    }
    let err = read_err(&tgz, &Limits::default());
    assert!(
        matches!(
            err,
            ArchiveError::Gzip { .. } | ArchiveError::CorruptTar { .. }
        ),
        "{err}"
    );
}

#[test]
fn trailing_garbage_after_the_gzip_stream_is_an_error() {
    let mut tgz = sample_tgz();
    tgz.extend_from_slice(b"not a second gzip member");
    let err = read_err(&tgz, &Limits::default());
    assert!(matches!(err, ArchiveError::Gzip { .. }), "{err}");
}

#[test]
fn wrong_magic_names_the_first_bytes() {
    let err = read_err(b"PK\x03\x04rest of a zip file", &Limits::default());
    assert_eq!(
        err.to_string(),
        "not a gzip or tar archive (starts with 50 4b 03 04)"
    );
    let err = read_err(b"", &Limits::default());
    assert_eq!(
        err.to_string(),
        "not a gzip or tar archive (input is empty)"
    );
    let err = read_err(&[0x1f], &Limits::default());
    assert!(matches!(err, ArchiveError::NotAnArchive { .. }), "{err}");
}

#[test]
fn a_bad_header_checksum_names_the_entry() {
    let mut second = header(b"package/b.js", b'0', 0, b"", 0o644)
        .as_bytes()
        .to_vec();
    second[0] = b'X'; // after set_cksum, so the checksum no longer matches
    let tar = RawTar::new()
        .file("package/a.js", b"a")
        .raw(&second)
        .finish();
    let err = read_err(&gzip(&tar), &Limits::default());
    assert!(
        matches!(err, ArchiveError::CorruptTar { entry: 2, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "corrupt tar header at entry 2: archive header checksum mismatch"
    );
}

#[test]
fn gzip_that_is_not_tar_is_an_error() {
    let err = read_err(&gzip(&[b'x'; 2048]), &Limits::default());
    assert!(
        matches!(err, ArchiveError::CorruptTar { entry: 1, .. }),
        "{err}"
    );
}

#[test]
fn a_tar_cut_inside_an_entry_is_truncated() {
    let tar = RawTar::new()
        .file("package/a.js", b"a")
        .file("package/b.js", &[b'b'; 3000])
        .unterminated();
    for cut in [512 * 3, 512 * 3 + 100, tar.len() - 512] {
        let err = read_err(&tar[..cut], &Limits::default());
        assert!(
            matches!(err, ArchiveError::Truncated { .. }),
            "cut {cut}: {err}"
        );
        // A complete gzip stream around a cut tar is just as truncated.
        let err = read_err(&gzip(&tar[..cut]), &Limits::default());
        assert!(
            matches!(err, ArchiveError::Truncated { .. }),
            "gz cut {cut}: {err}"
        );
    }
}

#[test]
fn a_tar_without_its_end_marker_is_truncated() {
    let tar = RawTar::new()
        .file("package/a.js", b"a")
        .file("package/b.js", b"b")
        .unterminated();
    for bytes in [tar.clone(), gzip(&tar)] {
        let err = read_err(&bytes, &Limits::default());
        assert_eq!(
            err.to_string(),
            "archive is truncated: tar stream ends without an end-of-archive marker"
        );
    }
    // One zero block is enough: some writers omit the second.
    let mut one_block = tar.clone();
    one_block.extend_from_slice(&[0; 512]);
    assert_eq!(paths(&read(&one_block)), ["a.js", "b.js"]);
    // A gzip stream of nothing holds no tar at all.
    assert!(matches!(
        read_err(&gzip(b""), &Limits::default()),
        ArchiveError::Truncated { .. }
    ));
}

#[test]
fn a_pax_header_with_nothing_after_it_is_an_error() {
    let tar = RawTar::new()
        .file("package/a.js", b"a")
        .pax_path("package/b.js")
        .finish();
    assert!(read_tgz(&tar, &Limits::default()).is_err());
}

#[test]
fn a_file_with_an_empty_path_is_an_error() {
    let tar = RawTar::new().file(".", b"data").finish();
    let err = read_err(&tar, &Limits::default());
    assert!(
        matches!(err, ArchiveError::CorruptTar { entry: 1, .. }),
        "{err}"
    );
}

// ---- manifest ----

#[test]
fn manifest_absent_invalid_oversized_and_with_bom() {
    let contents = read(&npm_tarball(&[("index.js", b"")]));
    assert!(contents.manifest().is_none());

    let contents = read(&npm_tarball(&[("package.json", b"{\"name\": ")]));
    let err = contents.manifest().unwrap().unwrap_err();
    assert!(err.starts_with("invalid JSON: "), "{err}");
    assert!(!err.contains('\n'));

    let contents = read(&npm_tarball(&[(
        "package.json",
        b"\xef\xbb\xbf{\"name\":\"bom\"}",
    )]));
    assert_eq!(contents.manifest().unwrap().unwrap()["name"], "bom");

    let mut big = b"{\"x\":\"".to_vec();
    big.resize(6 << 20, b'a');
    big.extend_from_slice(b"\"}");
    let contents = read(&npm_tarball(&[("package.json", &big)]));
    let err = contents.manifest().unwrap().unwrap_err();
    assert_eq!(err, "it is 6 MiB, over the 5 MiB limit for package.json");

    // Only the root package.json is the manifest.
    let contents = read(&npm_tarball(&[("lib/package.json", b"{}")]));
    assert!(contents.manifest().is_none());
}

/// Inputs the fuzzer once broke the reader with, kept so they never do again.
#[test]
fn fuzz_regressions_give_one_line_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regression inputs") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read input");
        if let Err(err) = read_tgz(&bytes, &Limits::default()) {
            let message = err.to_string();
            assert!(
                !message.contains('\n') && !message.contains('\r'),
                "{message:?}"
            );
        }
        seen += 1;
    }
    assert!(seen > 0);
}
