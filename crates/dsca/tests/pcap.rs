//! `dsca pcap` end to end on the captures recorded with real tools in
//! crates/dsca-pcap/tests/data (see record.sh there).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../dsca-pcap/tests/data")
        .join(name)
}

fn dsca() -> Command {
    let mut cmd = Command::cargo_bin("dsca").expect("the dsca binary is built");
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

fn schema_errors(schema: &Value, document: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

#[test]
fn text_report_ends_with_the_summary_line() {
    let out = dsca()
        .args(["pcap"])
        .arg(fixture("dig-ethernet.pcap"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let last = stdout.lines().last().expect("output");
    assert!(
        last.ends_with("outside the allowlist") && last.contains("names"),
        "{last}"
    );
    assert!(
        stdout.contains("tcp-lookup.example"),
        "DNS over TCP is read"
    );
}

#[test]
fn allowlist_and_fail_on_decide_the_exit_code() {
    let capture = fixture("dig-ethernet.pcap");
    let failing = dsca()
        .args(["pcap", "--fail-on", "medium"])
        .arg(&capture)
        .output()
        .expect("run");
    assert_eq!(
        failing.status.code(),
        Some(1),
        "names outside the allowlist"
    );
    let allowed = dsca()
        .args([
            "pcap",
            "--fail-on",
            "medium",
            "--allow",
            "*.example",
            "--allow",
            "*.invalid",
        ])
        .args(["--allow", "*.arpa"])
        .arg(&capture)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&allowed.stdout);
    assert_eq!(allowed.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.trim_end().ends_with(", 0 outside the allowlist"),
        "{stdout}"
    );
}

#[test]
fn json_and_sarif_validate_against_their_schemas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let json = dir.path().join("capture.json");
    let status = dsca()
        .args(["pcap", "--format", "json", "-o"])
        .arg(&json)
        .arg(fixture("node-two-interfaces.pcapng"))
        .arg(fixture("cooked-any.pcap"))
        .output()
        .expect("run")
        .status;
    assert_eq!(status.code(), Some(0));
    let document = read_json(&json);
    let errors = schema_errors(
        &read_json(&workspace.join("schema/report.schema.json")),
        &document,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(document.as_array().map(Vec::len), Some(2));
    assert_eq!(document[0]["source"]["kind"], "capture");

    let sarif = dir.path().join("capture.sarif");
    dsca()
        .args(["pcap", "--format", "sarif", "-o"])
        .arg(&sarif)
        .arg(fixture("dig-ethernet.pcap"))
        .output()
        .expect("run");
    let document = read_json(&sarif);
    let schema =
        read_json(&workspace.join("crates/dsca-report/tests/data/sarif-schema-2.1.0.json"));
    let errors = schema_errors(&schema, &document);
    assert!(errors.is_empty(), "{errors:#?}");
    let uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .expect("a location");
    assert!(
        uri.ends_with("dig-ethernet.pcap"),
        "findings point at the capture: {uri}"
    );
}

#[test]
fn a_file_that_is_not_a_capture_is_a_one_line_error() {
    let out = dsca()
        .args(["pcap"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a pcap or pcapng file"), "{stderr}");
}
