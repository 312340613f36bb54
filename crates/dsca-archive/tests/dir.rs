use std::fs;
use std::path::Path;

use dsca_archive::{Anomaly, AnomalyKind, ArchiveError, Limits, read_dir};

fn write(root: &Path, relative: &str, data: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

fn paths(contents: &dsca_archive::PackageContents) -> Vec<&str> {
    contents.files.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn reads_a_folder_sorted_and_skips_what_npm_pack_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "package.json", br#"{"name":"local"}"#);
    write(root, "index.js", b"main");
    write(root, "lib/b.js", b"b");
    write(root, "lib/a.js", b"a");
    write(root, "lib-extra.js", b"x");
    write(
        root,
        "node_modules/dep/index.js",
        b"not part of the package",
    );
    write(root, ".git/HEAD", b"ref: refs/heads/main");
    // Only the top-level node_modules is skipped.
    write(root, "lib/node_modules/vendored.js", b"v");

    let contents = read_dir(root, &Limits::default()).unwrap();
    assert_eq!(
        paths(&contents),
        [
            "index.js",
            "lib-extra.js",
            "lib/a.js",
            "lib/b.js",
            "lib/node_modules/vendored.js",
            "package.json",
        ]
    );
    assert!(contents.anomalies.is_empty());
    assert_eq!(contents.total_bytes, 16 + 4 + 1 + 1 + 1 + 1);
    assert_eq!(contents.manifest().unwrap().unwrap()["name"], "local");
}

#[cfg(unix)]
#[test]
fn never_follows_symlinks_and_reports_special_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    use std::os::unix::net::UnixListener;

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret/key", b"do not read");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "index.js", b"main");
    symlink("/etc/passwd", root.join("passwd")).unwrap();
    symlink(outside.path().join("secret"), root.join("linked-dir")).unwrap();
    write(root, "bin/cli.js", b"#!/usr/bin/env node");
    fs::set_permissions(root.join("bin/cli.js"), fs::Permissions::from_mode(0o755)).unwrap();
    let _socket = UnixListener::bind(root.join("sock")).unwrap();

    let contents = read_dir(root, &Limits::default()).unwrap();
    assert_eq!(paths(&contents), ["bin/cli.js", "index.js"]);
    assert!(contents.file("bin/cli.js").unwrap().is_executable());
    assert_eq!(
        contents.file("index.js").unwrap().mode & 0o777,
        0o644 & !umask()
    );
    let target = outside.path().join("secret").to_string_lossy().into_owned();
    assert_eq!(
        contents.anomalies,
        [
            Anomaly {
                kind: AnomalyKind::Symlink { target },
                path: "linked-dir".into()
            },
            Anomaly {
                kind: AnomalyKind::Symlink {
                    target: "/etc/passwd".into()
                },
                path: "passwd".into()
            },
            Anomaly {
                kind: AnomalyKind::SpecialEntry {
                    entry_type: "socket".into()
                },
                path: "sock".into()
            },
        ]
    );
}

/// The process umask, read back from a file created with 0o666.
#[cfg(unix)]
fn umask() -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    fs::write(&probe, b"").unwrap();
    !fs::metadata(&probe).unwrap().permissions().mode() & 0o666
}

#[test]
fn enforces_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.js", &[b'a'; 300]);
    write(root, "b/c.js", &[b'c'; 300]);
    write(root, "d.js", &[b'd'; 300]);

    let limits = Limits {
        max_total_bytes: 10_000,
        max_entries: 3,
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let err = read_dir(root, &limits).unwrap_err();
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 3 }),
        "{err}"
    );

    let limits = Limits {
        max_entries: 10,
        max_file_bytes: 200,
        ..limits
    };
    let err = read_dir(root, &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "file `a.js` is 300 bytes, over the 200 bytes per-file limit"
    );

    let limits = Limits {
        max_file_bytes: 1000,
        max_total_bytes: 700,
        ..limits
    };
    let err = read_dir(root, &limits).unwrap_err();
    assert!(
        matches!(err, ArchiveError::TotalTooLarge { limit: 700 }),
        "{err}"
    );
}

#[test]
fn a_missing_folder_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let err = read_dir(&missing, &Limits::default()).unwrap_err();
    assert!(matches!(err, ArchiveError::Io { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot read `{}`: ", missing.display())),
        "{text}"
    );
    assert!(!text.contains('\n'));
}
