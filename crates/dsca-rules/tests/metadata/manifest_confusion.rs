use super::*;

#[test]
fn dsca504_tarball_hides_a_script_and_a_dependency() {
    let p = packument(
        "demo-pkg",
        &[(
            "1.0.0",
            json!({"scripts": {"test": "jest"},
        "dependencies": {"a": "^1"}, "bin": {"demo": "./cli.js"}, "_id": "demo-pkg@1.0.0"}),
            LONG_AGO,
        )],
    );
    let mut fixture = Fixture::registry(p, "1.0.0");
    fixture.manifest = Some(json!({"name": "demo-pkg", "version": "1.0.0",
        "scripts": {"test": "jest", "postinstall": "node x.js"},
        "dependencies": {"a": "^1", "evil": "^2"}, "bin": {"demo": "cli.js"}}));
    assert_yaml_snapshot!(fixture.findings("DSCA504"));
}

#[test]
fn dsca504_consistent_manifests() {
    let p = packument(
        "demo-pkg",
        &[(
            "1.0.0",
            json!({"scripts": {"install": "node-gyp rebuild"},
        "dependencies": {"a": "^1"}, "gypfile": true, "_npmUser": {"name": "x"}}),
            LONG_AGO,
        )],
    );
    let mut fixture = Fixture::registry(p, "1.0.0").file("binding.gyp", b"{}");
    fixture.manifest =
        Some(json!({"name": "demo-pkg", "version": "1.0.0", "dependencies": {"a": "^1"}}));
    assert!(fixture.findings("DSCA504").is_empty());
}
