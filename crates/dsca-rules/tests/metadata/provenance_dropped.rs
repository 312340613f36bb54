use super::*;

#[test]
fn dsca503_provenance_dropped() {
    let attested = json!({"dist": {"attestations": {"url": "https://x/attestations"}}});
    let fixture = two_versions(attested.clone(), json!({"dist": {}}));
    assert_yaml_snapshot!(fixture.findings("DSCA503"));
    assert!(
        two_versions(attested.clone(), attested)
            .findings("DSCA503")
            .is_empty()
    );
    assert!(
        two_versions(json!({}), json!({}))
            .findings("DSCA503")
            .is_empty()
    );
}
