use super::*;

#[test]
fn dsca201_git_url_and_path_dependencies() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "dependencies": {"a": "git+ssh://git@github.com/u/a.git", "b": "u/b#main",
            "c": "http://x.example/c.tgz", "d": "^1.0.0", "e": "npm:real@^2"},
        "optionalDependencies": {"f": "file:../f"},
        "devDependencies": {"g": "github:u/g"}}));
    let findings = fixture.findings("DSCA201");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High, "plain http");
    assert!(
        fixture
            .analyse()
            .behaviours
            .iter()
            .any(|b| b.id == "dependencies.non-registry")
    );
}

#[test]
fn dsca201_registry_dependencies_only() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "dependencies": {"a": "^1", "b": "~2.3.0", "c": "latest", "d": "npm:other@1"},
        "devDependencies": {"e": "github:u/e"}}));
    assert!(fixture.findings("DSCA201").is_empty());
}

#[test]
fn dsca201_a_tarball_on_a_bare_address_is_critical() {
    // PhantomRaven: the published tarball is clean, its dependency is not.
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "dependencies": {"ui-kit": "http://203.0.113.7/npm/ui-kit-1.0.0.tgz"}}));
    assert_eq!(fixture.findings("DSCA201")[0].severity, Severity::Critical);
}

#[test]
fn dsca201_a_code_host_tarball_stays_medium() {
    // The markdox shape: a branch tarball from the code host, over https.
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "dependencies": {"dox": "https://github.com/u/dox/tarball/master"}}));
    assert_eq!(fixture.findings("DSCA201")[0].severity, Severity::Medium);
}

#[test]
fn dsca201_a_scoped_sibling_from_git_is_high() {
    // TanStack (May 2026): the sibling's orphan commit runs its `prepare` at install.
    let fixture = Fixture::tarball(json!({"name": "@team/devtools", "version": "1.0.0",
        "optionalDependencies": {"@team/devtools-core": "github:someone/devtools-core#4f1c9e0d2b7a8c6e5f3a1b0d9c8e7f6a5b4c3d2e"}}));
    assert_eq!(fixture.findings("DSCA201")[0].severity, Severity::High);
    // A fork of another project's package, pinned to a commit: the @artsy/passport shape.
    let fork = Fixture::tarball(json!({"name": "@team/passport", "version": "1.0.0",
        "dependencies": {"passport-apple": "https://github.com/team/passport-apple#f41adb7822c8344b72bc36a7d68312f6592cb14f"}}));
    assert_eq!(fork.findings("DSCA201")[0].severity, Severity::Medium);
}
