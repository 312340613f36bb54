//! Real lockfiles for one small project (tests/data/package.json), written by the
//! package managers themselves from the npm registry: npm 6 (v1), npm 11 (v2, v3, and v3
//! with `omit-lockfile-registry-resolved`), yarn 1.22 (classic), yarn 4 (berry), pnpm 8
//! (v6), pnpm 9 and pnpm 10 (both v9) and bun 1.x; and their expected parse as
//! snapshots. Every format must agree on the same graph. tests/data/README.md says how
//! to make them again.

use dsca_lockfile::{Limits, Lockfile, LockfileKind, RootManifest, detect, parse};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn load(file: &str, lock_name: &str) -> Lockfile {
    let text = std::fs::read_to_string(data(file)).unwrap();
    let manifest = RootManifest::parse(&std::fs::read_to_string(data("package.json")).unwrap());
    let kind = detect(lock_name, &text).expect("detected");
    parse(kind, &text, Some(&manifest), &Limits::default()).unwrap()
}

/// What every format must agree on: (spec, direct, dev, optional, first path).
fn summary(lock: &Lockfile) -> Vec<(String, bool, bool, bool, String)> {
    lock.packages
        .iter()
        .map(|p| {
            (
                p.spec(),
                p.direct,
                p.dev,
                p.optional,
                p.paths
                    .first()
                    .map(|path| path.join(" > "))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn npm_v1() {
    let lock = load("npm-v1.package-lock.json", "package-lock.json");
    assert_eq!(lock.kind, LockfileKind::Npm);
    insta::assert_json_snapshot!(lock);
}

#[test]
fn npm_v2() {
    insta::assert_json_snapshot!(load("npm-v2.package-lock.json", "package-lock.json"));
}

#[test]
fn npm_v3() {
    insta::assert_json_snapshot!(load("npm-v3.package-lock.json", "npm-shrinkwrap.json"));
}

#[test]
fn npm_v3_without_resolved_urls() {
    insta::assert_json_snapshot!(load(
        "npm-v3-no-resolved.package-lock.json",
        "package-lock.json"
    ));
}

#[test]
fn yarn_classic() {
    let lock = load("yarn-classic.yarn.lock", "yarn.lock");
    assert_eq!(lock.kind, LockfileKind::YarnClassic);
    insta::assert_json_snapshot!(lock);
}

#[test]
fn yarn_berry() {
    let lock = load("yarn-berry.yarn.lock", "yarn.lock");
    assert_eq!(lock.kind, LockfileKind::YarnBerry);
    insta::assert_json_snapshot!(lock);
}

#[test]
fn pnpm_v6() {
    insta::assert_json_snapshot!(load("pnpm-v6.pnpm-lock.yaml", "pnpm-lock.yaml"));
}

#[test]
fn pnpm_v9() {
    insta::assert_json_snapshot!(load("pnpm-v9.pnpm-lock.yaml", "pnpm-lock.yaml"));
}

#[test]
fn pnpm_9_v9() {
    insta::assert_json_snapshot!(load("pnpm9-v9.pnpm-lock.yaml", "pnpm-lock.yaml"));
}

#[test]
fn bun() {
    let lock = load("bun.lock", "bun.lock");
    assert_eq!(lock.kind, LockfileKind::Bun);
    insta::assert_json_snapshot!(lock);
}

#[test]
fn every_format_gives_the_same_graph() {
    let reference = summary(&load("npm-v3.package-lock.json", "package-lock.json"));
    // pnpm 10 installs debug's optional peer `supports-color`; the others agree exactly.
    for (file, name) in [
        ("npm-v1.package-lock.json", "package-lock.json"),
        ("npm-v2.package-lock.json", "package-lock.json"),
        ("npm-v3-no-resolved.package-lock.json", "package-lock.json"),
        ("pnpm9-v9.pnpm-lock.yaml", "pnpm-lock.yaml"),
        ("yarn-classic.yarn.lock", "yarn.lock"),
        ("yarn-berry.yarn.lock", "yarn.lock"),
        ("pnpm-v6.pnpm-lock.yaml", "pnpm-lock.yaml"),
        ("bun.lock", "bun.lock"),
    ] {
        assert_eq!(summary(&load(file, name)), reference, "{file}");
    }
}

#[test]
fn npm_records_install_scripts() {
    let text = r#"{"name": "app", "lockfileVersion": 3, "packages": {
        "": {"name": "app", "dependencies": {"a": "1.0.0", "b": "1.0.0"}},
        "node_modules/a": {"version": "1.0.0", "hasInstallScript": true},
        "node_modules/b": {"version": "1.0.0"}
    }}"#;
    let lock = parse(LockfileKind::Npm, text, None, &Limits::default()).unwrap();
    let flags: Vec<(&str, bool)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.install_script))
        .collect();
    assert_eq!(flags, [("a", true), ("b", false)]);
}
