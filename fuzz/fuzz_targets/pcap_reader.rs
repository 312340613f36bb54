#![no_main]
//! Any bytes as a capture file: the reader, the whole analysis and the capture rules
//! over what it read must not panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let allowlist = dsca_pcap::Allowlist::npm_registry();
    if let Ok(report) = dsca_pcap::analyse_reader(data, "fuzz", &allowlist)
        && let Some(network) = &report.network
    {
        for finding in dsca_rules::analyse_capture(network).findings {
            let rule = dsca_rules::rule_by_id(&finding.rule).expect("a catalogued rule");
            assert!(rule.severities.contains(&finding.severity));
        }
    }
});
