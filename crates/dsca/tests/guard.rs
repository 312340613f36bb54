//! `dsca npm install` / `dsca npm ci` end to end: the real npm against the local test
//! registry (offline, deterministic), synthetic packages whose install scripts only write
//! a marker file into the project. Standard input is not a terminal here, so the guard
//! never asks: it refuses when the policy fails and goes on when it passes.

mod common;

use assert_cmd::Command;
use common::{PUBLISHED, Run};
use dsca_test::{PackageBuilder, TempHome, TestRegistry};
use serde_json::Value;
use std::path::Path;

/// A postinstall that leaves `<project>/<name>.marker` (npm sets INIT_CWD to the
/// directory it was started in).
fn marker_script(name: &str) -> String {
    format!(
        "node -e \"require('fs').writeFileSync(require('path').join(process.env.INIT_CWD, '{name}.marker'), 'ran')\""
    )
}

/// The same marker, written through `base64 -d`: a high finding (DSCA102).
fn risky_marker_script(name: &str) -> String {
    format!("echo cmFu | base64 -d > \"$INIT_CWD/{name}.marker\"")
}

struct Project {
    home: TempHome,
    registry: TestRegistry,
}

impl Project {
    fn new() -> Option<Project> {
        if which_npm().is_none() {
            eprintln!("skipped: npm is not on PATH");
            return None;
        }
        let home = TempHome::new();
        let registry = TestRegistry::start();
        home.write_project_npmrc(&format!("registry={}\n", registry.url()));
        std::fs::write(
            home.project_dir().join("package.json"),
            "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\"\n}\n",
        )
        .unwrap();
        Some(Project { home, registry })
    }

    fn publish(&self, package: PackageBuilder) {
        self.registry.publish_plain(package, PUBLISHED);
    }

    fn dir(&self) -> std::path::PathBuf {
        self.home.project_dir()
    }

    fn dsca(&self) -> Command {
        let mut cmd = common::dsca(&self.home);
        cmd.env("npm_config_cache", self.home.path().join("npm-cache"))
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_update_notifier", "false")
            .current_dir(self.dir());
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        common::run(self.dsca().args(args))
    }

    fn has(&self, path: &str) -> bool {
        self.dir().join(path).exists()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir().join(path)).ok()
    }
}

fn which_npm() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("npm"))
        .find(|p| p.is_file())
}

fn names(run: &Run) -> Vec<String> {
    let reports: Vec<Value> = serde_json::from_str(&run.stdout)
        .or_else(|_| serde_json::from_str(&run.stdout).map(|one: Value| vec![one]))
        .unwrap_or_else(|err| panic!("not JSON ({err}): {run}"));
    reports
        .iter()
        .map(|r| r["spec"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn installs_a_clean_package_and_runs_its_script_then_ci_does_the_same() {
    let Some(p) = Project::new() else { return };
    p.publish(PackageBuilder::new("helper", "1.0.0"));
    p.publish(
        PackageBuilder::new("clean-script", "1.0.0")
            .dependency("helper", "^1.0.0")
            .script("postinstall", &marker_script("clean-script")),
    );
    let run = p.run(&["npm", "--format", "json", "install", "clean-script"]);
    assert_eq!(run.code, 0, "{run}");
    // Reports on standard output only; npm's own output goes to standard error.
    assert_eq!(names(&run), ["clean-script@1.0.0", "helper@1.0.0"], "{run}");
    assert!(p.has("node_modules/clean-script/package.json"), "{run}");
    assert!(
        p.has("clean-script.marker"),
        "the approved script ran: {run}"
    );
    assert!(
        run.stderr
            .contains("dsca: ran the install scripts of clean-script@1.0.0"),
        "{run}"
    );
    let manifest: Value = serde_json::from_slice(&p.read("package.json").unwrap()).unwrap();
    assert_eq!(manifest["dependencies"]["clean-script"], "^1.0.0");

    // A second install scans only what it adds, and what runs install scripts.
    p.publish(PackageBuilder::new("other", "2.0.0"));
    let run = p.run(&["npm", "--format", "json", "install", "other"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(names(&run), ["clean-script@1.0.0", "other@2.0.0"], "{run}");

    // `ci` installs the whole lockfile: every package is scanned, scripts run again.
    std::fs::remove_dir_all(p.dir().join("node_modules")).unwrap();
    std::fs::remove_file(p.dir().join("clean-script.marker")).unwrap();
    let run = p.run(&["npm", "--format", "json", "ci"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        names(&run),
        ["clean-script@1.0.0", "helper@1.0.0", "other@2.0.0"],
        "{run}"
    );
    assert!(p.has("node_modules/other/package.json"), "{run}");
    assert!(p.has("clean-script.marker"), "{run}");
}

#[test]
fn refuses_a_package_that_fails_the_policy_and_installs_nothing() {
    let Some(p) = Project::new() else { return };
    p.publish(PackageBuilder::new("plain", "1.0.0"));
    p.publish(
        PackageBuilder::new("bad-pkg", "1.0.0").script("postinstall", &risky_marker_script("bad")),
    );
    let run = p.run(&["npm", "install", "plain"]);
    assert_eq!(run.code, 0, "{run}");
    let manifest = p.read("package.json").unwrap();
    let lock = p.read("package-lock.json").expect("a lockfile");
    std::fs::remove_dir_all(p.dir().join("node_modules")).unwrap();

    let run = p.run(&["npm", "--color", "never", "install", "bad-pkg"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("DSCA102"), "{run}");
    assert!(
        run.stderr.contains(
            "dsca: refused: a package has a finding at or above high; nothing was installed"
        ),
        "{run}"
    );
    assert!(!p.has("node_modules"), "{run}");
    assert!(!p.has("bad.marker"), "{run}");
    assert_eq!(p.read("package.json").unwrap(), manifest);
    assert_eq!(p.read("package-lock.json").unwrap(), lock);
}

#[test]
fn scripts_run_only_for_packages_the_policy_approves() {
    let Some(p) = Project::new() else { return };
    // High (DSCA102), but allowed by the policy: its finding becomes info.
    p.publish(
        PackageBuilder::new("allowed-pkg", "1.0.0")
            .script("postinstall", &risky_marker_script("allowed")),
    );
    // Medium (DSCA103: the previous version had no install script): below fail-on, so it
    // installs, but not below run-scripts-below, so its script stays off.
    p.publish(PackageBuilder::new("unapproved-pkg", "1.0.0"));
    p.publish(
        PackageBuilder::new("unapproved-pkg", "1.1.0")
            .script("postinstall", &marker_script("unapproved")),
    );
    std::fs::write(
        p.dir().join("dsca.toml"),
        "fail-on = \"high\"\n\n[[allow]]\npackage = \"allowed-pkg\"\nreason = \"its postinstall is reviewed\"\n",
    )
    .unwrap();
    let run = p.run(&[
        "npm",
        "--color",
        "never",
        "install",
        "allowed-pkg",
        "unapproved-pkg",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("DSCA103"), "{run}");
    assert!(p.has("node_modules/allowed-pkg/package.json"), "{run}");
    assert!(p.has("node_modules/unapproved-pkg/package.json"), "{run}");
    assert!(p.has("allowed.marker"), "the allowed script ran: {run}");
    assert!(!p.has("unapproved.marker"), "{run}");
    assert!(
        run.stderr.contains(
            "dsca: did not run the install scripts of unapproved-pkg@1.1.0 (not approved); after a review, run them with: npm rebuild unapproved-pkg@1.1.0"
        ),
        "{run}"
    );
}

#[test]
fn npm_errors_are_one_line() {
    let Some(p) = Project::new() else { return };
    let before = p.read("package.json").unwrap();
    let run = p.run(&["npm", "install", "no-such-package"]);
    assert_eq!(run.code, 2, "{run}");
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(
            "dsca: error: npm could not resolve the install (exit 1): E404: 404 Not Found - GET "
        ) && last.contains("no-such-package"),
        "{run}"
    );
    assert_eq!(p.read("package.json").unwrap(), before);
    assert!(
        !p.has("node_modules") && !p.has("package-lock.json"),
        "{run}"
    );

    let run = p.run(&["npm", "ls"]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(
        run.stderr,
        "dsca: error: dsca npm guards `install` and `ci`, not `ls`\n"
    );

    let run = p.run(&["npm", "ci"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .starts_with("dsca: error: npm ci installs from a lockfile"),
        "{run}"
    );

    let empty = p.home.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = p
        .dsca()
        .env("PATH", &empty)
        .args(["npm", "install", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "dsca: error: npm is not on PATH: dsca npm runs the real npm (install Node.js and npm)\n"
    );
    assert!(Path::new(&p.dir()).join("package.json").exists());
}
