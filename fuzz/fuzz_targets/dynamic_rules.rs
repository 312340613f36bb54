//! The dynamic rules and the printers over an arbitrary sandbox record (the record is
//! package-controlled: names, URLs, argv, paths): never a panic, evidence bounded.

#![no_main]

use dsca_model::dynamic::DynamicAnalysis;
use dsca_model::{PackageInfo, Report, Source};
use dsca_rules::analyse_dynamic;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(run) = serde_json::from_slice::<DynamicAnalysis>(data) else {
        return;
    };
    let analysis = analyse_dynamic(&run);
    for finding in &analysis.findings {
        assert!(finding.rule.starts_with("DSCA10"));
        assert!(finding.evidence.len() <= 21, "evidence is bounded");
    }
    let mut report = Report::new("fuzzed", PackageInfo::default(), Source::None);
    report.findings = analysis.findings;
    report.behaviours = analysis.behaviours;
    report.dynamic = Some(run);
    report.finalize();
    let mut out = Vec::new();
    let options = dsca_report::TextOptions::default();
    let _ = dsca_report::write_text(&mut out, std::slice::from_ref(&report), &options);
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains('\u{1b}'), "plain text output never holds an escape");
    out.clear();
    let _ = dsca_report::write_markdown(&mut out, "fuzz", &[report]);
});
