use super::*;

#[test]
fn dsca1009_a_bait_token_leaves_over_dns() {
    let mut run = benign();
    run.honeytokens.exfiltrations.push(Exfiltration {
        phase: "install".into(),
        token: "NPM_TOKEN".into(),
        encoding: "hex".into(),
        channel: "dns".into(),
        destination: "6e706d5f.x.exfil.example".into(),
        pid: Some(30),
        time_ms: 420,
    });
    let found = findings(&run, "DSCA1009");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(findings(&benign(), "DSCA1009").is_empty());
}
