use super::*;

#[test]
fn dsca405_deprecated() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "deprecated": "critical bug, use 1.0.1", "repository": "github:x/y"}));
    assert_yaml_snapshot!(fixture.findings("DSCA405"));
    let fine = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "deprecated": ""}));
    assert!(fine.findings("DSCA405").is_empty());
}
