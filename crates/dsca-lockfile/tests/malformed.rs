//! Malformed and truncated lockfiles: one clear error, with a position where the
//! format has one, and never a panic.

use dsca_lockfile::{Limits, LockfileKind, parse};

fn error(kind: LockfileKind, text: &str) -> String {
    let err = parse(kind, text, None, &Limits::default()).expect_err("must fail");
    err.located("lock")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Cut a real lockfile in half: every parser must say so with a position.
#[test]
fn truncated_files_name_a_position() {
    for (file, kind) in [
        ("npm-v3.package-lock.json", LockfileKind::Npm),
        ("npm-v1.package-lock.json", LockfileKind::Npm),
        ("bun.lock", LockfileKind::Bun),
        ("pnpm-v9.pnpm-lock.yaml", LockfileKind::Pnpm),
        ("yarn-berry.yarn.lock", LockfileKind::YarnBerry),
        ("yarn-classic.yarn.lock", LockfileKind::YarnClassic),
    ] {
        let text = fixture(file);
        // Mid-line, inside a quoted value: `"sha512-...` for every format here.
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
