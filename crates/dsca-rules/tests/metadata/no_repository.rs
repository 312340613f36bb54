use super::*;

#[test]
fn dsca406_no_repository() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    assert_yaml_snapshot!(fixture.findings("DSCA406"));
    let fine = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "repository": {"type": "git", "url": "https://github.com/x/y"}}));
    assert!(fine.findings("DSCA406").is_empty());
}
