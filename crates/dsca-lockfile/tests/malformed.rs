//! Malformed and truncated lockfiles: one clear error, with a position where the
//! format has one, and never a panic.

use dsca_lockfile::{Limits, LockfileKind, RootManifest, parse};

/// Every real fixture of tests/data (see parse.rs) and its format.
const REAL: [(&str, LockfileKind); 10] = [
    ("npm-v1.package-lock.json", LockfileKind::Npm),
    ("npm-v2.package-lock.json", LockfileKind::Npm),
    ("npm-v3.package-lock.json", LockfileKind::Npm),
    ("npm-v3-no-resolved.package-lock.json", LockfileKind::Npm),
    ("yarn-classic.yarn.lock", LockfileKind::YarnClassic),
    ("yarn-berry.yarn.lock", LockfileKind::YarnBerry),
    ("pnpm-v6.pnpm-lock.yaml", LockfileKind::Pnpm),
    ("pnpm-v9.pnpm-lock.yaml", LockfileKind::Pnpm),
    ("pnpm9-v9.pnpm-lock.yaml", LockfileKind::Pnpm),
    ("bun.lock", LockfileKind::Bun),
];

fn error(kind: LockfileKind, text: &str) -> String {
    let err = parse(kind, text, None, &Limits::default()).expect_err("must fail");
    err.located("lock")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Cut a real lockfile mid-value: every parser must say so with a position.
#[test]
fn truncated_files_name_a_position() {
    for (file, kind) in REAL {
        let text = fixture(file);
        // Mid-line, inside a quoted value: `"sha512-...` for every format but berry.
        let marker = if kind == LockfileKind::YarnBerry {
            "resolution: \""
        } else {
            "sha512-"
        };
        let cut = text.find(marker).unwrap() + 10;
        let message = error(kind, &text[..cut]);
        assert!(
            message.starts_with("lock:")
                && message.split(':').nth(1).unwrap().parse::<u32>().is_ok(),
            "{file}: {message}"
        );
    }
}

/// Cut every real lockfile at each line end and in the middle of each line, and read
/// it with the project's package.json as `dsca audit` does: either an error with a
/// position, or every package still there. Never a shorter audit without a word.
#[test]
fn no_truncation_loses_packages_silently() {
    let manifest = RootManifest::parse(&fixture("package.json"));
    let limits = Limits::default();
    for (file, kind) in REAL {
        let text = fixture(file);
        let full = parse(kind, &text, Some(&manifest), &limits)
            .unwrap()
            .packages
            .len();
        let mut cuts: Vec<usize> = Vec::new();
        let mut start = 0;
        for (end, _) in text.match_indices('\n') {
            let middle = start + (end - start) / 2;
            cuts.extend([middle, end, end + 1]);
            start = end + 1;
        }
        for cut in cuts {
            let Some(head) = text.get(..cut) else {
                continue; // not a character boundary
            };
            match parse(kind, head, Some(&manifest), &limits) {
                Err(err) => assert!(
                    err.line.is_some() && err.column.is_some(),
                    "{file} cut at {cut}: no position in `{err}`"
                ),
                Ok(lock) => assert_eq!(
                    lock.packages.len(),
                    full,
                    "{file} cut at byte {cut} of {} parses with fewer packages:\n{}",
                    text.len(),
                    &head[head.len().saturating_sub(200)..]
                ),
            }
        }
    }
}

#[test]
fn json_errors() {
    assert_eq!(
        error(
            LockfileKind::Npm,
            "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n"
        ),
        "lock:4:0: the file ends too early (truncated?): EOF while parsing an object"
    );
    assert_eq!(
        error(LockfileKind::Npm, "[1]"),
        "lock:1:1: a package-lock.json is a JSON object"
    );
    assert_eq!(
        error(
            LockfileKind::Npm,
            "{\"lockfileVersion\": 3,\n \"packages\": {\"node_modules/x\": {}}}"
        ),
        "lock:2:15: packages.\"node_modules/x\" has no `version`"
    );
    assert_eq!(
        error(LockfileKind::Npm, "{\"lockfileVersion\": 7}"),
        "lock:1:2: lockfileVersion 7 is not supported (1, 2 and 3 are)"
    );
}

#[test]
fn yarn_classic_errors() {
    assert_eq!(
        error(
            LockfileKind::YarnClassic,
            "ms@^2:\n  version \"2.1.3\nx@1:\n"
        ),
        "lock:2:11: unterminated string (truncated?)"
    );
    assert_eq!(
        error(
            LockfileKind::YarnClassic,
            "ms@^2:\n  version \"2.1.3\"\n\ndebug@^4:\n"
        ),
        "lock:4:1: entry `debug@^4` has no version (truncated?)"
    );
    assert_eq!(
        error(LockfileKind::YarnClassic, "ms@^2\n"),
        "lock:1:1: expected an entry header ending in `:`"
    );
    assert_eq!(
        error(LockfileKind::YarnClassic, "ms@^2:\n   version \"1\"\n"),
        "lock:2:4: unexpected indentation"
    );
}

#[test]
fn yaml_errors() {
    assert_eq!(
        error(LockfileKind::Pnpm, "lockfileVersion: '5.4'\n"),
        "lock:1:1: pnpm lockfileVersion 5.4 is not supported (6.0 to 9.0 are)"
    );
    let message = error(
        LockfileKind::Pnpm,
        "lockfileVersion: '9.0'\npackages:\n  a@1: {resolution: {integrity: x}\n",
    );
    assert!(message.starts_with("lock:4:1: "), "{message}");
    assert_eq!(
        error(
            LockfileKind::YarnBerry,
            "__metadata:\n  version: 8\n\n\"ms@npm:^2\":\n  version: 2.1.3\n"
        ),
        "lock:4:2: entry `ms@npm:^2` has no `resolution`"
    );
}

#[test]
fn bun_errors() {
    assert_eq!(
        error(
            LockfileKind::Bun,
            "{\"lockfileVersion\": 1, \"packages\": {\"ms\": [1]}}"
        ),
        "lock:1:37: packages.\"ms\" is not `[\"name@version\", ...]`"
    );
}

#[test]
fn limits_hold() {
    let limits = Limits {
        max_entries: 1,
        ..Limits::default()
    };
    let text = fixture("npm-v3.package-lock.json");
    let err = parse(LockfileKind::Npm, &text, None, &limits).unwrap_err();
    assert!(err.message.contains("more than 1 package entries"), "{err}");
    let deep = format!(
        "{{\"lockfileVersion\": 1, \"dependencies\": {}}}",
        "{\"a\": {\"version\": \"1.0.0\", \"dependencies\": ".repeat(100) + &"}}".repeat(100)
    );
    let err = parse(LockfileKind::Npm, &deep, None, &Limits::default()).unwrap_err();
    assert!(
        err.message.contains("recursion limit") || err.message.contains("nested"),
        "{err}"
    );
}

/// What the cut-off checks say, on real files cut at an entry boundary.
#[test]
fn missing_entries_are_named() {
    let manifest = RootManifest::parse(&fixture("package.json"));
    let cut_before = |file: &str, kind: LockfileKind, needle: &str| {
        let text = fixture(file);
        let head = &text[..text.find(needle).unwrap()];
        parse(kind, head, Some(&manifest), &Limits::default())
            .unwrap_err()
            .located("lock")
    };
    assert_eq!(
        cut_before("pnpm-v9.pnpm-lock.yaml", LockfileKind::Pnpm, "snapshots:"),
        "lock:67:1: a lockfileVersion 9 file with `packages` but no `snapshots` (truncated?)"
    );
    assert_eq!(
        cut_before(
            "pnpm-v6.pnpm-lock.yaml",
            LockfileKind::Pnpm,
            "  /supports-color@"
        ),
        "lock:34:3: `/chalk@4.1.2` depends on `supports-color@7.2.0`, which has no entry (truncated?)"
    );
    assert_eq!(
        cut_before(
            "yarn-classic.yarn.lock",
            LockfileKind::YarnClassic,
            "supports-color@"
        ),
        "lock:12:1: `chalk@^4.1.2` depends on `supports-color@^7.1.0`, which has no entry (truncated?)"
    );
    // A dependency of package.json only, its entry taken out of the middle.
    let text = fixture("yarn-classic.yarn.lock");
    let start = text.find("is-number@").unwrap();
    let end = start + text[start..].find("\n\n").unwrap() + 2;
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(
        parse(
            LockfileKind::YarnClassic,
            &without,
            Some(&manifest),
            &Limits::default()
        )
        .unwrap_err()
        .located("lock"),
        "lock:55:1: package.json depends on `is-number@^7.0.0`, which has no entry (truncated, or not updated since package.json changed?)"
    );
    assert_eq!(
        cut_before(
            "yarn-berry.yarn.lock",
            LockfileKind::YarnBerry,
            "\"lockfile-fixture@"
        ),
        "lock:69:1: no entry for the project itself (`...@workspace:.`) (truncated?)"
    );
    assert_eq!(
        cut_before("bun.lock", LockfileKind::Bun, "\"packages\""),
        "lock:19:2: the file ends too early (truncated?): EOF while parsing a value"
    );
}
