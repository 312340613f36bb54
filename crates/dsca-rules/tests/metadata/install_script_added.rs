use super::*;

#[test]
fn dsca103_postinstall_added() {
    let fixture = two_versions(
        json!({"scripts": {"test": "jest"}}),
        json!({"scripts": {"test": "jest", "postinstall": "node setup.js"}}),
    );
    assert_yaml_snapshot!(fixture.findings("DSCA103"));
}

#[test]
fn dsca103_script_already_present() {
    let scripts = json!({"scripts": {"postinstall": "node setup.js"}});
    let fixture = two_versions(scripts.clone(), scripts);
    assert!(fixture.findings("DSCA103").is_empty());
    let first_version = Fixture::registry(
        packument(
            "demo-pkg",
            &[("1.0.0", json!({"scripts": {"postinstall": "x"}}), LONG_AGO)],
        ),
        "1.0.0",
    );
    assert!(first_version.findings("DSCA103").is_empty());
}
