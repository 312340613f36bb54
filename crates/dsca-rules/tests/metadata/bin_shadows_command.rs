use super::*;

#[test]
fn dsca603_bin_named_git() {
    let fixture = Fixture::tarball(json!({"name": "helpful-tool", "version": "1.0.0",
        "bin": {"helpful-tool": "cli.js", "git": "fake-git.js"}}));
    assert_yaml_snapshot!(fixture.findings("DSCA603"));
}

#[test]
fn dsca603_official_tool_packages() {
    let npm = Fixture::tarball(json!({"name": "npm", "version": "10.0.0",
        "bin": {"npm": "bin/npm-cli.js", "npx": "bin/npx-cli.js"}}));
    assert!(npm.findings("DSCA603").is_empty());
    let own_name = Fixture::tarball(json!({"name": "tool", "version": "1.0.0", "bin": "cli.js"}));
    assert!(own_name.findings("DSCA603").is_empty());
}
