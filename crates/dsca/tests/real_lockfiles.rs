//! The expected `dsca audit` output for the real lockfiles of
//! crates/dsca-lockfile/tests/data (npm, yarn classic and berry, pnpm, bun, written by
//! the package managers for one small project), offline: the local test registry serves
//! the real tarballs of the nine packages (tests/data/registry, `npm pack name@version`,
//! the same bytes the lockfiles pin), and the lockfiles' registry host is pointed at it.
//! What the public registry's metadata would add (maintainers, publish dates) is not
//! part of this; the packages' code, the lockfile checks and the dependency paths are.

use assert_cmd::Command;
use dsca_test::{PublishOptions, TempHome, TestRegistry};
use serde_json::{Value, json};
use std::path::PathBuf;

const NOW: &str = "2026-01-15T12:00:00Z";
const PUBLISHED: &str = "2025-06-01T10:00:00.000Z";

fn lockfile_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dsca-lockfile/tests/data")
}

fn registry_with_real_tarballs() -> TestRegistry {
    let registry = TestRegistry::start();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/registry");
    let mut tarballs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "tgz"))
        .collect();
    tarballs.sort();
    assert_eq!(tarballs.len(), 9, "{}", dir.display());
    for path in tarballs {
        registry.publish_with(
            std::fs::read(&path).unwrap(),
            PublishOptions {
                time: Some(PUBLISHED.to_string()),
                ..PublishOptions::default()
            },
        );
    }
    registry
}

/// What the audit says of each package, without what varies between runs (the local
/// registry's port, timings).
fn summary(report: &Value) -> Value {
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    json!({
        "spec": report["spec"],
        "verdict": report["verdict"]["level"],
        "direct": report["dependency"]["direct"],
        "dev": report["dependency"]["dev"],
        "optional": report["dependency"]["optional"],
        "paths": report["dependency"]["paths"],
        "findings": findings,
        "errors": report["errors"],
    })
}

/// The summaries of `dsca audit --fail-on low` (every package is clean: exit 0).
fn audit(registry: &TestRegistry, fixture: &str, lock_name: &str) -> Value {
    let home = TempHome::new();
    let project = home.project_dir();
    std::fs::copy(
        lockfile_data().join("package.json"),
        project.join("package.json"),
    )
    .unwrap();
    let text = std::fs::read_to_string(lockfile_data().join(fixture)).unwrap();
    let local = registry.url();
    let text = text
        .replace("https://registry.npmjs.org/", local)
        .replace("https://registry.yarnpkg.com/", local);
    std::fs::write(project.join(lock_name), text).unwrap();
    home.write_project_npmrc(&format!("registry={local}\n"));
    let out = Command::cargo_bin("dsca")
        .unwrap()
        .envs(home.envs())
        .env("DSCA_NOW", NOW)
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        .current_dir(&project)
        .args(["audit", "--format", "json", "--fail-on", "low"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let reports: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "{fixture}: not JSON ({err}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.code(), Some(0), "{fixture}: {stdout}");
    Value::Array(reports.iter().map(summary).collect())
}

#[test]
fn expected_audit_of_each_real_lockfile() {
    let registry = registry_with_real_tarballs();
    let reference = audit(&registry, "npm-v3.package-lock.json", "package-lock.json");
    insta::assert_json_snapshot!("real_lockfile_audit", reference);
    // Every format reports the same packages, paths and findings, but for debug's
    // optional peer supports-color: pnpm 10 installs it for debug, and bun records the
    // peer as an edge (a second path); those two have their own snapshots.
    for (fixture, lock_name) in [
        ("npm-v1.package-lock.json", "package-lock.json"),
        ("npm-v2.package-lock.json", "package-lock.json"),
        ("npm-v3-no-resolved.package-lock.json", "package-lock.json"),
        ("yarn-classic.yarn.lock", "yarn.lock"),
        ("yarn-berry.yarn.lock", "yarn.lock"),
        ("pnpm-v6.pnpm-lock.yaml", "pnpm-lock.yaml"),
        ("pnpm9-v9.pnpm-lock.yaml", "pnpm-lock.yaml"),
    ] {
        assert_eq!(audit(&registry, fixture, lock_name), reference, "{fixture}");
    }
    let pnpm10 = audit(&registry, "pnpm-v9.pnpm-lock.yaml", "pnpm-lock.yaml");
    insta::assert_json_snapshot!("real_lockfile_audit_pnpm10", pnpm10);
    let bun = audit(&registry, "bun.lock", "bun.lock");
    insta::assert_json_snapshot!("real_lockfile_audit_bun", bun);
}
