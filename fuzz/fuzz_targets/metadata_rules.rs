//! Every metadata rule over an arbitrary package.json (install-script tokeniser,
//! dependency specs, bin names, typosquat lookups): never a panic.

#![no_main]

use dsca_model::npm::SignatureCheck;
use dsca_rules::{Origin, ScanContext, analyse_metadata};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let name = manifest.get("name").and_then(|n| n.as_str()).unwrap_or("fuzzed");
    let version = manifest.get("version").and_then(|v| v.as_str()).unwrap_or("1.0.0");
    let ctx = ScanContext {
        name,
        version,
        origin: Origin::Directory,
        manifest: Some(&manifest),
        packument: None,
        contents: None,
        signature: &SignatureCheck::NotApplicable,
        now: time::OffsetDateTime::UNIX_EPOCH,
        advisories: &[],
        known_indicators: None,
    };
    let analysis = analyse_metadata(&ctx);
    for finding in &analysis.findings {
        let rule = dsca_rules::rule_by_id(&finding.rule).expect("a catalogued rule");
        assert!(rule.severities.contains(&finding.severity));
    }
});
