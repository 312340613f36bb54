//! Hostile inputs for the code analysis: they must finish quickly, never panic, and be
//! reported as anomalies where they are one.

use crate::common::Fixture;
use dsca_model::Severity;
use serde_json::json;
use std::time::{Duration, Instant};

fn package_with(path: &str, data: &[u8]) -> Fixture {
    Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"})).file(path, data)
}

/// The code analysis of `fixture`, timed.
fn analyse_timed(fixture: &Fixture) -> (dsca_rules::Analysis, Duration) {
    let started = Instant::now();
    let analysis = fixture.analyse_code();
    (analysis, started.elapsed())
}

fn unanalysed(analysis: &dsca_rules::Analysis) -> Option<&dsca_model::Finding> {
    analysis.findings.iter().find(|f| f.rule == "DSCA810")
}

#[test]
fn ten_megabyte_single_line() {
    let mut code = b"var blob = \"".to_vec();
    code.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    code.extend_from_slice(b"\"; require('child_process').exec('id');");
    let (analysis, elapsed) = analyse_timed(&package_with("big.js", &code));
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    assert!(unanalysed(&analysis).is_none(), "a long line is valid code");
    assert!(
        analysis
            .behaviours
            .iter()
            .any(|b| b.id == "execution.child-process")
    );
}

#[test]
fn hundred_thousand_nested_parentheses() {
    let mut code = "(".repeat(100_000);
    code.push('1');
    code.push_str(&")".repeat(100_000));
    let (analysis, elapsed) = analyse_timed(&package_with("deep.js", code.as_bytes()));
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let finding = unanalysed(&analysis).expect("reported");
    assert_eq!(finding.severity, Severity::Medium);
    assert!(finding.message.contains("nest"), "{}", finding.message);
}

#[test]
fn invalid_utf8_is_parsed_lossily_and_reported() {
    let code = b"var s = '\xff\xfe\xc3'; require('child_process').exec('id');\n";
    let (analysis, _) = analyse_timed(&package_with("bad.js", code));
    let finding = unanalysed(&analysis).expect("reported");
    assert_eq!(finding.severity, Severity::Low);
    assert!(finding.message.contains("UTF-8"), "{}", finding.message);
    assert!(
        analysis
            .behaviours
            .iter()
            .any(|b| b.id == "execution.child-process")
    );
}

#[test]
fn fifty_megabyte_file_is_capped() {
    let mut code = b"require('child_process').exec('id');\n".to_vec();
    code.resize(50 * 1024 * 1024, b'\n');
    let (analysis, elapsed) = analyse_timed(&package_with("huge.js", &code));
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    let finding = unanalysed(&analysis).expect("reported");
    assert_eq!(finding.severity, Severity::Info);
    assert!(finding.message.contains("too large"), "{}", finding.message);
    assert!(
        analysis
            .behaviours
            .iter()
            .any(|b| b.id == "execution.child-process"),
        "the byte-level pass still reads the start of the file"
    );
}

#[test]
fn odd_inputs_never_panic() {
    let inputs: &[&[u8]] = &[
        b"",
        b"\0\0\0",
        b"`${`${`${",
        b"require(",
        b"eval(atob('%%%'))",
        b"Buffer.from('zz', 'hex').toString()",
        "caf\u{e9}@b.cc h\u{e9}ttp://x \u{202e}".as_bytes(),
        b"String.fromCharCode(1e100, -1, NaN)",
        b"x = 'a' + 'b'; x += y; eval(x)",
        b"[[[[[[[[[[[[[[[[[[[[",
    ];
    for input in inputs {
        for name in ["a.js", "a.ts", "a.mjs", "a.sh", "a.py"] {
            let _ = package_with(name, input).analyse_code();
        }
    }
}

#[test]
fn string_decoders_peel_layers_and_survive_odd_text() {
    use base64::Engine as _;
    let inner = base64::engine::general_purpose::STANDARD.encode("https://webhook.site/abc");
    let outer = base64::engine::general_purpose::STANDARD.encode(&inner);
    let (decoded, found) = dsca_rules::code::string_intelligence(&outer);
    assert_eq!(decoded.as_deref(), Some(inner.as_str()));
    assert!(
        found.iter().any(|line| line.contains("webhook.site")),
        "{found:?}"
    );
    for odd in [
        "",
        "://",
        "http://",
        "=====",
        "a@",
        "\u{202e}://x",
        &"9".repeat(100_000),
    ] {
        let _ = dsca_rules::code::string_intelligence(odd);
    }
}
