use super::*;

/// Indicators of a made-up advisory, matched as the database does: a listed domain or
/// any name under it. (The database's own matcher is tested in dsca-scan.)
#[derive(Debug)]
struct Listed(&'static str);

impl dsca_model::advisory::KnownIndicators for Listed {
    fn find_in(&self, _: &[u8]) -> Vec<(usize, dsca_model::advisory::KnownIndicator)> {
        Vec::new()
    }
    fn lookup(&self, value: &str) -> Vec<dsca_model::advisory::KnownIndicator> {
        let host = value.split("://").last().unwrap_or(value);
        let host = host.split(['/', ':']).next().unwrap_or(host);
        if host == self.0 || host.ends_with(&format!(".{}", self.0)) {
            vec![dsca_model::advisory::KnownIndicator {
                indicator: self.0.into(),
                advisory: "MAL-2026-0001".into(),
                packages: vec!["campaign-pkg".into()],
            }]
        } else {
            Vec::new()
        }
    }
}

#[test]
fn dsca1011_a_lookup_of_a_known_campaign_host_is_critical() {
    let mut run = benign();
    run.dns
        .push(dns("x1.c2.campaign.example", "A", RESOLVER, 40, false));
    let analysis = dsca_rules::analyse_dynamic_with(&run, Some(&Listed("c2.campaign.example")));
    let found: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|f| f.rule == "DSCA1011")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", analysis.findings);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.contains("MAL-2026-0001"),
        "{}",
        found[0].message
    );
    // The registry-only benign install names none of it.
    let quiet = dsca_rules::analyse_dynamic_with(&benign(), Some(&Listed("c2.campaign.example")));
    assert!(quiet.findings.iter().all(|f| f.rule != "DSCA1011"));
}
