use super::*;

#[test]
fn dsca407_security_placeholder() {
    let fixture = Fixture::tarball(json!({"name": "crossenv", "version": "0.0.1-security"}));
    assert_yaml_snapshot!(fixture.findings("DSCA407"));
}

#[test]
fn dsca407_older_version_of_removed_package() {
    let p = packument(
        "evil",
        &[
            ("1.0.0", json!({}), LONG_AGO),
            ("0.0.1-security", json!({}), LONG_AGO),
        ],
    );
    assert_eq!(Fixture::registry(p, "1.0.0").findings("DSCA407").len(), 1);
    let fine = Fixture::tarball(json!({"name": "x", "version": "0.0.1"}));
    assert!(fine.findings("DSCA407").is_empty());
}
