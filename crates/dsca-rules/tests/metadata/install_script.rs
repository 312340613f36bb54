use super::*;

#[test]
fn dsca101_install_scripts_are_reported() {
    let fixture = tarball_with_scripts(json!({
        "preinstall": "node check.js", "postinstall": "node install.js", "test": "jest"}));
    assert_yaml_snapshot!(fixture.findings("DSCA101"));
    let behaviours = fixture.analyse().behaviours;
    assert!(
        behaviours
            .iter()
            .any(|b| b.id == "install-scripts.lifecycle" && b.count == 2)
    );
}

#[test]
fn dsca101_binding_gyp_is_an_implicit_install_script() {
    let fixture = tarball_with_scripts(json!({})).file("binding.gyp", b"{}");
    let findings = fixture.findings("DSCA101");
    assert_yaml_snapshot!(findings);
    assert_eq!(
        findings[0].severity,
        Severity::Low,
        "like any install script"
    );
}

#[test]
fn dsca101_prepare_counts_only_for_directories() {
    let scripts = json!({"prepare": "husky install"});
    assert!(
        tarball_with_scripts(scripts.clone())
            .findings("DSCA101")
            .is_empty()
    );
    let directory = tarball_with_scripts(scripts).origin(Origin::Directory);
    assert_eq!(directory.findings("DSCA101").len(), 1);
}

#[test]
fn dsca101_no_install_scripts() {
    let fixture =
        tarball_with_scripts(json!({"test": "jest", "build": "tsc", "prepublishOnly": "npm test"}));
    assert!(fixture.findings("DSCA101").is_empty());
    assert!(fixture.analyse().behaviours.is_empty());
}
