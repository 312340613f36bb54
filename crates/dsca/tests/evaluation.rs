//! Evaluation gates, run by `.ci/run`:
//! - every real malicious tarball of the shared corpus scans without error, and the
//!   ones whose install scripts or typosquatted names the corpus index describes are
//!   flagged for it (the index is the ground truth, not the rules' own output);
//! - the 50 most-downloaded npm packages scan without error and none is judged
//!   malicious; every finding above low names its evidence (needs the registry:
//!   DSCA_NETWORK_TESTS=1).
//!
//! The corpus is real malware: it is only read and scanned statically, never run.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn network_enabled() -> bool {
    std::env::var("DSCA_NETWORK_TESTS").is_ok_and(|v| v == "1")
}

/// Run `dsca scan --format json` over `specs` and return the reports, in order.
fn scan_json(specs: &[String], cache: &Path) -> Vec<Value> {
    let output = Command::cargo_bin("dsca")
        .expect("dsca binary")
        .env("DSCA_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .args(["scan", "--format", "json", "--jobs", "4"])
        .args(specs)
        .output()
        .expect("run dsca");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let parsed: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("dsca printed no JSON ({err}); stderr: {stderr}"));
    match parsed {
        Value::Array(reports) => reports,
        single => vec![single],
    }
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

struct CorpusEntry {
    file: String,
    family: String,
    behaviour: String,
}

fn corpus_index(dir: &Path) -> Vec<CorpusEntry> {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("corpus INDEX.tsv");
    index
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Some(CorpusEntry {
                file: cols.first()?.to_string(),
                family: cols.get(4)?.to_lowercase(),
                behaviour: cols.get(6)?.to_lowercase(),
            })
        })
        .collect()
}

#[test]
fn malicious_corpus_is_scanned_and_flagged() {
    let dir = shared_dir().join("corpus/npm-malicious");
    if !dir.join("INDEX.tsv").exists() {
        eprintln!("evaluation: skipped, no corpus at {}", dir.display());
        return;
    }
    let entries = corpus_index(&dir);
    assert!(
        entries.len() >= 15,
        "the corpus index lists {} tarballs",
        entries.len()
    );
    let specs: Vec<String> = entries
        .iter()
        .map(|e| dir.join(&e.file).display().to_string())
        .collect();
    let cache = tempfile::tempdir().expect("temp cache");
    let reports = scan_json(&specs, cache.path());
    assert_eq!(reports.len(), entries.len());

    let mut failures = Vec::new();
    println!("evaluation: malicious corpus");
    println!(
        "  {:<34} {:<11} {:>5}  findings",
        "tarball", "verdict", "score"
    );
    for (entry, report) in entries.iter().zip(&reports) {
        let rules = rule_ids(report);
        println!(
            "  {:<34} {:<11} {:>5}  {}",
            entry.file,
            report["verdict"]["level"].as_str().unwrap_or("-"),
            report["verdict"]["score"],
            rules.join(",")
        );
        if report["errors"].as_array().is_some_and(|e| !e.is_empty()) {
            failures.push(format!("{}: errors {}", entry.file, report["errors"]));
        }
        let has_install_script = ["preinstall", "postinstall", "'install'", " install "]
            .iter()
            .any(|word| entry.behaviour.contains(word));
        if has_install_script && !rules.iter().any(|r| r == "DSCA101") {
            failures.push(format!("{}: install script not flagged", entry.file));
        }
        if entry.family.contains("typosquat") && !rules.iter().any(|r| r == "DSCA301") {
            failures.push(format!("{}: typosquat not flagged", entry.file));
        }
    }
    assert!(
        failures.is_empty(),
        "corpus gate failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn top_50_packages_scan_without_error_or_alarm() {
    if !network_enabled() {
        eprintln!("evaluation: skipped top-50 scan (set DSCA_NETWORK_TESTS=1)");
        return;
    }
    let list = std::fs::read_to_string(shared_dir().join("data/npm-top-10000.tsv"))
        .expect("top-10000 list");
    let names: Vec<String> = list
        .lines()
        .skip(1)
        .take(50)
        .filter_map(|line| line.split('\t').nth(1).map(str::to_string))
        .collect();
    assert_eq!(names.len(), 50);
    let cache = tempfile::tempdir().expect("temp cache");
    let reports = scan_json(&names, cache.path());
    assert_eq!(reports.len(), 50);

    let mut failures = Vec::new();
    println!("evaluation: top 50 packages");
    for report in &reports {
        let name = report["spec"].as_str().unwrap_or("?");
        let above_low: Vec<&Value> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| matches!(f["severity"].as_str(), Some("medium" | "high" | "critical")))
            .collect();
        for finding in &above_low {
            println!(
                "  {name}: {} {} {}",
                finding["severity"].as_str().unwrap_or("?"),
                finding["rule"].as_str().unwrap_or("?"),
                finding["message"].as_str().unwrap_or("?")
            );
            if finding["evidence"].as_array().is_none_or(Vec::is_empty) {
                failures.push(format!("{name}: {} has no evidence", finding["rule"]));
            }
        }
        if report["errors"].as_array().is_some_and(|e| !e.is_empty()) {
            failures.push(format!("{name}: errors {}", report["errors"]));
        }
        if report["verdict"]["level"] == "malicious" {
            failures.push(format!(
                "{name}: judged malicious: {}",
                report["verdict"]["reasons"]
            ));
        }
    }
    let clean = reports
        .iter()
        .filter(|r| r["verdict"]["level"] == "clean")
        .count();
    println!(
        "evaluation: top 50: {clean} clean, {} not clean",
        50 - clean
    );
    assert!(
        failures.is_empty(),
        "top-50 gate failed:\n{}",
        failures.join("\n")
    );
}
