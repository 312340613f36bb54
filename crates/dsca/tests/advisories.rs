//! The known-malware advisories end to end: `dsca db update` from real OSV records,
//! `dsca db status`, and every scan checking what it sees against them, offline and
//! against the local test registry.

mod common;

use common::{PUBLISHED, dsca, run};
use dsca_test::{PackageBuilder, TempHome, TestRegistry};
use serde_json::{Value, json};
use std::path::PathBuf;

/// Real MAL- records (chalk, debug, @ctrl/tinycolor, axios, getcookies, a withdrawn one),
/// kept byte for byte in the advisory crate's test data.
fn records() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dsca-advisory/tests/data/osv")
}

fn updated_home() -> TempHome {
    let home = TempHome::new();
    let out = run(dsca(&home).args(["db", "update", "--from"]).arg(records()));
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("advisories for"), "{out}");
    home
}

fn rules(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

#[test]
fn status_says_what_is_installed_and_a_failed_update_keeps_it() {
    let home = TempHome::new();
    let none = run(dsca(&home).args(["db", "status"]));
    assert_eq!(none.code, 2, "{none}");
    assert!(none.stderr.contains("dsca db update"), "{none}");

    let home = updated_home();
    let status = run(dsca(&home).args(["db", "status", "--json"]));
    assert_eq!(status.code, 0, "{status}");
    let value = status.json();
    assert_eq!(value["records"], 6, "{value}");
    assert_eq!(value["withdrawn"], 1, "{value}");
    assert_eq!(value["age_days"], 0, "{value}");

    // A source that is not there fails in one line and leaves the copy in place.
    let failed = run(dsca(&home).args(["db", "update", "--from", "/nonexistent/osv.zip"]));
    assert_eq!(failed.code, 2, "{failed}");
    assert_eq!(failed.stderr.trim().lines().count(), 1, "{failed}");
    let after = run(dsca(&home).args(["db", "status", "--json"]));
    assert_eq!(after.json()["records"], 6);
}

#[test]
fn a_lockfile_pinning_removed_malicious_versions_fails_the_audit_offline() {
    let home = updated_home();
    let lock = json!({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
        "packages": {
            "": {"name": "app", "version": "1.0.0",
                 "dependencies": {"chalk": "5.6.1", "debug": "4.4.2", "@ctrl/tinycolor": "4.1.1"}},
            "node_modules/chalk": {"version": "5.6.1",
                "resolved": "https://registry.npmjs.org/chalk/-/chalk-5.6.1.tgz"},
            "node_modules/debug": {"version": "4.4.2",
                "resolved": "https://registry.npmjs.org/debug/-/debug-4.4.2.tgz"},
            "node_modules/@ctrl/tinycolor": {"version": "4.1.1",
                "resolved": "https://registry.npmjs.org/@ctrl/tinycolor/-/tinycolor-4.1.1.tgz"}
        }
    });
    std::fs::write(
        home.project_dir().join("package-lock.json"),
        serde_json::to_string_pretty(&lock).unwrap(),
    )
    .unwrap();
    let out = run(dsca(&home).args([
        "audit",
        "--offline",
        "--format",
        "json",
        "--fail-on",
        "critical",
    ]));
    assert_eq!(out.code, 1, "{out}");
    let reports: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let text = out.stdout.as_str();
    for id in ["MAL-2025-46969", "MAL-2025-46974", "MAL-2025-47141"] {
        assert!(text.contains(id), "{id} missing: {out}");
    }
    for report in &reports {
        assert_eq!(rules(report), ["DSCA408"], "{report}");
        assert_eq!(report["verdict"]["level"], "malicious", "{report}");
        assert!(
            report["errors"].as_array().is_none_or(Vec::is_empty),
            "{report}"
        );
    }
}

#[test]
fn a_version_the_registry_removed_is_known_malicious_not_an_error() {
    let home = updated_home();
    let registry = TestRegistry::start();
    registry.publish_plain(PackageBuilder::new("chalk", "5.6.0"), PUBLISHED);
    home.write_project_npmrc(&format!("registry={}\n", registry.url()));
    let out = run(dsca(&home).args(["scan", "chalk@5.6.1", "--format", "json"]));
    assert_eq!(out.code, 0, "{out}");
    let report = out.json();
    assert_eq!(rules(&report), ["DSCA408"]);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("removed from the registry"),
        "{report}"
    );
    // The version the registry still has is not named by the advisory.
    let clean = run(dsca(&home).args(["scan", "chalk@5.6.0", "--format", "json"]));
    assert_eq!(clean.json()["verdict"]["level"], "clean", "{clean}");
}

#[test]
fn a_dependency_an_advisory_names_is_flagged_with_its_path() {
    let home = updated_home();
    let registry = TestRegistry::start();
    registry.publish_plain(PackageBuilder::new("getcookies", "1.12.3"), PUBLISHED);
    registry.publish_plain(
        PackageBuilder::new("express-cookies", "1.4.7").dependency("getcookies", "^1.12.3"),
        PUBLISHED,
    );
    registry.publish_plain(
        PackageBuilder::new("web-kit", "2.0.0").dependency("express-cookies", "1.4.7"),
        PUBLISHED,
    );
    home.write_project_npmrc(&format!("registry={}\n", registry.url()));

    let direct = run(dsca(&home).args(["scan", "express-cookies@1.4.7", "--format", "json"]));
    let report = direct.json();
    assert_eq!(rules(&report), ["DSCA202"], "{report}");
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("express-cookies@1.4.7 > getcookies@1.12.3"),
        "{report}"
    );
    assert_eq!(report["verdict"]["level"], "malicious");

    // Two levels down only the resolved tree shows it.
    let shallow = run(dsca(&home).args(["scan", "web-kit@2.0.0", "--format", "json"]));
    assert!(rules(&shallow.json()).is_empty(), "{shallow}");
    let deep = run(dsca(&home).args(["scan", "--deps", "web-kit@2.0.0", "--format", "json"]));
    let report = deep.json();
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("web-kit@2.0.0 > express-cookies@1.4.7 > getcookies@1.12.3"),
        "{report}"
    );
}

#[test]
fn no_database_changes_nothing() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    registry.publish_plain(PackageBuilder::new("getcookies", "1.12.3"), PUBLISHED);
    home.write_project_npmrc(&format!("registry={}\n", registry.url()));
    let out = run(dsca(&home).args(["scan", "getcookies@1.12.3", "--format", "json"]));
    assert_eq!(out.code, 0, "{out}");
    assert!(rules(&out.json()).is_empty(), "{out}");
    assert!(out.stderr.is_empty(), "{out}");
}

#[test]
fn a_package_naming_the_c2_of_a_known_campaign_is_flagged_with_the_advisory() {
    // MAL-2026-2307 (axios, March 2026) lists sfrclak.com and 142.11.206.73.
    let home = updated_home();
    let registry = TestRegistry::start();
    registry.publish_plain(
        PackageBuilder::new("http-retry-kit", "1.0.0").file(
            "lib/client.js",
            "module.exports = () => fetch('http://sfrclak.com:8000/6202033');\n",
        ),
        PUBLISHED,
    );
    registry.publish_plain(
        PackageBuilder::new("http-retry-lite", "1.0.0").file(
            "lib/client.js",
            "module.exports = () => fetch('https://notsfrclak.com/api');\n",
        ),
        PUBLISHED,
    );
    home.write_project_npmrc(&format!("registry={}\n", registry.url()));
    let out = run(dsca(&home).args(["scan", "http-retry-kit@1.0.0", "--format", "json"]));
    let report = out.json();
    assert!(rules(&report).contains(&"DSCA409"), "{report}");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DSCA409")
        .unwrap();
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("MAL-2026-2307"),
        "{finding}"
    );
    assert_eq!(finding["evidence"][0]["location"]["file"], "lib/client.js");
    assert_eq!(report["verdict"]["level"], "malicious");

    let near = run(dsca(&home).args(["scan", "http-retry-lite@1.0.0", "--format", "json"]));
    assert!(!rules(&near.json()).contains(&"DSCA409"), "{near}");
}
